/**
 * "不是重复" (art. 11, issue 22): staff decide that a "可能重复" pair is two matters. The finding leaves the queue on
 * both cases, is kept on both as dismissed (who, when, the matcher's reasons), is never written again for the same
 * two cases, and can be undone, which puts the finding back as it was. Pure; the service writes both records.
 */
import type { Actor, CaseRecord, DismissedDuplicate, DuplicateSuspect, NewEvent } from '../case';

export interface PairChange {
  record: CaseRecord;
  event: NewEvent;
}

/** The dismissal of the pair (this case, other) in force on `record`, if any. */
export function activeDismissal(record: CaseRecord, other: string): DismissedDuplicate | undefined {
  return (record.dismissedDuplicates ?? []).find((d) => d.caseId === other && !d.restoredAt);
}

/** Whether staff dismissed the pair: the matcher must not flag it again. */
export const isDismissedPair = (record: CaseRecord, other: string): boolean => activeDismissal(record, other) !== undefined;

const flagsWithout = (r: CaseRecord, other: string): CaseRecord['flags'] => {
  const { possibleDuplicateOf, ...flags } = r.flags;
  const of = possibleDuplicateOf?.filter((id) => id !== other);
  return of && of.length > 0 ? { ...flags, possibleDuplicateOf: of } : flags;
};

/**
 * Dismisses the pair on one of its two cases. `null` when there is nothing to do (already dismissed: a retry), so
 * that the service can write the second case after a crash between the two. A case holding no finding about
 * `other` (the back-reference was never written: bounded, or the candidate had closed) still records the
 * dismissal, built from the other case's finding, so that neither side flags the pair again.
 */
export function dismissPair(record: CaseRecord, other: { caseId: string; trackingNo: string; finding?: DuplicateSuspect }, actor: Actor, at: string, note?: string): PairChange | null {
  if (isDismissedPair(record, other.caseId)) return null;
  const own = (record.duplicateSuspects ?? []).find((s) => s.caseId === other.caseId);
  const base: DuplicateSuspect = own ?? {
    caseId: other.caseId,
    trackingNo: other.trackingNo,
    direction: other.finding?.direction === 'of' ? 'by' : 'of',
    score: other.finding?.score ?? 0,
    reasons: [],
    at: other.finding?.at ?? at,
  };
  const dismissed: DismissedDuplicate = { ...base, dismissedAt: at, dismissedBy: actor, ...(note ? { note } : {}) };
  const { duplicateSuspects: _s, ...rest } = record;
  const suspects = (record.duplicateSuspects ?? []).filter((s) => s.caseId !== other.caseId);
  return {
    record: {
      ...rest,
      flags: flagsWithout(record, other.caseId),
      ...(suspects.length > 0 ? { duplicateSuspects: suspects } : {}),
      dismissedDuplicates: [...(record.dismissedDuplicates ?? []), dismissed],
      updatedAt: at,
    },
    event: {
      at,
      type: 'duplicate_dismissed',
      actor,
      phase: record.phase,
      summary: `工作人员认定本件与投诉件 ${other.trackingNo} 不是同一投诉事项（不是重复），不予合并（第十一条）。`,
      data: { other: other.caseId, ...(note ? { note } : {}) },
    },
  };
}

/** Undoes the dismissal on one case: the finding is back in the "可能重复" list (and the queue flag for `of`). */
export function restorePair(record: CaseRecord, other: { caseId: string; trackingNo: string }, actor: Actor, at: string): PairChange | null {
  const d = activeDismissal(record, other.caseId);
  if (!d) return null;
  const { dismissedAt: _a, dismissedBy: _b, note: _n, restoredAt: _r, restoredBy: _rb, ...finding } = d;
  const suspects = (record.duplicateSuspects ?? []).filter((s) => s.caseId !== other.caseId);
  // A dismissal built from the other side's finding has no reasons of its own: nothing to list again here.
  const back = finding.reasons.length > 0 ? [...suspects, finding] : suspects;
  const of = record.flags.possibleDuplicateOf ?? [];
  const flags = finding.direction === 'of' && finding.reasons.length > 0 && !of.includes(other.caseId) ? { ...record.flags, possibleDuplicateOf: [...of, other.caseId] } : record.flags;
  const { duplicateSuspects: _s, ...rest } = record;
  return {
    record: {
      ...rest,
      flags,
      ...(back.length > 0 ? { duplicateSuspects: back } : {}),
      dismissedDuplicates: (record.dismissedDuplicates ?? []).map((x) => (x === d ? { ...x, restoredAt: at, restoredBy: actor } : x)),
      updatedAt: at,
    },
    event: {
      at,
      type: 'duplicate_dismissal_undone',
      actor,
      phase: record.phase,
      summary: `撤销“不是重复”的认定：本件与投诉件 ${other.trackingNo} 恢复为可能重复，待工作人员核对。`,
      data: { other: other.caseId },
    },
  };
}
