/**
 * Staff accounts on SQLite: one row per username holding the account item as JSON (infra/local/users.ts owns
 * the item's shape and every rule; this only stores it). A change is a read and a write in one transaction.
 */
import type { Db } from './db';
import type { StoreStats } from './stats';
import { newStoreStats } from './stats';
import type { ItemChange, UserItems } from '../../../ports/user-items';

/** Applies an ItemChange to a plain item (SQLite adapter; the DynamoDB adapter does it in an UpdateExpression). */
export function applyItemChange<T extends object>(item: T, change: ItemChange): T {
  const next: Record<string, unknown> = { ...item, ...(change.set ?? {}) };
  for (const k of change.remove ?? []) delete next[k];
  if (change.bumpTokenVersion) next.tokenVersion = (typeof next.tokenVersion === 'number' ? next.tokenVersion : 0) + 1;
  return next as T;
}

export class SqliteUserItems<T extends { username: string }> implements UserItems<T> {
  readonly stats: StoreStats;
  private readonly s;
  private readonly updateTx;

  constructor(db: Db, opts: { stats?: StoreStats } = {}) {
    this.stats = opts.stats ?? newStoreStats();
    this.s = {
      insert: db.prepare('INSERT INTO users (username, item) VALUES (?, ?) ON CONFLICT (username) DO NOTHING'),
      get: db.prepare<[string], { item: string }>('SELECT item FROM users WHERE username = ?'),
      list: db.prepare<[], { item: string }>('SELECT item FROM users ORDER BY username'),
      put: db.prepare('UPDATE users SET item = ? WHERE username = ?'),
    };
    this.updateTx = db.transaction((username: string, change: ItemChange): T | undefined => {
      const row = this.s.get.get(username);
      if (!row) return undefined;
      const next = applyItemChange(JSON.parse(row.item) as T, change);
      this.s.put.run(JSON.stringify(next), username);
      return next;
    });
  }

  /** False when the username is taken. */
  async insert(item: T): Promise<boolean> {
    this.stats.calls++;
    const ok = this.s.insert.run(item.username, JSON.stringify(item)).changes === 1;
    if (ok) this.stats.transactions++;
    return ok;
  }

  async get(username: string): Promise<T | undefined> {
    this.stats.calls++;
    const row = this.s.get.get(username);
    return row ? (JSON.parse(row.item) as T) : undefined;
  }

  async list(): Promise<T[]> {
    this.stats.calls++;
    return this.s.list.all().map((r) => JSON.parse(r.item) as T);
  }

  /** The changed item, or undefined when there is no such account. */
  async update(username: string, change: ItemChange): Promise<T | undefined> {
    this.stats.calls++;
    const out = this.updateTx(username, change);
    if (out) this.stats.transactions++;
    return out;
  }
}
