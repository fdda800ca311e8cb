/**
 * The reconciler (`tousu reconcile`): finds what a crash, a throttled call or a lost execution left half done,
 * and repairs it. Safe to run at any time and repeatedly (idempotent): every repair is keyed by the case's
 * version or the source key, and every candidate is re-read before anything is done.
 *
 * 1. Cases still in 'received' / 'screening' for longer than the threshold: the execution never started
 *    (StartExecution failed after the case was created and nobody redelivered) or died. Starts the canonical
 *    execution (name = case id, idempotent); when that one exists already and the timeline shows it failed
 *    (`workflow_failed`, written by the ASL's failure handler), starts a resume execution named after the case
 *    version with `resumeFrom`; otherwise reports it as `already_running` (the Workflow port cannot describe an
 *    execution).
 * 2. Open cases in a waiting phase without a waiting task (`waiting` absent or for another step) for longer than
 *    the threshold: the execution that should be awaiting an action is gone. Starts a resume execution.
 *    With `lifecycle` deps, also cases whose waiting task should have woken up (reminder or due time) more than
 *    the threshold ago without anything happening.
 * 3. Source claims older than the threshold without a case (never bound, or bound to a case that was never
 *    created): the delivery died between its writes. If a dead letter holds the intake, it is replayed; else the
 *    claim is recorded as an `orphan_claim` dead letter so that staff see it and ask the source to redeliver
 *    (a redelivery completes the same claim: no second case).
 *
 * 4. Cases in 'merged' for longer than the threshold whose target does not record them: the join into the open
 *    case failed after the case was written merged (a crash, or eight lost optimistic-lock races) and the
 *    delivery was not repeated. Joins them now, as the intake would have (the target's `merged_in` event says
 *    so); a target that is closed or merged further meanwhile is reported for staff instead.
 *
 * Each repair that starts an execution adds a timeline event to the case (so the next run waits another
 * threshold before trying again). A repair is made once: when the case's last event is the reconciler's own repair
 * and nothing wrote to the case since, the next run reports it (`already_running` / `already_resumed`, for a person)
 * instead of repairing again, so a Workflow that cannot tell whether an execution exists (QueuedWorkflow on AWS)
 * does not add a repair to the timeline on every scheduled run. The report lists every finding; logs carry case
 * ids and counts only.
 */
import { casesIn } from './case-queries';
import type { WorkingCalendar } from '../domain/calendar';
import { Phase as PhaseSchema, SYSTEM_ACTOR } from '../domain/case';
import { applyMerge } from '../domain/duplicates/merge';
import type { CaseRecord, Phase, TimelineEvent } from '../domain/case';
import type { ReconcileFinding, ReconcileReport } from '../ports/recovery';

export type { ReconcileFinding, ReconcileReport };
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';
import { nextWakeUp } from '../domain/lifecycle';
import type { CaseStore, Clock, Workflow, Logger } from '../ports';
import type { ClaimSource } from '../ports/claims';
import { mutateCase } from './case-mutation';
import { deadLetterId, errorSummary, replayDeadLetter } from './dead-letters';
import type { DeadLetterStore, Submit } from './dead-letters';
import { WAITING_PHASES, isOpen } from './lifecycle-tasks';

export type { ClaimRecord, ClaimSource } from '../ports/claims';

export type ReconcileLogger = Pick<Logger, 'info' | 'warn'>;

export interface ReconcileDeps {
  store: CaseStore;
  workflow: Workflow;
  clock: Clock;
  /** Jurisdiction code whose cases are checked. */
  jurisdiction: string;
  claims?: ClaimSource;
  deadLetters?: DeadLetterStore;
  /** Re-submits a parked intake (the intake core); needed to replay dead letters for orphan claims. */
  submit?: Submit;
  /** Enables the "overdue wake-up" check (the domain's nextWakeUp). */
  lifecycle?: { calendar: WorkingCalendar; rules: RulesRegistry; jurisdiction: JurisdictionConfig };
  logger?: ReconcileLogger;
}

export interface ReconcileOptions {
  /** How long a case may sit without progress, or a claim without a case (default 15 minutes). */
  thresholdMs?: number;
  /** Report only; change nothing. */
  dryRun?: boolean;
  /**
   * Only this case (the console's 重新启动流程 button on one row of the failed-workflow list): the other cases and
   * the source claims are left to the scheduled run.
   */
  onlyCaseId?: string;
}

