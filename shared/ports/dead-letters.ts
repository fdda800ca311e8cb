/** The dead-letter store port (adapters: shared/adapters/aws/dynamo-dead-letter-store.ts, shared/adapters/memory/dead-letter-store.ts). */
import type { Actor } from '../domain/case';
import type { DeadLetter } from '../domain/dead-letter';
import type { CanonicalIntake } from '../domain/intake';

export interface DeadLetterPage {
  items: DeadLetter[];
  cursor?: string;
}

export interface DeadLetterStore {
  /** Records a failure; idempotent on `id` (a repeated failure of the same delivery bumps `attempts`). */
  record(entry: Omit<DeadLetter, 'attempts' | 'status' | 'lastAttemptAt'> & { at: string }): Promise<DeadLetter>;
  get(id: string): Promise<DeadLetter | undefined>;
  /** Oldest first. */
  list(q: { jurisdiction: string; status?: DeadLetter['status']; limit?: number; cursor?: string }): Promise<DeadLetterPage>;
  /** Marks it resolved (replayed into a case, or found complete). */
  resolve(id: string, at: string, resolution: NonNullable<DeadLetter['resolution']>): Promise<DeadLetter>;
  /** A failed replay: attempts + 1 and the new error. */
  retried(id: string, at: string, error: DeadLetter['error']): Promise<DeadLetter>;
}

export interface SubmitOptions {
  actor?: Actor;
}

/** The intake core as a replay sees it: submits a parked intake again (idempotent on its source key). */
export type Submit = (intake: CanonicalIntake, opts?: SubmitOptions) => Promise<{ caseId: string; duplicate?: boolean; status?: string }>;
