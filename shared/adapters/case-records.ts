/**
 * What every case store adapter (DynamoDB, SQLite) does the same way before it writes: the record and its new
 * events validated and numbered after the stored timeline, the departments linked to a case, the shape of an
 * audit entry. One copy, so that the adapters cannot drift apart on what they accept.
 */
import * as z from 'zod';
import { Actor, CaseRecord, TimelineEvent } from '../domain/case';
import { ValidationError } from '../domain/errors';
import type { NewEvent } from '../ports';

/** A JSON round trip: plain data, undefined values dropped (what either database keeps). */
export const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Departments other than the owner that must find the case in their queue (lead unit, co-handlers, …). */
export function linkedDepartments(record: CaseRecord): string[] {
  const set = new Set(record.assignments.map((a) => a.department));
  if (record.department) set.delete(record.department);
  return [...set].sort();
}

/** Validates the record and events and numbers the events after the stored timeline. */
export function prepareCaseWrite(record: CaseRecord, version: number, events: NewEvent[]): { stored: CaseRecord; numbered: TimelineEvent[] } {
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

/** One entry of a case's audit trail (every staff read and action). */
export const AuditEntrySchema = z.object({
  caseId: z.string(),
  at: z.iso.datetime({ offset: true }),
  actor: Actor,
  what: z.string().min(1).max(256),
  detail: z.record(z.string(), z.unknown()).optional(),
});