export const DEFAULT_RECONCILE_THRESHOLD_MS = 15 * 60_000;

/** Merged cases are checked for a failed join while their last change is at most this old (30 days). */
export const UNJOINED_MERGE_WINDOW_MS = 30 * 86_400_000;

/** Name of a resume execution: one per case version, so a repeated run starts nothing twice. */
export const resumeExecutionName = (c: CaseRecord): string => `${c.caseId}-rc-v${c.version}`;

async function noteRepair(deps: ReconcileDeps, caseId: string, phase: Phase, summary: string, data: Record<string, unknown>): Promise<void> {
  const at = deps.clock.now().toISOString();
  // `version` is the case version this write produces: the next run sees whether anything touched the case since.
  await mutateCase(deps.store, caseId, (c) =>
    c.phase !== phase ? null : { record: { ...c, updatedAt: at }, events: [{ at, type: 'reconciled', actor: SYSTEM_ACTOR, phase: c.phase, summary, data: { ...data, version: c.version + 1 } }] },
  );
}

/**
 * True when the last thing that happened to the case is this reconciler's own repair and nothing wrote to the case
 * since (its version is the one the repair produced): the repair did not take, and repeating it would only add a
 * timeline event per run. Such a case is reported for a person instead. This also keeps the reconciler quiet with a
 * Workflow that cannot tell whether an execution exists (QueuedWorkflow answers `alreadyRunning: false` always).
 */
function repairedAndUnchanged(events: TimelineEvent[], c: CaseRecord): boolean {
  const last = events.at(-1);
  return last?.type === 'reconciled' && last.data?.version === c.version;
}

