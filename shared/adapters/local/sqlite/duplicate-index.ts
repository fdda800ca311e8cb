/**
 * DuplicateIndex on SQLite (the embedded runtime): one row per (key, case). A look-up of one intake's keys is one
 * statement; filing a case under its keys is one transaction, and a key keeps at most `maxEntriesPerKey` cases,
 * dropping the oldest days first (as the DynamoDB adapter, shared/adapters/aws/dynamo-duplicate-index.ts).
 */
import { indexKeyId, type DuplicateIndex, type IndexEntry, type IndexKey } from '../../../ports/duplicate-index';
import type { Db } from './db';
import type { StoreStats } from './stats';
import { newStoreStats } from './stats';

export interface SqliteDuplicateIndexOptions {
  /** Entries kept per key (default 200); the oldest go first. */
  maxEntriesPerKey?: number;
  stats?: StoreStats;
}

export class SqliteDuplicateIndex implements DuplicateIndex {
  private readonly maxEntries: number;
  readonly stats: StoreStats;
  private readonly s;
  private readonly fileAll;

  constructor(
    private readonly db: Db,
    opts: SqliteDuplicateIndexOptions = {},
  ) {
    this.maxEntries = opts.maxEntriesPerKey ?? 200;
    this.stats = opts.stats ?? newStoreStats();
    this.s = {
      insert: db.prepare('INSERT INTO duplicate_index (jurisdiction, key_id, day, case_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING'),
      count: db.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM duplicate_index WHERE jurisdiction = ? AND key_id = ?'),
      trim: db.prepare(
        'DELETE FROM duplicate_index WHERE jurisdiction = @j AND key_id = @k AND case_id IN (SELECT case_id FROM duplicate_index WHERE jurisdiction = @j AND key_id = @k ORDER BY day DESC, case_id DESC LIMIT -1 OFFSET @keep)',
      ),
    };
    this.fileAll = db.transaction((jurisdiction: string, entry: IndexEntry, ids: string[]) => {
      for (const id of ids) {
        if (this.s.insert.run(jurisdiction, id, entry.day, entry.caseId).changes === 0) continue;
        if (this.s.count.get(jurisdiction, id)!.n > this.maxEntries) this.s.trim.run({ j: jurisdiction, k: id, keep: this.maxEntries });
      }
    });
  }

  async lookup(jurisdiction: string, keys: IndexKey[]): Promise<Map<string, IndexEntry[]>> {
    this.stats.calls++;
    const ids = [...new Set(keys.map(indexKeyId))];
    const out = new Map<string, IndexEntry[]>();
    if (ids.length === 0) return out;
    const rows = this.db
      .prepare<unknown[], { key_id: string; day: string; case_id: string }>(
        `SELECT key_id, day, case_id FROM duplicate_index WHERE jurisdiction = ? AND key_id IN (${ids.map(() => '?').join(',')}) ORDER BY key_id, day, case_id`,
      )
      .all(jurisdiction, ...ids);
    for (const r of rows) {
      const list = out.get(r.key_id) ?? [];
      list.push({ caseId: r.case_id, day: r.day });
      out.set(r.key_id, list);
    }
    return out;
  }

  async add(jurisdiction: string, entry: IndexEntry, keys: IndexKey[]): Promise<void> {
    this.stats.calls++;
    const ids = [...new Set(keys.map(indexKeyId))];
    if (ids.length === 0) return;
    this.fileAll(jurisdiction, entry, ids);
    this.stats.transactions++;
  }
}
