/** The dead-letter store in process memory, for tests and single-run tools. */
import { DeadLetter } from '../../domain/dead-letter';
import { NotFoundError } from '../../domain/errors';
import type { DeadLetterPage, DeadLetterStore } from '../../ports/dead-letters';

/** In-process store for tests and single-run tools. */
export class MemoryDeadLetterStore implements DeadLetterStore {
  readonly entries = new Map<string, DeadLetter>();

  async record(entry: Omit<DeadLetter, 'attempts' | 'status' | 'lastAttemptAt'> & { at: string }): Promise<DeadLetter> {
    const { at, ...rest } = entry;
    const old = this.entries.get(entry.id);
    const next: DeadLetter = DeadLetter.parse(
      old
        ? { ...old, attempts: old.attempts + 1, lastAttemptAt: at, error: entry.error, status: 'open', ...(entry.payload ? { payload: entry.payload } : {}) }
        : { ...rest, status: 'open', attempts: 1, lastAttemptAt: at },
    );
    this.entries.set(entry.id, next);
    return structuredClone(next);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const e = this.entries.get(id);
    return e ? structuredClone(e) : undefined;
  }

  async list(q: { jurisdiction: string; status?: DeadLetter['status']; limit?: number; cursor?: string }): Promise<DeadLetterPage> {
    const all = [...this.entries.values()]
      .filter((e) => e.jurisdiction === q.jurisdiction && e.status === (q.status ?? 'open'))
      .sort((a, b) => a.firstFailedAt.localeCompare(b.firstFailedAt) || a.id.localeCompare(b.id));
    const start = q.cursor ? Number(q.cursor) : 0;
    const limit = q.limit ?? 50;
    return { items: all.slice(start, start + limit).map((e) => structuredClone(e)), ...(start + limit < all.length ? { cursor: String(start + limit) } : {}) };
  }

  async resolve(id: string, at: string, resolution: NonNullable<DeadLetter['resolution']>): Promise<DeadLetter> {
    const e = this.entries.get(id);
    if (!e) throw new NotFoundError(`未找到死信 ${id}。`);
    const next: DeadLetter = { ...e, status: 'resolved', resolvedAt: at, lastAttemptAt: at, resolution };
    this.entries.set(id, next);
    return structuredClone(next);
  }

  async retried(id: string, at: string, error: DeadLetter['error']): Promise<DeadLetter> {
    const e = this.entries.get(id);
    if (!e) throw new NotFoundError(`未找到死信 ${id}。`);
    const next: DeadLetter = { ...e, attempts: e.attempts + 1, lastAttemptAt: at, error };
    this.entries.set(id, next);
    return structuredClone(next);
  }
}
