/**
 * Dead letters: deliveries that could not become a case after the retries, kept where staff can see them and
 * replay them (`tousu dead-letters list|replay ID`). Nothing accepted is ever dropped: an intake that fails for
 * a reason other than bad input (DynamoDB throttling, Step Functions unavailable, a bug) is stored here with the
 * canonical intake itself, and a replay submits it again through the intake core, which is idempotent on the
 * source key (so a replay after a later redelivery makes no second case).
 *
 * Single table, pk prefix `DLQ#` (docs/data-model.md): item `DLQ#<id>` / `DLQ`; listing through gsi1 with the
 * owner's own prefix: `DLQ#<jurisdiction>#<status>` / `<at UTC>#<id>`.
 *
 * Kinds:
 * - `intake`: the canonical intake is kept (`payload`); replay = submit it again.
 * - `handover`: a case to hand over to another jurisdiction's deployment whose peer did not file it (down, refused);
 *   the case itself holds everything (`caseId`); replay = send the hand-over again (idempotent on the receiver).
 * - `orphan_claim`: the reconciler found a claim without a case (the delivery died between its writes and the
 *   source never redelivered it); the intake itself is not known, so replay only checks whether a redelivery
 *   has since made the case, and otherwise says that the source must redeliver it.
 *
 * Logs and errors here carry ids, kinds and error names only, never the intake (personal data).
 */
import { createHash } from 'node:crypto';
import { CanonicalIntake } from '../domain/intake';
import type { DeadLetter } from '../domain/dead-letter';
import type { DeadLetterStore, Submit, SubmitOptions } from '../ports/dead-letters';
import type { ReplayOutcome } from '../ports/recovery';
import { IntakeBusyError, NotFoundError, TousuError, ValidationError, errorName, isTousuError } from '../domain/errors';
import type { CaseStore, Clock, Counters, Logger } from '../ports';
import { METRICS } from './metrics';
export { DEAD_LETTER_KINDS, DEAD_LETTER_STATUSES, DeadLetter } from '../domain/dead-letter';
export type { DeadLetterPage, DeadLetterStore, Submit, SubmitOptions } from '../ports/dead-letters';
export type { ReplayOutcome } from '../ports/recovery';

/** Stable id of a dead letter: one per kind and source key. */
export function deadLetterId(kind: DeadLetter['kind'], sourceKey: string): string {
  return createHash('sha256').update(`${kind}\n${sourceKey}`).digest('hex').slice(0, 32);
}

export function errorSummary(err: unknown): DeadLetter['error'] {
  if (isTousuError(err)) return { name: err.name, code: err.code };
  return { name: errorName(err) };
}

// ---------------------------------------------------------------------------------------------- services

export type DeadLetterLogger = Pick<Logger, 'warn' | 'error'>;

export interface DeliverDeps {
  submit: Submit;
  deadLetters: DeadLetterStore;
  clock: Clock;
  jurisdiction: string;
  logger?: DeadLetterLogger;
  /** Counts each parked intake (METRICS.deadLetterParked). */
  metrics?: Counters;
}

export type DeliverOutcome = { outcome: 'case'; caseId: string; duplicate: boolean } | { outcome: 'dead_letter'; deadLetterId: string; error: DeadLetter['error'] };

/**
 * Submits one canonical intake; bad input (ValidationError) is thrown to the adapter (it is reported to the
 * sender, never parked); any other failure parks the intake as a dead letter and returns its id. Only when the
 * dead-letter write fails too is the original error thrown, so that the source retries the delivery.
 */
export async function deliverOrDeadLetter(deps: DeliverDeps, input: unknown, opts: SubmitOptions = {}): Promise<DeliverOutcome> {
  try {
    const r = await deps.submit(input as CanonicalIntake, opts);
    return { outcome: 'case', caseId: r.caseId, duplicate: r.duplicate === true };
  } catch (err) {
    return { outcome: 'dead_letter', ...(await park(deps, input, opts, err)) };
  }
}

/** Parks a failed intake or rethrows `err` (bad input, or the dead-letter write failed too). */
async function park(deps: Omit<DeliverDeps, 'submit'>, input: unknown, opts: SubmitOptions, err: unknown): Promise<{ deadLetterId: string; error: DeadLetter['error'] }> {
  const parsed = CanonicalIntake.safeParse(input);
  if (err instanceof ValidationError || !parsed.success) throw err;
  const intake = parsed.data;
  const error = errorSummary(err);
  const at = deps.clock.now().toISOString();
  const id = deadLetterId('intake', intake.sourceKey);
  try {
    await deps.deadLetters.record({
      id,
      kind: 'intake',
      jurisdiction: intake.jurisdiction ?? deps.jurisdiction,
      sourceKey: intake.sourceKey,
      channel: intake.channel,
      firstFailedAt: at,
      at,
      error,
      payload: intake,
      ...(opts.actor ? { actor: opts.actor } : {}),
    });
  } catch (dlqErr) {
    deps.logger?.error('dead letter could not be written', { deadLetterId: id, error: error.name, dlqError: errorSummary(dlqErr).name });
    throw err;
  }
  deps.metrics?.count(METRICS.deadLetterParked);
  deps.logger?.warn('intake parked as dead letter', { deadLetterId: id, channel: intake.channel, error: error.name, code: error.code });
  return { deadLetterId: id, error };
}

/**
 * The intake was not filed but parked as a dead letter (kept, visible to `tousu dead-letters list`, replayable).
 * Thrown by `parkingSubmit` so that an adapter whose contract is "a case or an error" can tell the sender that
 * the delivery is accepted (HTTP 202, SMTP 250) without a case number yet.
 */
