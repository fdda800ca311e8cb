/**
 * The services behind the life-cycle state machine's Task states (statemachines/case-lifecycle.asl.json).
 * Few and generic: screen, prepare a wait, await an action (callback), handle a deadline, archive, record a
 * failure. Every decision is the domain's (shared/domain/lifecycle); these services load the case, build the
 * domain context from the ports and the Clock, write with the optimistic lock, then send the notices.
 *
 * The same functions run behind the Lambda handlers (functions/<name>/index.ts) on AWS and behind the
 * in-process engine (infra/local/engine.ts). Each task is idempotent: a retry after a write that succeeded
 * finds the case already moved and does nothing.
 */
import * as z from 'zod';
import { ARCHIVE_CONTENT_TYPE, archiveKey, buildArchiveBundle } from '../domain/archive';
import type { WorkingCalendar } from '../domain/calendar';
import { FINAL_PHASES, SYSTEM_ACTOR } from '../domain/case';
import type { CaseRecord, Phase } from '../domain/case';
import { ConcurrentUpdateError, NotFoundError, errorName } from '../domain/errors';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';
import { allowedActions, archive, currentDeadline, nextReminder, nextWakeUp, onWaitTimeout, screen } from '../domain/lifecycle';
import type { LifecycleContext, Notice, Transition } from '../domain/lifecycle';
import type { BlobStore, CaseStore, Clock, Counters, MailSender, Workflow, Logger } from '../ports';
import { mutateCase } from './case-mutation';
import { sendNotices } from './notify';
import { recordMailDeliveries } from './contact-delivery';
import { METRICS } from './metrics';
import type { SendNoticesOptions } from './notify';
import type { HandoverConfig } from '../domain/handover';
import { handOver } from '../domain/lifecycle/transitions';

/** Phases in which the case waits for people: one Prepare / Await / Handle trio per phase in the ASL. */
export const WAITING_PHASES = ['dispatch', 'acceptance', 'classification', 'handling', 'rectification', 'reply', 'follow_up'] as const;
export const WaitingPhase = z.enum(WAITING_PHASES);
export type WaitingPhase = z.infer<typeof WaitingPhase>;

/**
 * Longest single wait handed to the engine, in seconds (about 23 days). aws-local-stepfunctions overflows
 * above 2,147,483 s; on AWS a capped wait simply wakes up, finds nothing due and waits again.
 */
export const MAX_WAIT_SECONDS = 2_000_000;

export type TaskLogger = Logger;

/** The metric the handle-deadline task counts each overdue mark in (art. 20); one list of names: ./metrics.ts. */
export const OVERDUE_METRIC = METRICS.overdue;

export interface LifecycleTaskDeps {
  store: CaseStore;
  clock: Clock;
  calendar: WorkingCalendar;
  rules: RulesRegistry;
  /** The deployment's jurisdiction, or a look-up by code when one runtime serves several. */
  jurisdiction: JurisdictionConfig | ((code: string) => JurisdictionConfig);
  mail: MailSender;
  /** Used by the await task to complete its own callback when an action landed first. */
  workflow: Pick<Workflow, 'sendTaskSuccess'>;
  logger?: TaskLogger;
  /** Operational counts: `OverdueCases` per overdue mark (a CloudWatch metric on AWS, the alarm of observability.ts). */
  metrics?: Counters;
  /** Mail retry settings (tests set backoffMs 0). */
  mailRetry?: Pick<SendNoticesOptions, 'attempts' | 'backoffMs'>;
  /**
   * Where the art. 18 archive files go (S3 bucket with Object Lock on AWS, `<data-dir>/archive` locally). Without
   * it the archive task only records `archive.at` (no file, `archive.ref` unset) and warns once per logger.
   */
  archiveBlobs?: BlobStore;
  /**
   * Files a received case in the duplicate index (its 32 LSH bands; the intake filed its identity keys before
   * creating it): the screening task calls it before it moves the case on, so a retry files again
   * (idempotent) and no screened case is left unfiled (shared/services/duplicates.ts, `IndexPart`). Unset: the
   * case is not filed here.
   */
  indexForDuplicates?: (c: CaseRecord) => Promise<void>;
  /**
   * Hand-over to other jurisdictions' deployments (issue 15): a case that routing confidently gave to a
   * jurisdiction listed here is sent there at screening and ends as transferred. `park` keeps a failed hand-over
   * (peer down) as a dead letter to retry; the case is then screened as before (art. 8(1) proposal).
   */
  handover?: {
    /**
     * The peers and their keys; or, on AWS, the peers and a loader of the keys (Secrets Manager), so that a key
     * that cannot be read fails the hand-over (parked, screened locally) and not the screening of every case.
     */
    config: HandoverConfig | { peers: readonly { jurisdiction: string }[]; load: () => Promise<HandoverConfig> };
    blobs?: BlobStore;
    fetch?: typeof fetch;
    park?: (c: CaseRecord, error: unknown) => Promise<void>;
    /** Tries per hand-over when the peer is unreachable or answers 5xx/429 (default 1); refusals are not retried. */
    attempts?: number;
    /** Wait before the second try, doubled for each further one (default 1000 ms). */
    backoffMs?: number;
  };
}