export async function reconcile(deps: ReconcileDeps, opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const threshold = opts.thresholdMs ?? DEFAULT_RECONCILE_THRESHOLD_MS;
  const dryRun = opts.dryRun === true;
  const nowMs = deps.clock.now().getTime();
  const report: ReconcileReport = { at: new Date(nowMs).toISOString(), thresholdMs: threshold, dryRun, casesChecked: 0, claimsChecked: 0, findings: [], problems: [] };
  const stale = (iso: string | undefined) => iso !== undefined && nowMs - Date.parse(iso) > threshold;
  const skip = (caseId: string) => opts.onlyCaseId !== undefined && caseId !== opts.onlyCaseId;

  // 1. Not started.
  for (const phase of ['received', 'screening'] as const) {
    for await (const snapshot of casesIn(deps.store, deps.jurisdiction, phase)) {
      if (skip(snapshot.caseId)) continue;
      report.casesChecked++;
      if (!stale(snapshot.updatedAt)) continue;
      try {
        const c = await deps.store.get(snapshot.caseId);
        if (!c || c.phase !== phase || !stale(c.updatedAt)) continue;
        if (dryRun) {
          report.findings.push({ kind: 'not_started', caseId: c.caseId, phase, action: 'would_start' });
          continue;
        }
        const events = await deps.store.timeline(c.caseId);
        const lastFailure = Math.max(0, ...events.filter((e) => e.type === 'workflow_failed').map((e) => e.seq));
        const lastRepair = Math.max(0, ...events.filter((e) => e.type === 'reconciled').map((e) => e.seq));
        if (lastFailure > lastRepair) {
          // The execution is known to have failed (its Catch recorded `workflow_failed` after the last repair):
          // restart from the phase under a name of this case version (a repeated run starts nothing twice).
          const again = await deps.workflow.start(c.caseId, { caseId: c.caseId, resumeFrom: phase }, resumeExecutionName(c));
          if (!again.alreadyRunning) await noteRepair(deps, c.caseId, phase, '系统对账：自动流程中断，已从当前环节重新启动。', { execution: again.executionId, kind: 'not_started' });
          report.findings.push({ kind: 'not_started', caseId: c.caseId, phase, action: again.alreadyRunning ? 'already_restarted' : 'restarted', execution: again.executionId });
          continue;
        }
        if (repairedAndUnchanged(events, c)) {
          // Started (or restarted) once already and nothing moved since: it may still run; a person looks.
          report.findings.push({ kind: 'not_started', caseId: c.caseId, phase, action: 'already_running' });
          continue;
        }
        const first = await deps.workflow.start(c.caseId, { caseId: c.caseId }, c.caseId);
        if (!first.alreadyRunning) {
          await noteRepair(deps, c.caseId, phase, '系统对账：补启动了该投诉件的自动流程。', { execution: first.executionId, kind: 'not_started' });
          report.findings.push({ kind: 'not_started', caseId: c.caseId, phase, action: 'started', execution: first.executionId });
          continue;
        }
        report.findings.push({ kind: 'not_started', caseId: c.caseId, phase, action: 'already_running', execution: first.executionId });
      } catch (err) {
        report.problems.push({ caseId: snapshot.caseId, error: errorSummary(err).name });
      }
    }
  }

  // 2. Open cases without a waiting task (or whose wake-up passed unnoticed), and unfinished archiving.
  for (const phase of [...WAITING_PHASES, 'archived'] as Phase[]) {
    for await (const snapshot of casesIn(deps.store, deps.jurisdiction, phase)) {
      if (skip(snapshot.caseId)) continue;
      report.casesChecked++;
      if (!isOpen(snapshot)) continue;
      const kind = problemOf(deps, snapshot, phase, nowMs, threshold);
      if (!kind) continue;
      try {
        const c = await deps.store.get(snapshot.caseId);
        if (!c || c.phase !== phase || !isOpen(c) || problemOf(deps, c, phase, nowMs, threshold) !== kind) continue;
        if (dryRun) {
          report.findings.push({ kind, caseId: c.caseId, phase, action: 'would_resume' });
          continue;
        }
        if (repairedAndUnchanged(await deps.store.timeline(c.caseId), c)) {
          // Resumed once already and nothing wrote to the case since: the resume did not take; a person looks.
          report.findings.push({ kind, caseId: c.caseId, phase, action: 'already_resumed' });
          continue;
        }
        const r = await deps.workflow.start(c.caseId, { caseId: c.caseId, resumeFrom: phase }, resumeExecutionName(c));
        if (!r.alreadyRunning) {
          await noteRepair(deps, c.caseId, phase, kind === 'no_waiting_task' ? '系统对账：该环节没有等待中的流程，已重新启动自动流程。' : '系统对账：提醒或期限未按时处理，已重新启动自动流程。', {
            execution: r.executionId,
            kind,
          });
        }
        report.findings.push({ kind, caseId: c.caseId, phase, action: r.alreadyRunning ? 'already_resumed' : 'resumed', execution: r.executionId });
      } catch (err) {
        report.problems.push({ caseId: snapshot.caseId, error: errorSummary(err).name });
      }
    }
  }

  // 4 (before 3, which may create merged cases of its own). Merged cases their target does not record.
  const targets = new Map<string, CaseRecord | undefined>();
  const records = (t: CaseRecord, caseId: string) => (t.merges ?? []).some((m) => m.caseId === caseId && !m.unmergedAt);
  const joinable = (t: CaseRecord) => t.phase !== 'merged' && t.phase !== 'archived' && !t.outcome;
  for await (const snapshot of casesIn(deps.store, deps.jurisdiction, 'merged')) {
    if (skip(snapshot.caseId)) continue;
    report.casesChecked++;
    const into = snapshot.mergedInto;
    if (!into || !stale(snapshot.updatedAt)) continue;
    // A join fails within seconds of the merge or not at all: older merged cases were checked by earlier runs.
    if (nowMs - Date.parse(snapshot.updatedAt) > UNJOINED_MERGE_WINDOW_MS) continue;
    try {
      if (!targets.has(into)) targets.set(into, await deps.store.get(into));
      const target = targets.get(into);
      if (target && records(target, snapshot.caseId)) continue;
      const c = await deps.store.get(snapshot.caseId);
      if (!c || c.phase !== 'merged' || c.mergedInto !== into) continue;
      if (!target || !joinable(target)) {
        report.findings.push({ kind: 'unjoined_merge', caseId: c.caseId, into, action: 'reported' });
        continue;
      }
      if (dryRun) {
        report.findings.push({ kind: 'unjoined_merge', caseId: c.caseId, into, action: 'would_join' });
        continue;
      }
      // The phase the case had before it was merged, from its own `merged_into` event (an intake: received).
      const mergedEvent = (await deps.store.timeline(c.caseId)).filter((e) => e.type === 'merged_into').at(-1);
      const previous = PhaseSchema.safeParse(mergedEvent?.data?.previousPhase);
      const { mergedInto: _into, outcome: _outcome, ...rest } = c;
      const source: CaseRecord = { ...rest, phase: previous.success && previous.data !== 'merged' ? previous.data : 'received' };
      const at = new Date(nowMs).toISOString();
      const stored = await mutateCase(deps.store, into, (t) => {
        if (records(t, c.caseId) || !joinable(t)) return null;
        const r = applyMerge(t, source, SYSTEM_ACTOR, at);
        return { record: r.target, events: r.targetEvents.map((e) => ({ ...e, summary: `系统对账：${e.summary}`, data: { ...e.data, reconciled: true } })) };
      });
      targets.set(into, stored);
      report.findings.push({ kind: 'unjoined_merge', caseId: c.caseId, into, action: records(stored, c.caseId) ? 'joined' : 'reported' });
    } catch (err) {
      report.problems.push({ caseId: snapshot.caseId, error: errorSummary(err).name });
    }
  }

  // 3. Claims without a case.
  if (deps.claims && opts.onlyCaseId === undefined) {
    for await (const claim of deps.claims.claims()) {
      report.claimsChecked++;
      if (!stale(claim.claimedAt)) continue;
      try {
        if (claim.caseId && (await deps.store.get(claim.caseId))) continue;
        const parked = deps.deadLetters ? await deps.deadLetters.get(deadLetterId('intake', claim.sourceKey)) : undefined;
        if (dryRun) {
          report.findings.push({ kind: 'orphan_claim', sourceKey: claim.sourceKey, ...(claim.caseId ? { caseId: claim.caseId } : {}), action: deps.deadLetters ? 'would_dead_letter' : 'reported' });
          continue;
        }
        if (parked?.payload && parked.status === 'open' && deps.submit && deps.deadLetters) {
          const r = await replayDeadLetter({ submit: deps.submit, deadLetters: deps.deadLetters, store: deps.store, clock: deps.clock }, parked.id);
          if (r.ok) {
            report.findings.push({
              kind: 'orphan_claim',
              sourceKey: claim.sourceKey,
              ...(claim.caseId ? { caseId: claim.caseId } : {}),
              action: 'replayed',
              deadLetterId: parked.id,
              replayedInto: r.caseId,
            });
            continue;
          }
        }
        if (!deps.deadLetters) {
          report.findings.push({ kind: 'orphan_claim', sourceKey: claim.sourceKey, ...(claim.caseId ? { caseId: claim.caseId } : {}), action: 'reported' });
          continue;
        }
        const id = deadLetterId('orphan_claim', claim.sourceKey);
        const existing = await deps.deadLetters.get(id);
        if (!existing || existing.status === 'resolved') {
          const at = deps.clock.now().toISOString();
          await deps.deadLetters.record({
            id,
            kind: 'orphan_claim',
            jurisdiction: deps.jurisdiction,
            sourceKey: claim.sourceKey,
            ...(claim.caseId ? { caseId: claim.caseId } : {}),
            firstFailedAt: claim.claimedAt,
            at,
            error: { name: 'DeliveryInterrupted', code: claim.caseId ? 'bound_without_case' : 'claim_without_case' },
          });
        }
        report.findings.push({ kind: 'orphan_claim', sourceKey: claim.sourceKey, ...(claim.caseId ? { caseId: claim.caseId } : {}), action: 'dead_lettered', deadLetterId: id });
      } catch (err) {
        report.problems.push({ sourceKey: claim.sourceKey, error: errorSummary(err).name });
      }
    }
  }

  deps.logger?.info('reconcile finished', {
    casesChecked: report.casesChecked,
    claimsChecked: report.claimsChecked,
    findings: report.findings.length,
    problems: report.problems.length,
    dryRun,
  });
  return report;
}

function problemOf(deps: ReconcileDeps, c: CaseRecord, phase: Phase, nowMs: number, threshold: number): 'no_waiting_task' | 'missed_wake_up' | undefined {
  if (nowMs - Date.parse(c.updatedAt) <= threshold) return undefined;
  if (phase === 'archived') return 'no_waiting_task'; // archived but not archived yet (archive.at unset): the last task never ran
  if (!c.waiting || c.waiting.step !== phase) return 'no_waiting_task';
  if (deps.lifecycle) {
    const ctx = { now: new Date(nowMs), calendar: deps.lifecycle.calendar.forDeadlines(), rules: deps.lifecycle.rules.byId(c.rulesVersion), jurisdiction: deps.lifecycle.jurisdiction };
    const wake = nextWakeUp(c, ctx);
    if (wake !== undefined && nowMs - Date.parse(wake) > threshold) return 'missed_wake_up';
  }
  return undefined;
}
