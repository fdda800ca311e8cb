/**
 * Keeps the evaluation facts (art. 17, art. 20) up to date as cases move, without every caller having to
 * remember: a CaseStore decorator that records the facts of each successful create and update.
 *
 * `before` comes from the record this store last read or wrote for the case at the version being replaced
 * (mutateCase always reads before it writes, so this is a cache hit in practice). On a miss the facts are
 * derived from the new record alone: every record-derived fact is still written, and the next transition
 * repairs anything missed (docs/evaluation.md).
 *
 * A failure to write facts never fails the case write that already succeeded (the caller would otherwise
 * retry an action that was applied). It is retried, then reported through `onError` for the reconciler.
 */
import type { CaseRecord } from '../domain/case';
import type { AuditEntry, CaseQuery, CasePage, CaseStore, NewEvent, SourceClaim } from '../ports';
import type { EvaluationFactStore } from '../ports/evaluation-facts';
import { recordFacts } from './evaluation';

export interface EvaluationStoreOptions {
  facts: EvaluationFactStore;
  /** Called when facts could not be written after retries (case id only: no personal data). */
  onError?: (caseId: string, error: unknown) => void;
  attempts?: number;
  /** How many recently seen records to keep as `before` candidates. */
  cacheSize?: number;
}

export class EvaluationRecordingStore implements CaseStore {
  private readonly seen = new Map<string, CaseRecord>();
  private readonly attempts: number;
  private readonly cacheSize: number;

  constructor(
    private readonly inner: CaseStore,
    private readonly opts: EvaluationStoreOptions,
  ) {
    this.attempts = opts.attempts ?? 3;
    this.cacheSize = opts.cacheSize ?? 1000;
  }

  private remember(record: CaseRecord): void {
    this.seen.delete(record.caseId);
    this.seen.set(record.caseId, record);
    if (this.seen.size > this.cacheSize) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  private async record(before: CaseRecord | undefined, after: CaseRecord): Promise<void> {
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        await recordFacts({ facts: this.opts.facts }, before, after);
        return;
      } catch (err) {
        lastError = err;
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
    this.opts.onError?.(after.caseId, lastError);
  }

  claimSource(sourceKey: string, at: string, opts?: { staleAfterMs?: number }): Promise<SourceClaim> {
    return this.inner.claimSource(sourceKey, at, opts);
  }

  bindSource(sourceKey: string, caseId: string): Promise<void> {
    return this.inner.bindSource(sourceKey, caseId);
  }

  allocateTrackingNo(jurisdiction: string, shanghaiDate: string): Promise<string> {
    return this.inner.allocateTrackingNo(jurisdiction, shanghaiDate);
  }

  async create(record: CaseRecord, events: NewEvent[], opts?: { deferFlush?: boolean }): Promise<CaseRecord> {
    const created = await this.inner.create(record, events, opts);
    this.remember(created);
    await this.record(undefined, created);
    return created;
  }

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const found = await this.inner.get(caseId);
    if (found) this.remember(found);
    return found;
  }

  async getMany(caseIds: readonly string[]): Promise<Map<string, CaseRecord>> {
    if (this.inner.getMany) {
      const found = await this.inner.getMany(caseIds);
      for (const r of found.values()) this.remember(r);
      return found;
    }
    const out = new Map<string, CaseRecord>();
    for (const id of new Set(caseIds)) {
      const r = await this.get(id);
      if (r) out.set(id, r);
    }
    return out;
  }

  async update(record: CaseRecord, expectedVersion: number, events: NewEvent[]): Promise<CaseRecord> {
    const cached = this.seen.get(record.caseId);
    const before = cached && cached.version === expectedVersion ? cached : undefined;
    const updated = await this.inner.update(record, expectedVersion, events);
    this.remember(updated);
    await this.record(before, updated);
    return updated;
  }

  timeline(caseId: string) {
    return this.inner.timeline(caseId);
  }

  query(q: CaseQuery): Promise<CasePage> {
    return this.inner.query(q);
  }

  audit(entry: AuditEntry): Promise<void> {
    return this.inner.audit(entry);
  }

  auditTrail(caseId: string): Promise<AuditEntry[]> {
    return this.inner.auditTrail(caseId);
  }
}