// ---------------------------------------------------------------------------------------------- payloads

const caseId = z.string().min(1).max(128);
const isoInstant = z.iso.datetime({ offset: true });

export const CasePayload = z.object({ caseId });
export const StepPayload = z.object({ caseId, step: WaitingPhase });
export const AwaitPayload = z.object({ caseId, step: WaitingPhase, taskToken: z.string().min(1), wakeUpAt: isoInstant.optional(), timeoutSeconds: z.number().int().positive().optional() });
export const FailurePayload = z.object({
  caseId: caseId.optional(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).passthrough().optional(),
});

export interface PhaseResult {
  phase: Phase;
}
export interface WaitPlan extends PhaseResult {
  /** Seconds until the wake-up, for the callback task's TimeoutSecondsPath (1 … MAX_WAIT_SECONDS). */
  timeoutSeconds: number;
  /** The absolute instant of the wake-up (the in-process engine sleeps on the Clock until it). */
  wakeUpAt: string;
}
export interface AwaitResult extends PhaseResult {
  /** false: the case had already left the step, and the callback was completed at once. */
  waiting: boolean;
}

// ---------------------------------------------------------------------------------------------- helpers

function jurisdictionOf(deps: LifecycleTaskDeps, code: string): JurisdictionConfig {
  return typeof deps.jurisdiction === 'function' ? deps.jurisdiction(code) : deps.jurisdiction;
}

export function lifecycleContext(deps: LifecycleTaskDeps, c: CaseRecord): LifecycleContext {
  return { now: deps.clock.now(), calendar: deps.calendar.forDeadlines(), rules: deps.rules.byId(c.rulesVersion), jurisdiction: jurisdictionOf(deps, c.jurisdiction) };
}

async function load(deps: LifecycleTaskDeps, id: string): Promise<CaseRecord> {
  const c = await deps.store.get(id);
  if (!c) throw new NotFoundError(`未找到投诉件 ${id}。`);
  return c;
}

/**
 * Applies a domain transition with the optimistic lock, then sends its notices. `decide` returns null when
 * there is nothing to do (the task already ran, or the case moved on). Returns the stored record.
 */
async function transition(deps: LifecycleTaskDeps, id: string, decide: (c: CaseRecord) => Transition | null | Promise<Transition | null>): Promise<CaseRecord> {
  let notices: Notice[] = [];
  const stored = await mutateCase(deps.store, id, async (current) => {
    notices = [];
    const t = await decide(current);
    // The domain returns the record it was given when nothing is due: no write.
    if (!t || (t.record === current && t.events.length === 0 && t.notices.length === 0)) return null;
    notices = t.notices;
    return { record: t.record, events: t.events };
  });
  await deliver(deps, stored, notices);
  return stored;
}