export class IntakeParkedError extends TousuError {
  override readonly name = 'IntakeParkedError';
  readonly code = 'intake_parked';
  readonly status = 202;
  constructor(
    readonly deadLetterId: string,
    readonly cause_: DeadLetter['error'],
  ) {
    super('系统暂时无法立案，投诉内容已妥善保存，系统恢复后将自动或由工作人员重新提交立案，无需重复提交。');
  }
}

/**
 * Wraps a submit function (the intake core with its ports, or `submitIntake` itself for the staff service): what
 * fails for a reason other than bad input is parked through the dead-letter store and IntakeParkedError is thrown;
 * bad input and a failed dead-letter write are thrown as they are (the source retries). The result type is the
 * wrapped function's, so it drops in where `submitIntake` was called.
 */
export function parkingSubmit<R>(
  deps: Omit<DeliverDeps, 'submit'>,
  submit: (intake: CanonicalIntake, opts: SubmitOptions) => Promise<R>,
): (intake: CanonicalIntake, opts?: SubmitOptions) => Promise<R> {
  return async (intake, opts = {}) => {
    try {
      return await submit(intake, opts);
    } catch (err) {
      // A push-back is no failure to keep: nothing was stored, and the sender retries (HTTP 503, SMTP 451).
      if (err instanceof IntakeBusyError) throw err;
      const parked = await park(deps, intake, opts, err);
      throw new IntakeParkedError(parked.deadLetterId, parked.error);
    }
  };
}

export interface ReplayDeps {
  submit: Submit;
  /** Sends a parked hand-over again (kind `handover`) and closes the case as transferred; the receiver's case id. */
  handOver?: (caseId: string) => Promise<{ caseId: string; trackingNo: string }>;
  deadLetters: DeadLetterStore;
  store: CaseStore;
  clock: Clock;
  logger?: DeadLetterLogger;
}

/** Replays one dead letter. Idempotent: a resolved one answers with its case; an intake already filed gives the same case. */
export async function replayDeadLetter(deps: ReplayDeps, id: string): Promise<ReplayOutcome> {
  const dl = await deps.deadLetters.get(id);
  if (!dl) throw new NotFoundError(`未找到死信 ${id}。`);
  const at = deps.clock.now().toISOString();
  if (dl.status === 'resolved') {
    return { id, ok: true, caseId: dl.resolution?.caseId ?? '', duplicate: true, note: '已处理过。' };
  }
  if (dl.kind === 'orphan_claim') {
    const c = dl.caseId ? await deps.store.get(dl.caseId) : undefined;
    if (c) {
      await deps.deadLetters.resolve(id, at, { caseId: c.caseId, note: '来源已重新投递，投诉件已建立。' });
      return { id, ok: true, caseId: c.caseId, duplicate: true, note: '来源已重新投递，投诉件已建立。' };
    }
    const error = { name: 'RedeliveryRequired', code: 'redelivery_required' };
    await deps.deadLetters.retried(id, at, error);
    return { id, ok: false, error, note: '此来源的投递在写入途中中断，系统中没有其内容：请从来源（邮件服务器、12345平台、上传目录）重新投递，重新投递不会产生重复件。' };
  }
  if (dl.kind === 'handover') {
    if (!deps.handOver || !dl.caseId) {
      const error = { name: 'HandoverNotConfigured', code: 'handover_not_configured' };
      await deps.deadLetters.retried(id, at, error);
      return { id, ok: false, error, note: '此处未配置移交（对方地址与密钥），无法重发；部署在 AWS 时，对账任务（reconciler）每 15 分钟自动重发。' };
    }
    try {
      const r = await deps.handOver(dl.caseId);
      const note = `已移交，对方受理编号 ${r.trackingNo}。`;
      await deps.deadLetters.resolve(id, at, { caseId: r.caseId, note });
      return { id, ok: true, caseId: r.caseId, duplicate: false, note };
    } catch (err) {
      const error = errorSummary(err);
      await deps.deadLetters.retried(id, at, error);
      return { id, ok: false, error, note: '移交仍未成功（对方系统未接收），请稍后再试。' };
    }
  }
  if (!dl.payload) {
    const error = { name: 'PayloadMissing', code: 'payload_missing' };
    await deps.deadLetters.retried(id, at, error);
    return { id, ok: false, error, note: '死信中没有可重放的内容。' };
  }
  try {
    const r = await deps.submit(dl.payload, dl.actor ? { actor: dl.actor } : {});
    await deps.deadLetters.resolve(id, at, { caseId: r.caseId, note: r.duplicate ? '重放时发现已立案（幂等）。' : '重放成功，已立案。' });
    return { id, ok: true, caseId: r.caseId, duplicate: r.duplicate === true, note: r.duplicate ? '重放时发现已立案（幂等）。' : '重放成功，已立案。' };
  } catch (err) {
    const error = errorSummary(err);
    await deps.deadLetters.retried(id, at, error);
    deps.logger?.warn('dead letter replay failed', { deadLetterId: id, error: error.name, code: error.code });
    return { id, ok: false, error, note: error.code === 'intake_in_progress' ? '同一来源正在处理中，请两分钟后再重放。' : '重放仍失败，请稍后再试或联系系统管理员。' };
  }
}

/** Replays every open dead letter of a jurisdiction (oldest first), or those of one kind only. */
export async function replayAll(deps: ReplayDeps, jurisdiction: string, only?: { kind: DeadLetter['kind'] }): Promise<ReplayOutcome[]> {
  const out: ReplayOutcome[] = [];
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.deadLetters.list({ jurisdiction, status: 'open', limit: 100, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.filter((e) => !only || e.kind === only.kind).map((e) => e.id));
    cursor = page.cursor;
  } while (cursor);
  for (const id of ids) out.push(await replayDeadLetter(deps, id));
  return out;
}
