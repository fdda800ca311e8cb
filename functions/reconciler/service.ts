/**
 * The scheduled reconciler on AWS (EventBridge Scheduler, every 15 minutes): runs shared/services/reconcile.ts on
 * the jurisdiction's table. Cases without a running execution or without a waiting task are started or resumed
 * through the start queue (QueuedWorkflow, the same Workflow the intake adapters use, so the execution starter
 * stays the only caller of StartExecution); claims without a case are replayed from their dead letter, or recorded
 * as an `orphan_claim` dead letter for staff (`tousu dead-letters list --table …`).
 *
 * QueuedWorkflow cannot tell whether an execution exists (it answers `alreadyRunning: false` always); the
 * reconciler copes with that by repairing a case once and then reporting it while nothing has moved
 * (reconcile.ts, `repairedAndUnchanged`), so a scheduled run does not add a repair to a timeline every 15 minutes.
 *
 * Logs and the returned summary carry counts, case ids, kinds, actions and dead-letter ids: never source keys
 * (a mail's Message-ID can name its sender) nor anything of the intake.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { lazyQueuedWorkflow } from '../../shared/adapters/aws/lazy-queued-workflow';
import { lazySfnWorkflow } from '../../shared/adapters/aws/lazy-sfn-workflow';
import { composeAws } from '../../shared/composition/aws';
import { recomputeProvisional } from '../../shared/services/calendar-recompute';
import type { ProvisionalStatus } from '../../shared/services/calendar-recompute';
import type { CalendarYearStore, Clock, Logger } from '../../shared/ports';
import { reconcile } from '../../shared/services/reconcile';
import type { ReconcileDeps, ReconcileReport } from '../../shared/services/reconcile';
import type { ReconcilerEnv } from './env';
import { s3Evidence } from '../../shared/composition/aws-parts';
import { awsHandoverFromEnv, lifecycleHandover } from '../../shared/composition/aws-handover';
import { replayAll } from '../../shared/services/dead-letters';
import type { ReplayOutcome } from '../../shared/services/dead-letters';
import { handOverParked } from '../../shared/services/lifecycle-tasks';
import { ConfigError, errorName } from '../../shared/domain/errors';
import type { AwsWorkOrdersOptions } from '../../shared/composition/aws-workorders';
import type { PumpRun } from '../../shared/services/workorder-outbound';

export type ReconcilerLogger = Logger;

export interface ReconcilerClients {
  dynamo: DynamoDBClient;
  /** The start queue's client (absent: made, with the SQS SDK, on the first start the reconciler makes). */
  sqs?: SQSClient;
  /** Only for task-token answers, which the reconciler never sends; absent, a client is made if ever needed. */
  sfn?: SFNClient;
}

export interface ReconcilerSummary {
  at: string;
  casesChecked: number;
  claimsChecked: number;
  /** `<kind>:<action>` → count. */
  findings: Record<string, number>;
  /** Findings that need a person (a dead letter to redeliver, an execution that does not move). */
  needsAttention: number;
  problems: number;
}

/** The log line the CloudWatch metric filters of infra/constructs/observability.ts read (calendar years missing, provisional cases). */
export const CALENDAR_STATUS_LOG_MESSAGE = 'calendar status' as const;

/**
 * The calendar check of each run: the years imported through the admin API are read (the composition's refresher,
 * at every run), open cases that ran on provisional dates are recomputed once their year is there, and the status
 * is logged for the alarm.
 */
export function calendarCheck(deps: ReconcileDeps, refreshCalendar: () => Promise<void>): () => Promise<ProvisionalStatus & { recomputed: number }> {
  const lifecycle = deps.lifecycle!;
  return async () => {
    await refreshCalendar();
    const recompute = await recomputeProvisional({ store: deps.store, clock: deps.clock, calendar: lifecycle.calendar, rules: lifecycle.rules, jurisdiction: lifecycle.jurisdiction });
    return { ...recompute.status, recomputed: recompute.casesRecomputed };
  };
}

