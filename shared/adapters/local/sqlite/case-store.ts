/**
 * CaseStore on SQLite (the embedded runtime). One transaction per case change: the case row, its new timeline
 * events, its department links and (with `facts`) the evaluation facts that changed are written together or not
 * at all, so there is no pending work to complete later (the DynamoDB adapter's `pending` marker does not exist
 * here, and `deferFlush` changes nothing). With `facts` no EvaluationRecordingStore is needed around it: the facts
 * come from the stored record before the change, read in the same transaction (no cache of records).
 *
 * Queue order and filters are those of the DynamoDB adapter (shared/adapters/aws/table.ts keys): by phase and by
 * department ordered by due date (undated last), the whole jurisdiction newest first; cursors are keyset cursors.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { Actor, CaseRecord, TimelineEvent } from '../../../domain/case';
import { Code } from '../../../domain/intake';
import { ConcurrentUpdateError, NotFoundError, ValidationError } from '../../../domain/errors';
import type { AuditEntry, CasePage, CaseQuery, CaseStore, NewEvent, SourceClaim } from '../../../ports';
import { NO_DUE, dueSortKey, receiptSortKey, toSortableInstant } from '../../aws/table';
import type { Db } from './db';
import type { StoreStats } from './stats';
import type { SqliteEvaluationFactStore } from './evaluation-facts';
import { deriveFacts, retractedFacts } from '../../../domain/evaluation/facts';
import { newStoreStats } from './stats';

const AuditEntrySchema = z.object({
  caseId: z.string(),
  at: z.iso.datetime({ offset: true }),
  actor: Actor,
  what: z.string().min(1).max(256),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const TRACKING_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Departments other than the owner that must find the case in their queue (lead unit, co-handlers, …). */
function linkedDepartments(record: CaseRecord): string[] {
  const set = new Set(record.assignments.map((a) => a.department));
  if (record.department) set.delete(record.department);
  return [...set].sort();
}

type QueryIndex = 'phase' | 'department' | 'jurisdiction';
const CursorSchema = z.object({ i: z.enum(['phase', 'department', 'jurisdiction']), k: z.string() });
const badCursor = () => new ValidationError([{ field: 'cursor', message: '分页标记无效，请从第一页重新查询。', code: 'invalid_cursor' }]);

function encodeCursor(index: QueryIndex, key: string): string {
  return Buffer.from(JSON.stringify({ i: index, k: key }), 'utf8').toString('base64url');
}
function decodeCursor(cursor: string, index: QueryIndex): string {
  let parsed: z.infer<typeof CursorSchema>;
  try {
    parsed = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badCursor();
  }
  if (parsed.i !== index) throw badCursor();
  return parsed.k;
}

export interface SqliteCaseStoreOptions {
  /** Source claims without a case older than this may be taken over (default 10 minutes). */
  defaultStaleAfterMs?: number;
  stats?: StoreStats;
  /** Record evaluation facts (art. 17, art. 20) in the transaction of each case write. */
  facts?: SqliteEvaluationFactStore;
}

export class SqliteCaseStore implements CaseStore {
  private readonly defaultStaleAfterMs: number;
  private readonly facts: SqliteEvaluationFactStore | undefined;
  readonly stats: StoreStats;
  private readonly s;

  constructor(
    private readonly db: Db,
    opts: SqliteCaseStoreOptions = {},
  ) {
    this.defaultStaleAfterMs = opts.defaultStaleAfterMs ?? 10 * 60_000;
    this.stats = opts.stats ?? newStoreStats();
    this.facts = opts.facts;
    this.s = {
      claim: db.prepare('INSERT INTO sources (source_key, claimed_at) VALUES (?, ?) ON CONFLICT (source_key) DO NOTHING'),
      source: db.prepare<[string], { claimed_at: string; case_id: string | null }>('SELECT claimed_at, case_id FROM sources WHERE source_key = ?'),
      takeOver: db.prepare('UPDATE sources SET claimed_at = ?, taken_over_from = claimed_at WHERE source_key = ? AND claimed_at = ? AND case_id IS NULL'),
      bind: db.prepare('INSERT INTO sources (source_key, claimed_at, case_id) VALUES (?, ?, ?) ON CONFLICT (source_key) DO UPDATE SET case_id = excluded.case_id WHERE case_id IS NULL OR case_id = excluded.case_id'),
      counter: db.prepare<[string], { value: number }>('INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value'),
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
      auditTrail: db.prepare<[string], { entry: string }>('SELECT entry FROM audit WHERE case_id = ? ORDER BY at_sk, id'),
    };
  }

