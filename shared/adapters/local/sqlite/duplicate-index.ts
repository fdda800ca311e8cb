/**
 * DuplicateIndex on SQLite (the embedded runtime): one row per (key, case). A look-up of one intake's keys is one
 * statement; filing a case under its keys is one transaction, and a key keeps at most `maxEntriesPerKey` cases,
 * dropping the oldest days first (as the DynamoDB adapter, shared/adapters/aws/dynamo-duplicate-index.ts).
 */
import { indexKeyId, type DuplicateIndex, type IndexEntry, type IndexKey } from '../../../ports/duplicate-index';
import type { Statement } from 'better-sqlite3';
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
  private readonly lookups = new Map<number, Statement>();

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
    const rows = this.lookupStatement(ids.length).all(jurisdiction, ...ids) as [string, string, string][];
    let key: string | undefined;
    let list: IndexEntry[] = [];
    for (const [k, day, caseId] of rows) {
      if (k !== key) {
        key = k;
        list = [];
        out.set(k, list);
      }
      list.push({ caseId, day });
    }
    return out;
  }

  /** The look-up of `n` keys, prepared once per key count (an intake has about 35 keys; a statement costs a parse). */
  private lookupStatement(n: number): Statement {
    let st = this.lookups.get(n);
    if (!st) {
      st = this.db
        .prepare(`SELECT key_id, day, case_id FROM duplicate_index WHERE jurisdiction = ? AND key_id IN (${Array.from({ length: n }, () => '?').join(',')}) ORDER BY key_id, day, case_id`)
        .raw();
      if (this.lookups.size >= 64) this.lookups.clear();
      this.lookups.set(n, st);
    }
    return st;
  }

  async add(jurisdiction: string, entry: IndexEntry, keys: IndexKey[]): Promise<void> {
    this.stats.calls++;
    const ids = [...new Set(keys.map(indexKeyId))];
    if (ids.length === 0) return;
    this.fileAll(jurisdiction, entry, ids);
    this.stats.transactions++;
  }
}
