/**
 * Staff `merge` and `unmerge` (art. 11) as pure functions on case records. Nothing is deleted: the merged case
 * keeps its own record and timeline, the target records every channel, source, contact and piece of evidence the
 * source brought, and an unmerge marks the history entry instead of removing it.
 *
 * The callers (the action service) resolve a merge chain to its root first (`mergeRootId`), persist both
 * records with their events, stop the source's workflow after a merge, and restart it (resumeFrom = restored
 * phase) after an unmerge.
 */
import type { Actor, CaseRecord, MergedCase, Outcome, TimelineEvent } from '../case';
import type { Complainant, EvidenceRef } from '../intake';
import { PhaseConflictError, RuleViolationError } from '../errors';

/** A timeline event before the store numbers it (the same shape as `NewEvent` of the CaseStore port). */
export type NewEvent = Omit<TimelineEvent, 'caseId' | 'seq'>;

export interface MergeResult {
  target: CaseRecord;
  source: CaseRecord;
  targetEvents: NewEvent[];
  sourceEvents: NewEvent[];
}

const activeMerges = (r: CaseRecord): MergedCase[] => (r.merges ?? []).filter((m) => !m.unmergedAt);

/**
 * The record without its "可能重复" finding against `other` (both directions, and the flag): staff decided the pair
 * by merging it, so neither case is queued as a possible duplicate of the other again, even after an unmerge.
 */
function withoutSuspicionOf(r: CaseRecord, other: string): CaseRecord {
  const { possibleDuplicateOf, ...flags } = r.flags;
  const of = possibleDuplicateOf?.filter((id) => id !== other);
  const { duplicateSuspects, ...rest } = r;
  const suspects = duplicateSuspects?.filter((s) => s.caseId !== other);
  return { ...rest, flags: of && of.length > 0 ? { ...flags, possibleDuplicateOf: of } : flags, ...(suspects && suspects.length > 0 ? { duplicateSuspects: suspects } : {}) };
}

/**
 * Follows `mergedInto` from a case to the root of its merge chain. `lookup` gives the records by id. Throws on
 * a cycle or a missing link, which would be data corruption.
 */
export function mergeRootId(caseId: string, lookup: (id: string) => CaseRecord | undefined, maxDepth = 20): string {
  let id = caseId;
  const seen = new Set<string>();
  for (let depth = 0; depth <= maxDepth; depth++) {
    const record = lookup(id);
    if (!record) throw new RuleViolationError('merge_chain_broken', `合并链中的投诉件 ${id} 不存在，无法确定合并目标。`);
    if (record.phase !== 'merged' || !record.mergedInto) return id;
    if (seen.has(id)) break;
    seen.add(id);
    id = record.mergedInto;
  }
  throw new RuleViolationError('merge_chain_cycle', `投诉件 ${caseId} 的合并链过长或成环，无法确定合并目标。`);
}

const dedupeEvidence = (list: EvidenceRef[]): EvidenceRef[] => {
  const seen = new Set<string>();
  return list.filter((e) => (seen.has(e.sha256 + e.ref) ? false : (seen.add(e.sha256 + e.ref), true)));
};

/**
 * Merges `source` into `target`. The target must be the root of its chain and open; the source must not be
 * merged, archived or the target itself. Confidentiality, major and stability-risk flags carry over (the
 * stricter wins).
 */
