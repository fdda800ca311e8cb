/**
 * The case repository on SQLite: one transaction per case change, holding the case row, its new timeline events,
 * its department links and (with `facts`) the evaluation facts that changed, so there is no pending work to complete
 * later. The facts come from the stored record before the change, read in the same transaction (no cache).
 */
import { randomUUID } from 'node:crypto';
import type { CaseRecord, TimelineEvent } from '../../../../domain/case';
import { ConcurrentUpdateError, NotFoundError } from '../../../../domain/errors';
import { deriveFacts, retractedFacts } from '../../../../domain/evaluation/facts';
import type { AuditEntry, NewEvent } from '../../../../ports';
import { NO_DUE, dueSortKey, receiptSortKey, toSortableInstant } from '../../../aws/table';
import type { Db } from '../db';
import type { StoreStats } from '../stats';
import type { SqliteEvaluationFactStore } from '../evaluation-facts';
import { linkedDepartments, plain, prepare } from './records';

export class SqliteCaseRepository {
  private readonly s;

  constructor(
    private readonly db: Db,
    private readonly stats: StoreStats,
    private readonly facts: SqliteEvaluationFactStore | undefined,
  ) {
    this.s = {
      insertCase: db.prepare(
        'INSERT INTO cases (case_id, jurisdiction, phase, department, due_sk, q_due, receipt_sk, overdue, version, record) VALUES (@caseId, @jurisdiction, @phase, @department, @dueSk, @qDue, @receiptSk, @overdue, @version, @record) ON CONFLICT (case_id) DO NOTHING',
      ),
      updateCase: db.prepare(
        'UPDATE cases SET jurisdiction = @jurisdiction, phase = @phase, department = @department, due_sk = @dueSk, q_due = @qDue, receipt_sk = @receiptSk, overdue = @overdue, version = @version, record = @record WHERE case_id = @caseId AND version = @expected',
      ),
      caseExists: db.prepare<[string], { version: number }>('SELECT version FROM cases WHERE case_id = ?'),
      getCase: db.prepare<[string], { record: string }>('SELECT record FROM cases WHERE case_id = ?'),
      insertEvent: db.prepare('INSERT INTO events (case_id, seq, event) VALUES (?, ?, ?)'),
      events: db.prepare<[string], { event: string }>('SELECT event FROM events WHERE case_id = ? ORDER BY seq'),
      links: db.prepare<[string], { department: string }>('SELECT department FROM case_links WHERE case_id = ?'),
      addLink: db.prepare('INSERT INTO case_links (case_id, department, jurisdiction) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
      removeLink: db.prepare('DELETE FROM case_links WHERE case_id = ? AND department = ?'),
      audit: db.prepare('INSERT INTO audit (case_id, at_sk, id, entry) VALUES (?, ?, ?, ?)'),
    };
  }

  async create(record: CaseRecord, events: NewEvent[]): Promise<CaseRecord> {
    this.stats.calls++;
    const { stored, numbered } = prepare(record, record.version, events);
    this.db.transaction(() => {
      if (this.s.insertCase.run(this.row(stored)).changes === 0) throw new ConcurrentUpdateError(`投诉件 ${record.caseId} 已存在。`);
      this.writeEventsAndLinks(stored, numbered, true);
      this.recordFacts(undefined, stored);
    })();
    this.stats.transactions++;
    return stored;
  }

  async update(record: CaseRecord, expectedVersion: number, events: NewEvent[]): Promise<CaseRecord> {
    this.stats.calls++;
    const { stored, numbered } = prepare(record, expectedVersion + 1, events);
    this.db.transaction(() => {
      const before = this.facts ? this.s.getCase.get(record.caseId) : undefined;
      if (this.s.updateCase.run({ ...this.row(stored), expected: expectedVersion }).changes === 0) {
        if (!this.s.caseExists.get(record.caseId)) throw new NotFoundError(`未找到投诉件 ${record.caseId}。`);
        throw new ConcurrentUpdateError();
      }
      this.writeEventsAndLinks(stored, numbered, false);
      if (before) this.recordFacts(JSON.parse(before.record) as CaseRecord, stored);
    })();
    this.stats.transactions++;
    return stored;
  }

  /**
   * Migration only (migrate-from-dynamodb.ts): stores a case as it was, with its numbered timeline and audit
   * trail, in one transaction. False (nothing written) when the case is already here, so a rerun changes nothing.
   */
  importCase(record: CaseRecord, events: readonly TimelineEvent[], audit: readonly AuditEntry[]): boolean {
    return this.db.transaction(() => {
      if (this.s.insertCase.run(this.row(record)).changes === 0) return false;
      this.writeEventsAndLinks(record, [...events], true);
      for (const a of audit) this.s.audit.run(a.caseId, toSortableInstant(a.at), randomUUID(), JSON.stringify(plain(a)));
      return true;
    })();
  }

  private recordFacts(before: CaseRecord | undefined, after: CaseRecord): void {
    if (!this.facts) return;
    this.facts.writeWithin(deriveFacts(before, after), retractedFacts(before, after));
  }

  private writeEventsAndLinks(stored: CaseRecord, events: TimelineEvent[], fresh: boolean): void {
    for (const e of events) this.s.insertEvent.run(stored.caseId, e.seq, JSON.stringify(e));
    const wanted = linkedDepartments(stored);
    const existing = fresh ? [] : this.s.links.all(stored.caseId).map((l) => l.department);
    for (const d of wanted) if (!existing.includes(d)) this.s.addLink.run(stored.caseId, d, stored.jurisdiction);
    for (const d of existing) if (!wanted.includes(d)) this.s.removeLink.run(stored.caseId, d);
  }

  private row(r: CaseRecord): Record<string, unknown> {
    return {
      caseId: r.caseId,
      jurisdiction: r.jurisdiction,
      phase: r.phase,
      department: r.department ?? null,
      dueSk: dueSortKey(r.waiting?.dueAt, r.caseId),
      qDue: r.waiting?.dueAt ? toSortableInstant(r.waiting.dueAt) : NO_DUE,
      receiptSk: receiptSortKey(r.receivedAt, r.caseId),
      overdue: r.flags.overdue === true ? 1 : 0,
      version: r.version,
      record: JSON.stringify(r),
    };
  }

  async get(caseId: string): Promise<CaseRecord | undefined> {
    this.stats.calls++;
    const row = this.s.getCase.get(caseId);
    return row ? (JSON.parse(row.record) as CaseRecord) : undefined;
  }

  async getMany(caseIds: readonly string[]): Promise<Map<string, CaseRecord>> {
    this.stats.calls++;
    const out = new Map<string, CaseRecord>();
    for (const id of new Set(caseIds)) {
      const row = this.s.getCase.get(id);
      if (row) out.set(id, JSON.parse(row.record) as CaseRecord);
    }
    return out;
  }

  async timeline(caseId: string): Promise<TimelineEvent[]> {
    this.stats.calls++;
    return this.s.events.all(caseId).map((r) => JSON.parse(r.event) as TimelineEvent);
  }
}