/**
 * Mails go out after the write succeeded, through the shared notice sender (retries; a notice that still
 * fails is recorded in the audit trail with its content so staff can re-send it; logs carry no personal data).
 */
async function deliver(deps: LifecycleTaskDeps, c: CaseRecord, notices: Notice[]): Promise<void> {
  if (notices.length === 0) return;
  const delivery = await sendNotices(deps.mail, notices, jurisdictionOf(deps, c.jurisdiction).mail.from, {
    ...(deps.logger ? { logger: deps.logger } : {}),
    ...deps.mailRetry,
    recordFailure: (f) =>
      deps.store.audit({
        caseId: c.caseId,
        at: deps.clock.now().toISOString(),
        actor: { role: 'system', id: 'notify' },
        what: 'notice_failed',
        detail: { kind: f.notice.kind, error: f.error, attempts: f.attempts, notice: f.notice },
      }),
  });
  await recordMailDeliveries(deps.store, c.caseId, deps.clock.now().toISOString(), delivery);
}

const isFinal = (p: Phase) => FINAL_PHASES.includes(p);

// ---------------------------------------------------------------------------------------------- tasks

/** "Screen Case": art. 4 / art. 8 / art. 9(2) pre-checks; moves a received case to dispatch or acceptance. */
/** Sends the hand-over of a case and closes it as transferred; throws when the peer did not file it. */
export async function handOverCase(deps: LifecycleTaskDeps, c: CaseRecord): Promise<CaseRecord> {
  const h = deps.handover;
  const to = c.routing?.jurisdiction;
  if (!h || !to?.code) throw new Error('hand-over not configured for this case');
  const target = { code: to.code, name: to.name };
  const config = 'load' in h.config ? await h.config.load() : h.config;
  // Loaded on the first hand-over only: most deployments have no peer, and a screening needs none (issue 26).
  const { sendHandover, withHandoverRetries } = await import('./handover');
  const sender = { config, jurisdiction: jurisdictionOf(deps, c.jurisdiction), store: deps.store, clock: deps.clock, ...(h.blobs ? { blobs: h.blobs } : {}), ...(h.fetch ? { fetch: h.fetch } : {}) };
  const receipt = await withHandoverRetries(
    () => sendHandover(sender, c, target),
    h.attempts ?? 1,
    h.backoffMs ?? 1000,
    (attempt, err) => deps.logger?.warn('hand-over attempt failed', { caseId: c.caseId, to: target.code, attempt, code: (err as { code?: unknown }).code }),
  );
  deps.logger?.info('case handed over', { caseId: c.caseId, to: to.code, trackingNo: receipt.trackingNo, duplicate: receipt.duplicate });
  return transition(deps, c.caseId, (cur) => handOver(cur, lifecycleContext(deps, cur), receipt.to, receipt.trackingNo, receipt.handoverId));
}

/**
 * Sends a parked hand-over again (dead letter of kind `handover`): closes the case as transferred and completes the
 * task the case waits in (it was screened locally meanwhile), so its execution moves on to the end. Idempotent: a
 * case already transferred answers with its receipt; the receiver files a second delivery as a replay.
 */
export async function handOverParked(deps: LifecycleTaskDeps, caseId: string): Promise<{ caseId: string; trackingNo: string }> {
  const c = await load(deps, caseId);
  if (c.outcome?.kind === 'transferred') return { caseId: c.outcome.trackingNo, trackingNo: c.outcome.trackingNo };
  const token = c.waiting?.taskToken;
  const done = await handOverCase(deps, c);
  if (token)
    await deps.workflow.sendTaskSuccess(token, { phase: done.phase }).catch((err: unknown) => deps.logger?.warn('waiting task not completed after hand-over', { caseId, error: errorName(err) }));
  const o = done.outcome;
  if (o?.kind !== 'transferred') throw new Error('hand-over not recorded');
  return { caseId: o.trackingNo, trackingNo: o.trackingNo };
}

