/**
 * Port: the duplicate index (issue 7). Cases are filed under LSH band hashes of their text and under hashes of
 * their complainant's phone and mail; an intake looks its own keys up to find candidate cases. The number of
 * keys per intake is fixed, so a look-up costs the same with 1,000 or 1,000,000 cases.
 */
import type { IndexKey } from '../domain/duplicates/fingerprint';

export type { IndexKey };
export { indexKeyId } from '../domain/duplicates/fingerprint';

export interface IndexEntry {
  caseId: string;
  /** Day the case was received, `yyyymmdd` (UTC), for the time window. */
  day: string;
}

export interface DuplicateIndex {
  /**
   * Entries filed under each key, by `indexKeyId(key)`; keys with no entry are absent. Implementations answer
   * in as few round trips as the store allows (DynamoDB: one BatchGetItem for up to 100 keys).
   */
  lookup(jurisdiction: string, keys: IndexKey[]): Promise<Map<string, IndexEntry[]>>;
  /** Files a case under its keys. Idempotent: filing the same case twice changes nothing. */
  /** `writeConcurrency`: parallel writes at most (background filing uses 1 so as not to crowd out requests). */
  add(jurisdiction: string, entry: IndexEntry, keys: IndexKey[], opts?: { writeConcurrency?: number }): Promise<void>;
}

/** `2026-03-05T10:00:00+08:00` → `20260305` (UTC day). */
export const indexDay = (iso: string): string => new Date(Date.parse(iso)).toISOString().slice(0, 10).replace(/-/g, '');