  // -------------------------------------------------------------------------------------------- source claims

  async claimSource(key: string, at: string, opts?: { staleAfterMs?: number }): Promise<SourceClaim> {
    this.stats.calls++;
    if (this.s.claim.run(key, at).changes === 1) {
      this.stats.transactions++;
      return { outcome: 'claimed' };
    }
    const existing = this.s.source.get(key);
    if (!existing) throw new ConcurrentUpdateError();
    if (existing.case_id) return { outcome: 'duplicate', caseId: existing.case_id, claimedAt: existing.claimed_at };
    const staleAfterMs = opts?.staleAfterMs ?? this.defaultStaleAfterMs;
    if (Date.parse(at) - Date.parse(existing.claimed_at) < staleAfterMs) return { outcome: 'duplicate', claimedAt: existing.claimed_at };
    if (this.s.takeOver.run(at, key, existing.claimed_at).changes === 1) {
      this.stats.transactions++;
      return { outcome: 'claimed' };
    }
    const now = this.s.source.get(key);
    return { outcome: 'duplicate', ...(now?.case_id ? { caseId: now.case_id } : {}), claimedAt: now?.claimed_at ?? existing.claimed_at };
  }

  async bindSource(key: string, caseId: string): Promise<void> {
    this.stats.calls++;
    const r = this.s.bind.run(key, new Date().toISOString(), caseId);
    if (r.changes === 0) throw new ConcurrentUpdateError('该来源已登记为另一投诉件，请按重复件处理。');
    this.stats.transactions++;
  }

  // -------------------------------------------------------------------------------------------- tracking numbers

  async allocateTrackingNo(jurisdiction: string, shanghaiDate: string): Promise<string> {
    this.stats.calls++;
    const m = TRACKING_DATE.exec(shanghaiDate);
    if (!m) throw new ValidationError([{ field: 'shanghaiDate', message: '日期格式应为 YYYY-MM-DD。', code: 'invalid_date' }]);
    if (!Code.safeParse(jurisdiction).success) throw new ValidationError([{ field: 'jurisdiction', message: '辖区编码格式错误。', code: 'invalid_code' }]);
    const yyyymmdd = `${m[1]}${m[2]}${m[3]}`;
    const n = this.s.counter.get(trackingCounterName(jurisdiction, yyyymmdd))!.value;
    this.stats.transactions++;
    return `${jurisdiction}-${yyyymmdd}-${String(n).padStart(4, '0')}`;
  }

  // -------------------------------------------------------------------------------------------- case writes

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

  // -------------------------------------------------------------------------------------------- reads

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