/** A case routing confidently gave to a jurisdiction with a configured deployment. */
export const handOverTarget = (deps: Pick<LifecycleTaskDeps, 'handover'>, c: CaseRecord): boolean =>
  c.routing?.kind === 'other_jurisdiction' && c.routing.confident && !c.outcome && (deps.handover?.config.peers ?? []).some((p) => p.jurisdiction === c.routing?.jurisdiction?.code);

export async function screenCase(deps: LifecycleTaskDeps, payload: unknown): Promise<PhaseResult> {
  const { caseId: id } = CasePayload.parse(payload);
  if (deps.handover) {
    const c = await load(deps, id);
    if ((c.phase === 'received' || c.phase === 'screening') && handOverTarget(deps, c)) {
      try {
        const done = await handOverCase(deps, c);
        return { phase: done.phase };
      } catch (err) {
        deps.logger?.warn('hand-over failed; screened locally, kept to retry', { caseId: id, error: errorName(err), code: (err as { code?: unknown }).code });
        if (deps.handover.park) await deps.handover.park(c, err);
      }
    }
  }
  const stored = await transition(deps, id, async (c) => {
    if (c.phase !== 'received' && c.phase !== 'screening') return null;
    if (deps.indexForDuplicates) await deps.indexForDuplicates(c);
    return screen(c, lifecycleContext(deps, c));
  });
  return { phase: stored.phase };
}

/**
 * "Prepare <Phase> Wait": the next wake-up (a reminder not yet sent or the due time not yet marked overdue)
 * as an absolute instant and as seconds from the Clock's now. No deadline (or a wake-up beyond the cap):
 * wake up after MAX_WAIT_SECONDS, find nothing due, wait again.
 */
export async function prepareWait(deps: LifecycleTaskDeps, payload: unknown): Promise<WaitPlan> {
  const { caseId: id, step } = StepPayload.parse(payload);
  const c = await load(deps, id);
  const now = deps.clock.now().getTime();
  const cap = now + MAX_WAIT_SECONDS * 1000;
  let wakeMs = cap;
  if (c.phase === step) {
    const wake = nextWakeUp(c, lifecycleContext(deps, c));
    if (wake !== undefined) wakeMs = Math.min(Date.parse(wake), cap);
  } else {
    // An action landed before the wait began: the await task completes at once.
    wakeMs = now;
  }
  const timeoutSeconds = Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.ceil((wakeMs - now) / 1000)));
  return { phase: c.phase, timeoutSeconds, wakeUpAt: new Date(wakeMs).toISOString() };
}

/**
 * "Await <Phase> …" (callback task): stores the task token, the allowed actions and the due time on the case,
 * on condition that the case still is in the step. If an action landed first, completes the callback at once
 * with `{ phase }` so the machine routes on.
 */
export async function awaitAction(deps: LifecycleTaskDeps, payload: unknown): Promise<AwaitResult> {
  const { caseId: id, step, taskToken } = AwaitPayload.parse(payload);
  let moved = false;
  const stored = await mutateCase(deps.store, id, (c) => {
    moved = c.phase !== step;
    if (moved || c.waiting?.taskToken === taskToken) return null;
    const ctx = lifecycleContext(deps, c);
    // The phase's own clock is shown; after the conclusion the reminder is the next one of any running part.
    const deadline = currentDeadline(c);
    const dueAt = deadline?.dueAt;
    const remindAt = nextReminder(c, ctx);
    const record: CaseRecord = {
      ...c,
      updatedAt: ctx.now.toISOString(),
      waiting: {
        step,
        taskToken,
        allowedActions: allowedActions(c),
        ...(dueAt ? { dueAt } : {}),
        ...(deadline?.provisional ? { dueProvisional: true } : {}),
        ...(remindAt ? { remindAt } : {}),
        since: ctx.now.toISOString(),
      },
    };
    return { record, events: [] };
  });
  if (moved) {
    await deps.workflow.sendTaskSuccess(taskToken, { phase: stored.phase });
    return { phase: stored.phase, waiting: false };
  }
  return { phase: stored.phase, waiting: true };
}

