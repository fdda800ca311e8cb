/**
 * Art. 7(2), the 12345 loop: a case that came as a work order reports acceptance, transfer, result and follow-up
 * back to the platform. `collectWorkOrderReports` queues what a case's timeline holds (idempotent: a report id is
 * queued once); `deliverDueReports` posts the due ones to the signed webhook, retries on the back-off schedule and
 * dead-letters after the maximum age; `replayWorkOrderDeadLetters` puts dead letters back. Nothing is lost while
 * the platform is down: the outbox keeps every report until a 2xx.
 */
import * as z from 'zod';
import { workOrderReports } from '../domain/workorder/report';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { CaseStore, Clock, Logger } from '../ports';
import type { WorkOrderOutbox, WorkOrderOutboxItem, WorkOrderWebhook } from '../ports/workorder-outbox';

/** Retry policy; hard-coded defaults are today's, all configurable and validated. */
export const WorkOrderRetryPolicy = z.object({
  /** Pauses after the 1st, 2nd, … failed attempt, in seconds; the last repeats. */
  backoffSeconds: z.array(z.number().int().min(1).max(86_400)).min(1).max(20),
  /** A report still not taken this long after it was queued becomes a dead letter. */
  maxAgeSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 86_400),
  /** Most reports posted per delivery run. */
  batchLimit: z.number().int().min(1).max(1000),
});
export type WorkOrderRetryPolicy = z.infer<typeof WorkOrderRetryPolicy>;

export const DEFAULT_WORKORDER_RETRY: WorkOrderRetryPolicy = { backoffSeconds: [60, 300, 900, 1800, 3600], maxAgeSeconds: 72 * 3600, batchLimit: 100 };

const webhookUrl = z.url({ protocol: /^https?$/, error: '应为 http(s) 地址，如 https://12345.example.gov.cn/api/tousu/reports' });
const retry = WorkOrderRetryPolicy.partial().optional();
const timeoutMs = z.number().int().min(1000).max(60_000).optional();

/**
 * `workOrderOutbound` in `<data-dir>/tousu.config.json` (embedded runtime): the 12345 platform's webhook of this
 * jurisdiction. The shared secret is not in the file: it is read from `secretFile` (relative to the data directory,
 * default `secrets/workorder-webhook.key`, at least 16 characters). Absent: no work-order reports are collected.
 */
export const WorkOrderOutboundRuntimeConfig = z.strictObject({
  url: webhookUrl,
  secretFile: z.string().min(1).max(500).default('secrets/workorder-webhook.key'),
  /** How often the pump runs (wall time, seconds); a case write also starts it at once. */
  everySeconds: z.number().int().min(5).max(3600).default(60),
  timeoutMs,
  retry,
});
export type WorkOrderOutboundRuntimeConfig = z.infer<typeof WorkOrderOutboundRuntimeConfig>;

/** `workOrderOutbound` in `config/deploy/<code>.json` (AWS): the secret is a Secrets Manager secret's string. */
export const WorkOrderOutboundDeployConfig = z.strictObject({
  url: webhookUrl,
  secretName: z.string().min(1).max(512),
  timeoutMs,
  retry,
});
export type WorkOrderOutboundDeployConfig = z.infer<typeof WorkOrderOutboundDeployConfig>;

/** The retry policy with today's defaults under the configured fields (validated as a whole). */
export function retryPolicyOf(cfg: { retry?: Partial<WorkOrderRetryPolicy> | undefined } | undefined): WorkOrderRetryPolicy {
  const r = cfg?.retry ?? {};
  return WorkOrderRetryPolicy.parse({ ...DEFAULT_WORKORDER_RETRY, ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) });
}

/** Field problems of a `workOrderOutbound` object (empty when valid), with dotted paths, in Chinese. */
export function workOrderConfigProblems(input: unknown, kind: 'runtime' | 'deploy', where = 'workOrderOutbound'): { field: string; message: string }[] {
  const r = (kind === 'runtime' ? WorkOrderOutboundRuntimeConfig : WorkOrderOutboundDeployConfig).safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => ({ field: [where, ...i.path].join('.'), message: i.message }));
}

export interface WorkOrderOutboundDeps {
  outbox: WorkOrderOutbox;
  webhook: WorkOrderWebhook;
  clock: Clock;
  policy?: WorkOrderRetryPolicy;
  logger?: Pick<Logger, 'info' | 'warn'>;
}

/** Queues the reports of one case (none unless it came as a 12345 work order); returns how many were new. */
export async function collectWorkOrderReports(deps: { store: CaseStore; outbox: WorkOrderOutbox; clock: Clock; jurisdiction: JurisdictionConfig }, caseId: string): Promise<number> {
  const c = await deps.store.get(caseId);
  if (!c?.intake.workOrderNo) return 0;
  const now = deps.clock.now().toISOString();
  let added = 0;
  for (const report of workOrderReports(c, await deps.store.timeline(caseId), deps.jurisdiction)) {
    if (await deps.outbox.add({ report, status: 'pending', attempts: 0, queuedAt: now, nextAttemptAt: now })) added++;
  }
  return added;
}

