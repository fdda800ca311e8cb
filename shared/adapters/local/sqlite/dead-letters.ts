/**
 * DeadLetterStore on SQLite: one row per dead letter, listed per jurisdiction and status oldest first (keyset
 * cursor). Each change is a read and a write in one transaction (a synchronous one: no other writer between).
 */
import { DeadLetter } from '../../../services/dead-letters';
import type { DeadLetterPage, DeadLetterStore } from '../../../services/dead-letters';
import { NotFoundError, ValidationError } from '../../../domain/errors';
import type { Db } from './db';
import type { StoreStats } from './stats';
import { newStoreStats } from './stats';

const sortable = (iso: string) => new Date(Date.parse(iso)).toISOString();
const badCursor = () => new ValidationError([{ field: 'cursor', code: 'invalid_cursor', message: '分页标记无效，请从第一页重新查询。' }]);

export class SqliteDeadLetterStore implements DeadLetterStore {
  readonly stats: StoreStats;
  private readonly s;
  private readonly changeTx;

  constructor(
    private readonly db: Db,
    opts: { stats?: StoreStats } = {},
  ) {
    this.stats = opts.stats ?? newStoreStats();
    this.s = {
      get: db.prepare<[string], { entry: string }>('SELECT entry FROM dead_letters WHERE id = ?'),
      put: db.prepare(
        'INSERT INTO dead_letters (id, jurisdiction, status, list_sk, attempts, entry) VALUES (@id, @jurisdiction, @status, @listSk, @attempts, @entry) ON CONFLICT (id) DO UPDATE SET jurisdiction = excluded.jurisdiction, status = excluded.status, list_sk = excluded.list_sk, attempts = excluded.attempts, entry = excluded.entry',
      ),
      list: db.prepare<[string, string, string, number], { entry: string; list_sk: string }>(
        'SELECT entry, list_sk FROM dead_letters WHERE jurisdiction = ? AND status = ? AND list_sk > ? ORDER BY list_sk LIMIT ?',
      ),
      delete: db.prepare('DELETE FROM dead_letters WHERE id = ?'),
    };
    this.changeTx = db.transaction((id: string, fn: (old: DeadLetter | undefined) => DeadLetter) => {
      const old = this.read(id);
      const next = DeadLetter.parse(fn(old));
      this.s.put.run({ id: next.id, jurisdiction: next.jurisdiction, status: next.status, listSk: `${sortable(next.firstFailedAt)}#${next.id}`, attempts: next.attempts, entry: JSON.stringify(next) });
      return next;
    });
  }

  private read(id: string): DeadLetter | undefined {
    const row = this.s.get.get(id);
    if (!row) return undefined;
    const parsed = DeadLetter.safeParse(JSON.parse(row.entry));
    if (!parsed.success) throw new Error(`dead letter ${id} is corrupt: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    return parsed.data;
  }

  private async change(id: string, fn: (old: DeadLetter | undefined) => DeadLetter): Promise<DeadLetter> {
    this.stats.calls++;
    const next = this.changeTx(id, fn);
    this.stats.transactions++;
    return next;
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    this.stats.calls++;
    return this.read(id);
  }

  record(entry: Omit<DeadLetter, 'attempts' | 'status' | 'lastAttemptAt'> & { at: string }): Promise<DeadLetter> {
    const { at, ...rest } = entry;
    return this.change(entry.id, (old) =>
      old
        ? { ...old, attempts: old.attempts + 1, lastAttemptAt: at, error: entry.error, status: 'open', ...(entry.payload ? { payload: entry.payload } : {}) }
        : { ...rest, status: 'open', attempts: 1, lastAttemptAt: at },
    );
  }

  resolve(id: string, at: string, resolution: NonNullable<DeadLetter['resolution']>): Promise<DeadLetter> {
    return this.change(id, (old) => {
      if (!old) throw new NotFoundError(`未找到死信 ${id}。`);
      return { ...old, status: 'resolved', resolvedAt: at, lastAttemptAt: at, resolution };
    });
  }

  retried(id: string, at: string, error: DeadLetter['error']): Promise<DeadLetter> {
    return this.change(id, (old) => {
      if (!old) throw new NotFoundError(`未找到死信 ${id}。`);
      return { ...old, attempts: old.attempts + 1, lastAttemptAt: at, error };
    });
  }

  async list(q: { jurisdiction: string; status?: DeadLetter['status']; limit?: number; cursor?: string }): Promise<DeadLetterPage> {
    this.stats.calls++;
    const limit = q.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ValidationError([{ field: 'limit', code: 'invalid_limit', message: '每页条数应为 1 到 500 之间的整数。' }]);
    let after = '';
    if (q.cursor) {
      after = Buffer.from(q.cursor, 'base64url').toString('utf8');
      if (!after.includes('#')) throw badCursor();
    }
    const rows = this.s.list.all(q.jurisdiction, q.status ?? 'open', after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => DeadLetter.parse(JSON.parse(r.entry))),
      ...(rows.length > limit ? { cursor: Buffer.from(page[page.length - 1]!.list_sk, 'utf8').toString('base64url') } : {}),
    };
  }

  /** For tests: removes an entry. */
  async delete(id: string): Promise<void> {
    this.s.delete.run(id);
  }
}
