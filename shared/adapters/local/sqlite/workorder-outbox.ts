/**
 * WorkOrderOutbox on SQLite (the embedded runtime, art. 7(2)): the 12345 reports waiting for the platform's webhook
 * and the marks of work-order cases changed since their reports were last collected, in the runtime's database, so
 * a restart loses nothing. Its two tables are created here (`IF NOT EXISTS`, on the same file and connection as the
 * other stores) rather than as a schema migration of db.ts: the outbox is a side table that no other adapter reads,
 * and an older file simply gains them on first open.
 */
import type { OutboxStatus, WorkOrderOutbox, WorkOrderOutboxItem } from '../../../ports/workorder-outbox';
import type { Db } from './db';

const DDL = `
  CREATE TABLE IF NOT EXISTS workorder_outbox (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    next_at TEXT NOT NULL,
    item TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS workorder_outbox_due ON workorder_outbox (status, next_at);
  CREATE TABLE IF NOT EXISTS workorder_marks (
    case_id TEXT PRIMARY KEY,
    token TEXT NOT NULL,
    at TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

/** ISO instants in one offset (UTC) so that text order is time order. */
const sortable = (iso: string) => new Date(Date.parse(iso)).toISOString();

export class SqliteWorkOrderOutbox implements WorkOrderOutbox {
  private readonly s;

  constructor(db: Db) {
    db.exec(DDL);
    this.s = {
      insert: db.prepare('INSERT INTO workorder_outbox (id, status, queued_at, next_at, item) VALUES (@id, @status, @queuedAt, @nextAt, @item) ON CONFLICT (id) DO NOTHING'),
      upsert: db.prepare(
        'INSERT INTO workorder_outbox (id, status, queued_at, next_at, item) VALUES (@id, @status, @queuedAt, @nextAt, @item) ON CONFLICT (id) DO UPDATE SET status = excluded.status, queued_at = excluded.queued_at, next_at = excluded.next_at, item = excluded.item',
      ),
      get: db.prepare<[string], { item: string }>('SELECT item FROM workorder_outbox WHERE id = ?'),
      due: db.prepare<[string, number], { item: string }>("SELECT item FROM workorder_outbox WHERE status = 'pending' AND next_at <= ? ORDER BY queued_at, id LIMIT ?"),
      all: db.prepare<[], { item: string }>('SELECT item FROM workorder_outbox ORDER BY queued_at, id'),
      byStatus: db.prepare<[string], { item: string }>('SELECT item FROM workorder_outbox WHERE status = ? ORDER BY queued_at, id'),
      mark: db.prepare('INSERT INTO workorder_marks (case_id, token, at) VALUES (?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET token = excluded.token, at = excluded.at'),
      marked: db.prepare<[number], { case_id: string; token: string; at: string }>('SELECT case_id, token, at FROM workorder_marks ORDER BY at, case_id LIMIT ?'),
      clear: db.prepare('DELETE FROM workorder_marks WHERE case_id = ? AND token = ?'),
    };
  }

  private row(item: WorkOrderOutboxItem) {
    return { id: item.report.id, status: item.status, queuedAt: sortable(item.queuedAt), nextAt: sortable(item.nextAttemptAt), item: JSON.stringify(item) };
  }

  async add(item: WorkOrderOutboxItem): Promise<boolean> {
    return this.s.insert.run(this.row(item)).changes === 1;
  }

  async get(id: string): Promise<WorkOrderOutboxItem | undefined> {
    const r = this.s.get.get(id);
    return r && (JSON.parse(r.item) as WorkOrderOutboxItem);
  }

  async put(item: WorkOrderOutboxItem): Promise<void> {
    this.s.upsert.run(this.row(item));
  }

  async due(now: string, limit: number): Promise<WorkOrderOutboxItem[]> {
    return this.s.due.all(sortable(now), limit).map((r) => JSON.parse(r.item) as WorkOrderOutboxItem);
  }

  async list(status?: OutboxStatus): Promise<WorkOrderOutboxItem[]> {
    return (status ? this.s.byStatus.all(status) : this.s.all.all()).map((r) => JSON.parse(r.item) as WorkOrderOutboxItem);
  }

  async markCase(caseId: string, token: string, at: string): Promise<void> {
    this.s.mark.run(caseId, token, sortable(at));
  }

  async markedCases(limit: number): Promise<{ caseId: string; token: string; at: string }[]> {
    return this.s.marked.all(limit).map((r) => ({ caseId: r.case_id, token: r.token, at: r.at }));
  }

  async clearMark(caseId: string, token: string): Promise<void> {
    this.s.clear.run(caseId, token);
  }
}