/**
 * "Handle <Phase> Deadline" (after States.Timeout): the reminder or the overdue mark and escalation. Nothing
 * when the case left the step meanwhile, or when nothing is due yet (a capped wait).
 */
export async function handleDeadline(deps: LifecycleTaskDeps, payload: unknown): Promise<PhaseResult> {
  const { caseId: id, step } = StepPayload.parse(payload);
  let becameOverdue: string[] = [];
  const stored = await transition(deps, id, (c) => {
    if (c.phase !== step) return null;
    const ctx = lifecycleContext(deps, c);
    const wake = nextWakeUp(c, ctx);
    if (wake === undefined || Date.parse(wake) > ctx.now.getTime()) return null;
    const t = onWaitTimeout(c, ctx);
    const wasOverdue = new Set(c.deadlines.filter((d) => d.overdueAt).map((d) => `${d.clock}@${d.startedAt}`));
    becameOverdue = t.record.deadlines.filter((d) => d.overdueAt && !wasOverdue.has(`${d.clock}@${d.startedAt}`)).map((d) => d.clock);
    return t;
  });
  // One count per overdue mark (the metric infra/constructs/observability.ts alarms on) and one line for the log.
  if (becameOverdue.length > 0) deps.metrics?.count(OVERDUE_METRIC, becameOverdue.length);
  for (const clock of becameOverdue) deps.logger?.warn('case overdue', { caseId: id, clock, jurisdiction: stored.jurisdiction });
  return { phase: stored.phase };
}

/** "Archive Case" (art. 18): the archive record and event (once), then the immutable archive file of the whole case. */
export async function archiveCase(deps: LifecycleTaskDeps, payload: unknown): Promise<PhaseResult> {
  const { caseId: id } = CasePayload.parse(payload);
  const stored = await transition(deps, id, (c) => (c.phase === 'archived' && !c.archive?.at ? archive(c, lifecycleContext(deps, c)) : null));
  if (stored.phase !== 'archived' || !stored.archive?.at || stored.archive.sha256) return { phase: stored.phase };
  if (!deps.archiveBlobs) {
    warnNoArchiveStoreOnce(deps);
    return { phase: stored.phase };
  }
  const archived = await storeArchive(deps, deps.archiveBlobs, stored);
  return { phase: archived.phase };
}

const warnedWithoutArchiveStore = new WeakSet<object>();
function warnNoArchiveStoreOnce(deps: LifecycleTaskDeps): void {
  const key: object = deps.logger ?? deps;
  if (warnedWithoutArchiveStore.has(key)) return;
  warnedWithoutArchiveStore.add(key);
  deps.logger?.warn('archive store not configured: cases are archived without an archive file (archive.ref unset)', {});
}

/**
 * Writes the archive file, then records its reference and hash on the case, in that order: a crash in between
 * leaves a case without `archive.sha256` (still open for `isOpen`), whose retry builds the same bytes from the
 * unchanged case and timeline and writes them again under the same key. Only if the case changed in between
 * (version moved) is the file rebuilt from the new state and written again.
 */
async function storeArchive(deps: LifecycleTaskDeps, blobs: BlobStore, first: CaseRecord, attempts = 3): Promise<CaseRecord> {
  let c = first;
  for (let attempt = 1; ; attempt++) {
    const at = Date.parse(c.archive!.at);
    const [timeline, audit] = await Promise.all([deps.store.timeline(c.caseId), deps.store.auditTrail(c.caseId)]);
    // The audit trail up to the archiving: later reads of the archived case must not change a retry's bytes.
    const bundle = buildArchiveBundle(
      c,
      timeline,
      audit.filter((a) => Date.parse(a.at) <= at),
    );
    const blob = await blobs.put(archiveKey(c), new TextEncoder().encode(bundle.json), ARCHIVE_CONTENT_TYPE);
    if (blob.sha256 !== bundle.sha256) throw new Error(`archive store returned sha256 ${blob.sha256} for a file of sha256 ${bundle.sha256}`);
    const record: CaseRecord = { ...c, updatedAt: deps.clock.now().toISOString(), archive: { ...c.archive!, ref: blob.ref, sha256: bundle.sha256 } };
    try {
      const done = await deps.store.update(record, c.version, []);
      deps.logger?.info('case archive stored', { caseId: c.caseId, ref: blob.ref, sha256: bundle.sha256, bytes: blob.size });
      return done;
    } catch (err) {
      if (!(err instanceof ConcurrentUpdateError) || attempt >= attempts) throw err;
      const fresh = await load(deps, c.caseId);
      if (fresh.archive?.sha256 || fresh.phase !== 'archived' || !fresh.archive?.at) return fresh;
      c = fresh;
    }
  }
}

