/**
 * Read-modify-write of one case with optimistic locking: re-reads and retries when another writer won the race.
 * Every service that changes a case goes through here (or calls CaseStore.update with its own retry).
 */
import type { CaseRecord } from '../domain/case';
import { ConcurrentUpdateError, NotFoundError } from '../domain/errors';
import type { CaseStore, NewEvent } from '../ports';

export interface CaseChange {
  record: CaseRecord;
  events: NewEvent[];
}

/** `null` = nothing to change (the current record is returned as is). */
export type CaseMutator = (current: CaseRecord) => CaseChange | null | Promise<CaseChange | null>;

export interface MutateOptions {
  /** Total attempts including the first (default 5). */
  attempts?: number;
  /** Base backoff in ms (default 20); attempt n waits a random time in [0, base·2^n). */
  backoffMs?: number;
}

export async function mutateCase(store: CaseStore, caseId: string, fn: CaseMutator, opts: MutateOptions = {}): Promise<CaseRecord> {
  const attempts = Math.max(1, opts.attempts ?? 5);
  const base = opts.backoffMs ?? 20;
  for (let attempt = 1; ; attempt++) {
    const current = await store.get(caseId);
    if (!current) throw new NotFoundError(`未找到投诉件 ${caseId}。`);
    const change = await fn(structuredClone(current));
    if (change === null) return current;
    try {
      return await store.update(change.record, current.version, change.events);
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * base * 2 ** attempt));
    }
  }
}