/** The reconcile ports from the AWS composition (created once per container). */
export function reconcilerDeps(
  env: ReconcilerEnv,
  clients: ReconcilerClients,
  clock: Clock,
  logger?: ReconcilerLogger,
  opts: AwsWorkOrdersOptions = {},
): ReconcileDeps & { calendarYears: CalendarYearStore; refreshCalendar: () => Promise<void>; replayHandovers?: () => Promise<ReplayOutcome[]>; workOrders?: () => Promise<PumpRun> } {
  const c = composeAws(env as unknown as Record<string, string | undefined>, {
    evidence: s3Evidence,
    dynamo: clients.dynamo,
    sfn: clients.sfn,
    clock,
    ...(logger ? { logger } : {}),
    // Every run reads the years imported through the admin API (calendarCheck).
    calendarRefreshMs: 0,
    // The reconciler queues its starts like every other function that starts cases.
    workflow: () => lazyQueuedWorkflow(env.START_QUEUE_URL, lazySfnWorkflow(env.STATE_MACHINE_ARN, clients.sfn), clients.sqs),
  });
  const { store, jurisdiction, calendar, rules } = c;
  const workflow = c.workflow!;
  const submit: ReconcileDeps['submit'] = async (i, opts) => (await import('../../shared/intake/core')).submitIntake(c.intakeDeps(), i, opts);
  // Parked hand-overs (kind `handover`): sent again at every run, idempotent on the receiver (issue 15).
  const handover = awsHandoverFromEnv(env as unknown as Record<string, string | undefined>);
  const replayHandovers = handover
    ? () => {
        const lifecycle = { ...c.lifecycleDeps(), handover: lifecycleHandover(c, handover) };
        return replayAll({ submit, deadLetters: c.deadLetters, store, clock, handOver: (id) => handOverParked(lifecycle, id), ...(logger ? { logger } : {}) }, jurisdiction.code, { kind: 'handover' });
      }
    : undefined;
  // The 12345 loop: the marked work-order cases' reports collected and posted at every run (art. 7(2)). Its code
  // (report builder, webhook, outbox) is a chunk loaded on the first run of a stack that configures it.
  let pump: Promise<(() => Promise<PumpRun>) | undefined> | undefined;
  const workOrders = env.WORKORDER_OUTBOUND
    ? async () => {
        pump ??= import('../../shared/composition/aws-workorders').then((m) => m.awsWorkOrderPump(env as unknown as Record<string, string | undefined>, c, opts));
        const run = await pump;
        if (!run) throw new Error('WORKORDER_OUTBOUND is set but no pump was made');
        return run();
      }
    : undefined;
  return {
    ...(replayHandovers ? { replayHandovers } : {}),
    ...(workOrders ? { workOrders } : {}),
    store,
    workflow,
    clock,
    jurisdiction: jurisdiction.code,
    claims: c.claims,
    deadLetters: c.deadLetters,
    // The intake core is needed only to replay a parked intake (rare): loaded then, not at every cold start.
    submit,
    lifecycle: { calendar, rules, jurisdiction },
    calendarYears: c.calendarYears,
    refreshCalendar: c.refreshCalendar,
    ...(logger ? { logger } : {}),
  };
}

const NEEDS_ATTENTION = new Set(['already_running', 'already_resumed', 'dead_lettered']);

export function summarize(report: ReconcileReport): ReconcilerSummary {
  const findings: Record<string, number> = {};
  for (const f of report.findings) findings[`${f.kind}:${f.action}`] = (findings[`${f.kind}:${f.action}`] ?? 0) + 1;
  return {
    at: report.at,
    casesChecked: report.casesChecked,
    claimsChecked: report.claimsChecked,
    findings,
    needsAttention: report.findings.filter((f) => NEEDS_ATTENTION.has(f.action)).length,
    problems: report.problems.length,
  };
}

/** One scheduled run: reconcile, log each finding (ids only), return the counts. */
export async function runReconciler(
  deps: ReconcileDeps,
  opts: { thresholdMs: number; calendar?: () => Promise<ProvisionalStatus & { recomputed: number }>; replayHandovers?: () => Promise<ReplayOutcome[]>; workOrders?: () => Promise<PumpRun> },
  logger: ReconcilerLogger,
): Promise<ReconcilerSummary> {
  let configError: ConfigError | undefined;
  if (opts.workOrders) {
    try {
      const run = await opts.workOrders();
      logger[run.dead > 0 || run.collectFailed > 0 ? 'warn' : 'info']('workorder reports run', { ...run });
    } catch (err) {
      logger.error('workorder reports run failed', { error: errorName(err) });
      // A bad configuration fails the invocation (the function's error alarm) after the rest of the run.
      if (err instanceof ConfigError) configError = err;
    }
  }
  if (opts.replayHandovers) {
    try {
      for (const r of await opts.replayHandovers()) {
        if (r.ok) logger.info('parked hand-over sent', { deadLetterId: r.id, trackingNo: r.caseId });
        else logger.warn('parked hand-over still failing', { deadLetterId: r.id, error: r.error.name, code: r.error.code });
      }
    } catch (err) {
      logger.error('hand-over replay failed', { error: errorName(err) });
    }
  }
  if (opts.calendar) {
    try {
      const s = await opts.calendar();
      logger[s.missingYears.length > 0 ? 'warn' : 'info'](CALENDAR_STATUS_LOG_MESSAGE, {
        calendarYearsMissing: s.missingYears.length,
        missingYears: s.missingYears,
        provisionalOpenCases: s.openProvisionalCases,
        recomputed: s.recomputed,
        ...(s.warning ? { warning: s.warning } : {}),
      });
    } catch (err) {
      logger.error('calendar check failed', { error: errorName(err) });
    }
  }
  const report = await reconcile(deps, { thresholdMs: opts.thresholdMs });
  for (const f of report.findings) {
    const level = NEEDS_ATTENTION.has(f.action) || (f.kind === 'unjoined_merge' && f.action === 'reported') ? 'warn' : 'info';
    if (f.kind === 'orphan_claim')
      logger[level]('reconcile finding', {
        kind: f.kind,
        action: f.action,
        ...(f.caseId ? { caseId: f.caseId } : {}),
        ...(f.deadLetterId ? { deadLetterId: f.deadLetterId } : {}),
        ...(f.replayedInto ? { replayedInto: f.replayedInto } : {}),
      });
    else if (f.kind === 'unjoined_merge') logger[level]('reconcile finding', { kind: f.kind, action: f.action, caseId: f.caseId, into: f.into });
    else logger[level]('reconcile finding', { kind: f.kind, action: f.action, caseId: f.caseId, phase: f.phase });
  }
  for (const p of report.problems) logger.error('reconcile problem', { ...(p.caseId ? { caseId: p.caseId } : {}), error: p.error });
  const summary = summarize(report);
  logger.info('reconcile run', { ...summary });
  if (configError) throw configError;
  return summary;
}
