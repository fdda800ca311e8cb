/** QuarantineStore on SQLite: one row per entry, listed per jurisdiction newest first (keyset cursor). */
import type { QuarantineEntry, QuarantinePage, QuarantineStore } from '../../../email-intake/quarantine';
import { ValidationError } from '../../../domain/errors';
import type { Db } from './db';
import type { StoreStats } from './stats';
import { newStoreStats } from './stats';

const badCursor = () => new ValidationError([{ field: 'cursor', message: '分页标记无效，请从第一页重新查询。', code: 'invalid_cursor' }]);

export class SqliteQuarantineStore implements QuarantineStore {
  readonly stats: StoreStats;
  private readonly s;

  constructor(db: Db, opts: { stats?: StoreStats } = {}) {
    this.stats = opts.stats ?? newStoreStats();
    this.s = {
      put: db.prepare(
        'INSERT INTO quarantine (id, jurisdiction, received_sk, entry) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET jurisdiction = excluded.jurisdiction, received_sk = excluded.received_sk, entry = excluded.entry',
      ),
      get: db.prepare<[string], { entry: string }>('SELECT entry FROM quarantine WHERE id = ?'),
      first: db.prepare<[string, number], { entry: string; received_sk: string }>('SELECT entry, received_sk FROM quarantine WHERE jurisdiction = ? ORDER BY received_sk DESC LIMIT ?'),
      after: db.prepare<[string, string, number], { entry: string; received_sk: string }>(
        'SELECT entry, received_sk FROM quarantine WHERE jurisdiction = ? AND received_sk < ? ORDER BY received_sk DESC LIMIT ?',
      ),
    };
  }

  async put(entry: QuarantineEntry): Promise<void> {
    this.stats.calls++;
    this.s.put.run(entry.id, entry.jurisdiction, `${entry.receivedAt}#${entry.id}`, JSON.stringify(entry));
    this.stats.transactions++;
  }

  async get(id: string): Promise<QuarantineEntry | undefined> {
    this.stats.calls++;
    const row = this.s.get.get(id);
    return row ? (JSON.parse(row.entry) as QuarantineEntry) : undefined;
  }

  async list(jurisdiction: string, opts: { limit?: number; cursor?: string } = {}): Promise<QuarantinePage> {
    this.stats.calls++;
    const limit = opts.limit ?? 50;
    let after: string | undefined;
    if (opts.cursor) {
      after = Buffer.from(opts.cursor, 'base64url').toString('utf8');
      if (!after.includes('#')) throw badCursor();
    }
    const rows = after === undefined ? this.s.first.all(jurisdiction, limit + 1) : this.s.after.all(jurisdiction, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => JSON.parse(r.entry) as QuarantineEntry),
      ...(rows.length > limit ? { cursor: Buffer.from(page[page.length - 1]!.received_sk, 'utf8').toString('base64url') } : {}),
    };
  }
}