export function applyMerge(target: CaseRecord, source: CaseRecord, actor: Actor, at: string): MergeResult {
  if (target.caseId === source.caseId) throw new RuleViolationError('merge_into_itself', '不能将投诉件合并到其自身。');
  if (target.phase === 'merged') {
    throw new RuleViolationError('merge_target_not_root', `目标投诉件 ${target.trackingNo} 已并入 ${target.mergedInto ?? '其他案件'}，请合并到合并链的根案件。`);
  }
  if (target.phase === 'archived' || target.outcome) {
    throw new PhaseConflictError('merge', target.phase, `目标投诉件 ${target.trackingNo} 已结束办理，不能再并入其他投诉。`);
  }
  if (source.phase === 'merged') {
    throw new PhaseConflictError('merge', source.phase, `投诉件 ${source.trackingNo} 已并入 ${source.mergedInto ?? '其他案件'}，如需改并，请先撤销合并。`);
  }
  if (source.phase === 'archived') throw new PhaseConflictError('merge', source.phase, `投诉件 ${source.trackingNo} 已归档，不能合并。`);
  if (source.mergedInto === target.caseId || target.mergedInto === source.caseId) {
    throw new RuleViolationError('merge_cycle', '两件投诉之间已存在合并关系。');
  }

  const addedSources = source.sources.map((s) => ({ ...s, fromCaseId: s.fromCaseId ?? source.caseId }));
  const carried = activeMerges(source);
  const complainants: Complainant[] = [source.intake.complainant, ...carried.flatMap((m) => m.complainants)];
  const evidence = dedupeEvidence([...source.intake.evidence, ...carried.flatMap((m) => m.evidence)]);
  const entry: MergedCase = {
    caseId: source.caseId,
    trackingNo: source.trackingNo,
    at,
    by: actor,
    previousPhase: source.phase,
    ...(source.outcome ? { previousOutcome: source.outcome } : {}),
    sources: addedSources,
    complainants,
    evidence,
  };
  const mergedOutcome: Outcome = { kind: 'merged', into: target.caseId, at };

  const cleared = withoutSuspicionOf(target, source.caseId);
  const nextTarget: CaseRecord = {
    ...cleared,
    updatedAt: at,
    sources: [...target.sources, ...addedSources.filter((s) => !target.sources.some((t) => t.sourceKey === s.sourceKey))],
    mergedFrom: [...(target.mergedFrom ?? []).filter((id) => id !== source.caseId), source.caseId],
    merges: [...(target.merges ?? []), entry],
    flags: {
      ...cleared.flags,
      confidential: target.flags.confidential || source.flags.confidential,
      ...(target.flags.major || source.flags.major ? { major: true } : {}),
      ...(target.flags.stabilityRisk || source.flags.stabilityRisk ? { stabilityRisk: true } : {}),
    },
  };
  const { waiting: _staleToken, ...sourceWithoutWaiting } = withoutSuspicionOf(source, target.caseId);
  const nextSource: CaseRecord = {
    ...sourceWithoutWaiting,
    updatedAt: at,
    phase: 'merged',
    mergedInto: target.caseId,
    outcome: mergedOutcome,
  };
  const data = { sourceCaseId: source.caseId, targetCaseId: target.caseId, previousPhase: source.phase, sources: addedSources.length, evidence: evidence.length };
  return {
    target: nextTarget,
    source: nextSource,
    targetEvents: [
      {
        at,
        type: 'merged_in',
        actor,
        phase: nextTarget.phase,
        summary: `同一投诉事项的投诉件 ${source.trackingNo} 已并入本件合并办理（第十一条），其渠道、来源、联系方式和材料均已保留。`,
        data,
      },
    ],
    sourceEvents: [
      {
        at,
        type: 'merged_into',
        actor,
        phase: 'merged',
        summary: `本件与投诉件 ${target.trackingNo} 为同一投诉事项，已并入该件合并办理（第十一条）。`,
        data,
      },
    ],
  };
}

/**
 * Undoes a merge: the source returns to the phase (and outcome) it had, the sources it brought leave the target,
 * and the target's history entry is marked as unmerged. Both timelines record it.
 */
export function applyUnmerge(target: CaseRecord, source: CaseRecord, actor: Actor, at: string): MergeResult {
  if (source.phase !== 'merged' || source.mergedInto !== target.caseId) {
    throw new PhaseConflictError('unmerge', source.phase, `投诉件 ${source.trackingNo} 并未并入 ${target.trackingNo}，无法撤销合并。`);
  }
  const entry = activeMerges(target).find((m) => m.caseId === source.caseId);
  if (!entry) throw new RuleViolationError('merge_record_missing', `投诉件 ${target.trackingNo} 没有并入 ${source.trackingNo} 的合并记录，无法撤销合并。`);

  const leaving = new Set(entry.sources.map((s) => s.sourceKey));
  const nextTarget: CaseRecord = {
    ...target,
    updatedAt: at,
    sources: target.sources.filter((s) => !leaving.has(s.sourceKey)),
    mergedFrom: (target.mergedFrom ?? []).filter((id) => id !== source.caseId),
    merges: (target.merges ?? []).map((m) => (m === entry ? { ...m, unmergedAt: at, unmergedBy: actor } : m)),
  };
  const { mergedInto: _into, outcome: _outcome, ...rest } = source;
  const nextSource: CaseRecord = {
    ...rest,
    updatedAt: at,
    phase: entry.previousPhase,
    ...(entry.previousOutcome ? { outcome: entry.previousOutcome } : {}),
  };
  const data = { sourceCaseId: source.caseId, targetCaseId: target.caseId, restoredPhase: entry.previousPhase };
  return {
    target: nextTarget,
    source: nextSource,
    targetEvents: [{ at, type: 'unmerged_out', actor, phase: nextTarget.phase, summary: `已撤销投诉件 ${source.trackingNo} 与本件的合并，该件恢复单独办理。`, data }],
    sourceEvents: [{ at, type: 'unmerged', actor, phase: nextSource.phase, summary: `已撤销本件并入投诉件 ${target.trackingNo} 的合并，恢复单独办理。`, data }],
  };
}