/** "Record Failure": makes a failed execution visible on the case timeline (no personal data: error names only). */
export async function recordFailure(deps: LifecycleTaskDeps, payload: unknown): Promise<{ recorded: boolean }> {
  const { caseId: id, error } = FailurePayload.parse(payload);
  deps.logger?.error('life-cycle execution failed', { caseId: id, error: error?.Error });
  if (!id) return { recorded: false };
  const c = await deps.store.get(id);
  if (!c) return { recorded: false };
  const at = deps.clock.now().toISOString();
  await mutateCase(deps.store, id, (current) => ({
    record: { ...current, updatedAt: at },
    events: [
      {
        at,
        type: 'workflow_failed',
        actor: SYSTEM_ACTOR,
        phase: current.phase,
        summary: '自动流程处理出错，投诉件停留在当前环节，需系统管理员处理。',
        data: { error: error?.Error ?? 'unknown', cause: (error?.Cause ?? '').slice(0, 500) },
      },
    ],
  }));
  return { recorded: true };
}

/**
 * Whether a case still has a life cycle to run (used when resuming after a restart and by the reconciler): any
 * phase but the final ones, and an archived case whose archive file is not recorded yet (`archive.sha256`).
 */
export function isOpen(c: CaseRecord): boolean {
  return !isFinal(c.phase) || (c.phase === 'archived' && (!c.archive?.at || !c.archive.sha256));
}

// ---------------------------------------------------------------------------------------------- wiring

export interface LifecycleTasks {
  screenCase(payload: unknown): Promise<PhaseResult>;
  prepareWait(payload: unknown): Promise<WaitPlan>;
  awaitAction(payload: unknown): Promise<AwaitResult>;
  handleDeadline(payload: unknown): Promise<PhaseResult>;
  archiveCase(payload: unknown): Promise<PhaseResult>;
  recordFailure(payload: unknown): Promise<{ recorded: boolean }>;
}

export function lifecycleTasks(deps: LifecycleTaskDeps): LifecycleTasks {
  return {
    screenCase: (p) => screenCase(deps, p),
    prepareWait: (p) => prepareWait(deps, p),
    awaitAction: (p) => awaitAction(deps, p),
    handleDeadline: (p) => handleDeadline(deps, p),
    archiveCase: (p) => archiveCase(deps, p),
    recordFailure: (p) => recordFailure(deps, p),
  };
}

/**
 * The ASL's `${Substitution}` for each task function, and the task behind it. CDK substitutes the Lambda
 * ARNs (DefinitionBody.fromFile); the in-process engine maps the same names to these tasks.
 */
export const TASK_FUNCTION_SUBSTITUTIONS = {
  ScreenCaseFunctionArn: 'screenCase',
  PrepareWaitFunctionArn: 'prepareWait',
  AwaitActionFunctionArn: 'awaitAction',
  HandleDeadlineFunctionArn: 'handleDeadline',
  ArchiveCaseFunctionArn: 'archiveCase',
  RecordFailureFunctionArn: 'recordFailure',
} as const satisfies Record<string, keyof LifecycleTasks>;
export type TaskFunctionSubstitution = keyof typeof TASK_FUNCTION_SUBSTITUTIONS;