  async query(q: CaseQuery): Promise<CasePage> {
    this.stats.calls++;
    const limit = q.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationError([{ field: 'limit', message: `每页条数应为 1 到 ${MAX_LIMIT} 之间的整数。`, code: 'invalid_limit' }]);
    }
    if (!Code.safeParse(q.jurisdiction).success) throw new ValidationError([{ field: 'jurisdiction', message: '辖区编码格式错误。', code: 'invalid_code' }]);
    if (q.department !== undefined && !Code.safeParse(q.department).success) {
      throw new ValidationError([{ field: 'department', message: '部门编码格式错误。', code: 'invalid_code' }]);
    }
    let dueMax: string | undefined;
    if (q.dueBefore !== undefined) {
      try {
        dueMax = toSortableInstant(q.dueBefore);
      } catch {
        throw new ValidationError([{ field: 'dueBefore', message: '截止时间格式错误。', code: 'invalid_datetime' }]);
      }
    }
    const index: QueryIndex = q.department !== undefined ? 'department' : q.phase !== undefined ? 'phase' : 'jurisdiction';
    const after = q.cursor ? decodeCursor(q.cursor, index) : undefined;
    const where: string[] = ['jurisdiction = @jurisdiction'];
    const params: Record<string, unknown> = { jurisdiction: q.jurisdiction, limit: limit + 1 };
    if (q.department !== undefined) {
      where.push('(department = @department OR case_id IN (SELECT case_id FROM case_links WHERE jurisdiction = @jurisdiction AND department = @department))');
      params.department = q.department;
    }
    if (q.phase !== undefined) {
      where.push('phase = @phase');
      params.phase = q.phase;
    }
    if (q.overdue !== undefined) {
      where.push('overdue = @overdue');
      params.overdue = q.overdue ? 1 : 0;
    }
    if (dueMax !== undefined) {
      where.push('q_due <= @dueMax');
      params.dueMax = dueMax;
    }
    const sortColumn = index === 'jurisdiction' ? 'receipt_sk' : 'due_sk';
    const direction = index === 'jurisdiction' ? 'DESC' : 'ASC';
    if (after !== undefined) {
      where.push(`${sortColumn} ${direction === 'ASC' ? '>' : '<'} @after`);
      params.after = after;
    }
    const rows = this.db
      .prepare<Record<string, unknown>, { record: string; sk: string }>(`SELECT record, ${sortColumn} AS sk FROM cases WHERE ${where.join(' AND ')} ORDER BY ${sortColumn} ${direction} LIMIT @limit`)
      .all(params);
    const page = rows.slice(0, limit);
    const items = page.map((r) => JSON.parse(r.record) as CaseRecord);
    return { items, ...(rows.length > limit ? { cursor: encodeCursor(index, page[page.length - 1]!.sk) } : {}) };
  }

  // -------------------------------------------------------------------------------------------- audit

  async audit(entry: AuditEntry): Promise<void> {
    this.stats.calls++;
    const parsed = AuditEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: '审计记录不符合格式要求。', code: i.code })));
    }
    this.s.audit.run(entry.caseId, toSortableInstant(entry.at), randomUUID(), JSON.stringify(plain(parsed.data)));
    this.stats.transactions++;
  }

  async auditTrail(caseId: string): Promise<AuditEntry[]> {
    this.stats.calls++;
    return this.s.auditTrail.all(caseId).map((r) => JSON.parse(r.entry) as AuditEntry);
  }
}

export const trackingCounterName = (jurisdiction: string, yyyymmdd: string): string => `TRACK#${jurisdiction}#${yyyymmdd}`;

/** Validates the record and events and numbers the events after the stored timeline (as the DynamoDB adapter). */
function prepare(record: CaseRecord, version: number, events: NewEvent[]): { stored: CaseRecord; numbered: TimelineEvent[] } {
  const base = CaseRecord.safeParse(record);
  if (!base.success) {
    throw new ValidationError(base.error.issues.map((i) => ({ field: i.path.join('.'), message: '投诉件数据不符合格式要求。', code: i.code })));
  }
  const numbered: TimelineEvent[] = events.map((e, i) => ({ ...plain(e), caseId: record.caseId, seq: record.timelineLength + i + 1 }));
  for (const e of numbered) {
    const ok = TimelineEvent.safeParse(e);
    if (!ok.success) {
      throw new ValidationError(ok.error.issues.map((i) => ({ field: `events.${e.seq}.${i.path.join('.')}`, message: '时间线事件不符合格式要求。', code: i.code })));
    }
  }
  const stored: CaseRecord = plain({ ...base.data, version, timelineLength: record.timelineLength + numbered.length });
  return { stored, numbered };
}