export interface DeliveryRun {
  delivered: number;
  failed: number;
  dead: number;
}

/** Posts every due report once; a failure is rescheduled, or dead-lettered once past the maximum age. */
export async function deliverDueReports(deps: WorkOrderOutboundDeps): Promise<DeliveryRun> {
  const policy = deps.policy ?? DEFAULT_WORKORDER_RETRY;
  const run: DeliveryRun = { delivered: 0, failed: 0, dead: 0 };
  const now = deps.clock.now();
  for (const item of await deps.outbox.due(now.toISOString(), policy.batchLimit)) {
    const attempts = item.attempts + 1;
    try {
      await deps.webhook.post(item.report);
      await deps.outbox.put({ ...item, status: 'delivered', attempts, deliveredAt: now.toISOString(), nextAttemptAt: now.toISOString() });
      run.delivered++;
    } catch (err) {
      const e = err as { name?: string; code?: string; status?: number };
      const lastError = { name: e.name ?? 'Error', ...(e.code ? { code: e.code } : {}), ...(e.status ? { status: e.status } : {}) };
      const pause = policy.backoffSeconds[Math.min(attempts - 1, policy.backoffSeconds.length - 1)]! * 1000;
      const next = new Date(now.getTime() + pause);
      const tooOld = next.getTime() - Date.parse(item.queuedAt) > policy.maxAgeSeconds * 1000;
      const updated: WorkOrderOutboxItem = tooOld ? { ...item, status: 'dead', attempts, deadAt: now.toISOString(), lastError } : { ...item, attempts, nextAttemptAt: next.toISOString(), lastError };
      await deps.outbox.put(updated);
      if (tooOld) {
        run.dead++;
        deps.logger?.warn('workorder_report_dead_letter', { reportId: item.report.id, kind: item.report.kind, attempts, error: lastError.code ?? lastError.name, status: lastError.status });
      } else {
        run.failed++;
      }
    }
  }
  if (run.delivered || run.failed || run.dead) deps.logger?.info('workorder_reports_delivery', { ...run });
  return run;
}

/** Puts dead letters back in the queue, due now (all of them, or the given report ids); returns the ids replayed. */
export async function replayWorkOrderDeadLetters(deps: { outbox: WorkOrderOutbox; clock: Clock }, ids?: readonly string[]): Promise<string[]> {
  const now = deps.clock.now().toISOString();
  const dead = await deps.outbox.list('dead');
  const chosen = ids ? dead.filter((x) => ids.includes(x.report.id)) : dead;
  if (ids) {
    const unknown = ids.filter((id) => !dead.some((x) => x.report.id === id));
    if (unknown.length > 0) throw new Error(`not dead letters: ${unknown.join(', ')}`);
  }
  for (const item of chosen) {
    const { deadAt: _deadAt, ...rest } = item;
    await deps.outbox.put({ ...rest, status: 'pending', attempts: 0, queuedAt: now, nextAttemptAt: now });
  }
  return chosen.map((x) => x.report.id);
}

// ---------------------------------------------------------------------------------------------- the pump (marks: ./workorder-marks.ts)

export interface PumpRun extends DeliveryRun {
  /** Marked cases collected (their marks cleared). */
  collected: number;
  /** New reports queued from them. */
  queued: number;
  /** Marked cases whose collection failed (kept marked for the next run). */
  collectFailed: number;
}

export interface WorkOrderPumpDeps extends WorkOrderOutboundDeps {
  store: CaseStore;
  jurisdiction: JurisdictionConfig;
}

/** One run of the loop: collects the marked cases' reports, then posts what is due. */
export async function pumpWorkOrderReports(deps: WorkOrderPumpDeps): Promise<PumpRun> {
  const policy = deps.policy ?? DEFAULT_WORKORDER_RETRY;
  let collected = 0;
  let queued = 0;
  let collectFailed = 0;
  for (const m of await deps.outbox.markedCases(policy.batchLimit)) {
    try {
      queued += await collectWorkOrderReports(deps, m.caseId);
      await deps.outbox.clearMark(m.caseId, m.token);
      collected++;
    } catch (err) {
      collectFailed++;
      deps.logger?.warn('workorder_collect_failed', { caseId: m.caseId, error: (err as { name?: string }).name ?? 'Error' });
    }
  }
  return { collected, queued, collectFailed, ...(await deliverDueReports(deps)) };
}

/** What an operator sees of an outbox item: never the result text (it may quote the case). */
export function outboxItemView(x: WorkOrderOutboxItem) {
  const { resultText: _resultText, ...report } = x.report;
  return { ...x, report };
}
