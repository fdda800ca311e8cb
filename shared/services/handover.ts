/**
 * Hand-over between deployments (issue 15 item 4): the sender builds and signs the envelope from the case, its
 * evidence bytes and its timeline, and POSTs it to the peer's `/api/handover`; the receiver verifies it, stores
 * the evidence in its own blob store and files the intake through the intake core with the hand-over id as the
 * source key (a second delivery answers with the same case). Used by the embedded runtime and the Lambdas alike.
 * Logs carry ids and codes only.
 */
import { createHash } from 'node:crypto';
import type { BlobStore, CaseStore, Clock } from '../ports';
import type { CaseRecord } from '../domain/case';
import type { CanonicalIntake } from '../domain/intake';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import { HANDOVER_SIGNATURE_HEADER, HANDOVER_VERSION, HandoverRejectedError, signHandover, verifyHandover } from '../domain/handover';
import type { HandoverConfig, HandoverEnvelope, HandoverPeer } from '../domain/handover';
import { TousuError, errorName } from '../domain/errors';
import type { IntakeOptions } from '../intake/core';
import type { DeadLetterStore } from '../ports/dead-letters';
import { deadLetterId, errorSummary } from './dead-letters';

/** The peer deployment for a jurisdiction code, if configured. */
export const peerFor = (cfg: HandoverConfig | undefined, code: string | undefined): HandoverPeer | undefined => (code ? cfg?.peers.find((p) => p.jurisdiction === code) : undefined);

/** The hand-over could not be delivered (peer down, refused, answered badly). */
export class HandoverSendError extends TousuError {
  override readonly name = 'HandoverSendError';
  readonly status = 502;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HandoverSenderDeps {
  config: HandoverConfig;
  jurisdiction: JurisdictionConfig;
  store: Pick<CaseStore, 'timeline'>;
  blobs?: BlobStore;
  clock: Clock;
  fetch?: typeof fetch;
}

export interface HandoverReceipt {
  handoverId: string;
  to: { code: string; name: string };
  trackingNo: string;
  duplicate: boolean;
}

export const handoverIdOf = (from: string, caseId: string): string => `${from}:${caseId}`;

/** Builds the envelope of a case routed to `to` (the intake as received, its evidence bytes, its timeline). */
export async function buildEnvelope(deps: HandoverSenderDeps, c: CaseRecord, to: { code: string; name: string }): Promise<HandoverEnvelope> {
  const evidence = [];
  for (const e of c.intake.evidence) {
    const bytes = deps.blobs ? await deps.blobs.get(e.ref) : undefined;
    if (!bytes) throw new HandoverSendError('handover_evidence_missing', `证据材料 ${e.filename} 无法读取，未移交。`);
    evidence.push({ filename: e.filename, contentType: e.contentType, size: e.size, sha256: e.sha256, ...(e.kind ? { kind: e.kind } : {}), base64: Buffer.from(bytes).toString('base64') });
  }
  const timeline = (await deps.store.timeline(c.caseId)).map((ev) => ({ at: ev.at, type: ev.type, summary: ev.summary }));
  const { unitCode: _local, ...respondent } = c.intake.respondent;
  const { jurisdiction: _j, ...intake } = c.intake;
  return {
    version: HANDOVER_VERSION,
    id: handoverIdOf(deps.jurisdiction.code, c.caseId),
    from: { code: deps.jurisdiction.code, name: deps.jurisdiction.name },
    to,
    sentAt: deps.clock.now().toISOString(),
    caseId: c.caseId,
    originalReceivedAt: c.receivedAt,
    intake: { ...intake, respondent, receivedBy: 'agency' },
    evidence,
    timeline,
    reason: (c.routing?.reason ?? '').slice(0, 1000),
  };
}

/** Sends the hand-over of `c` to the peer of `to.code`; resolves with the receiver's tracking number. */
export async function sendHandover(deps: HandoverSenderDeps, c: CaseRecord, to: { code: string; name: string }): Promise<HandoverReceipt> {
  const peer = peerFor(deps.config, to.code);
  if (!peer) throw new HandoverSendError('handover_no_peer', `未配置${to.name}的系统地址，无法移交。`);
  const key = peer.keys.find((k) => k.id === peer.signWith)!;
  const env = await buildEnvelope(deps, c, to);
  const { body, signature } = signHandover(env, key);
  let res: Response;
  try {
    res = await (deps.fetch ?? fetch)(peer.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', [HANDOVER_SIGNATURE_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(peer.timeoutMs),
    });
  } catch (err) {
    throw new HandoverSendError('handover_unreachable', `${to.name}的系统暂时无法连接（${errorName(err)}），移交将重试。`);
  }
  const text = await res.text();
  let answer: { caseId?: unknown; code?: unknown } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    /* answered below */
  }
  if (!res.ok || typeof answer.caseId !== 'string') {
    throw new HandoverSendError(typeof answer.code === 'string' ? answer.code.slice(0, 64) : `handover_http_${res.status}`, `${to.name}的系统未接收移交（HTTP ${res.status}）。`);
  }
  return { handoverId: env.id, to, trackingNo: answer.caseId, duplicate: (answer as { duplicate?: unknown }).duplicate === true };
}

/** Worth another try: the peer was unreachable, overloaded or failed (5xx, 429); a refusal (4xx, bad signature) is not. */
export function isRetryableHandoverError(err: unknown): boolean {
  if (!(err instanceof HandoverSendError)) return false;
  if (err.code === 'handover_unreachable') return true;
  const m = /^handover_http_(\d{3})$/.exec(err.code);
  return m !== null && (m[1] === '429' || m[1]!.startsWith('5'));
}

/** Runs `send` up to `attempts` times while the failure is retryable, waiting `backoffMs`, then twice that, … */
export async function withHandoverRetries<T>(
  send: () => Promise<T>,
  attempts: number,
  backoffMs: number,
  onFailure?: (attempt: number, err: unknown) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      onFailure?.(attempt, err);
      if (attempt >= attempts || !isRetryableHandoverError(err)) throw err;
      if (backoffMs > 0) await sleep(backoffMs * 2 ** (attempt - 1));
    }
  }
}

/** Keeps a failed hand-over as a dead letter of kind `handover` (one per case; a second failure counts an attempt). */
export function parkHandover(deps: { deadLetters: Pick<DeadLetterStore, 'record'>; clock: Clock; jurisdiction: string }): (c: CaseRecord, error: unknown) => Promise<void> {
  return async (c, error) => {
    const at = deps.clock.now().toISOString();
    const sourceKey = `handover-out:${c.caseId}`;
    await deps.deadLetters.record({
      id: deadLetterId('handover', sourceKey),
      kind: 'handover',
      jurisdiction: deps.jurisdiction,
      sourceKey,
      caseId: c.caseId,
      firstFailedAt: at,
      at,
      error: errorSummary(error),
    });
  };
}

// ---------------------------------------------------------------------------------------------- receiver

export interface HandoverReceiverDeps {
  config: HandoverConfig;
  jurisdiction: JurisdictionConfig;
  blobs?: BlobStore;
  clock: Clock;
  /** The intake core (submitIntake with its deps), idempotent on the source key. */
  submit: (intake: CanonicalIntake, opts: IntakeOptions) => Promise<{ caseId: string; status: string; duplicate: boolean }>;
}

/** The source key of a received hand-over: the hand-over id, so a second delivery is a replay. */
export const handoverSourceKey = (handoverId: string): string => `handover:${handoverId}`.slice(0, 512);

/**
 * Verifies and files a hand-over. The receiver's clock counts: `receivedAt` is now (here), and the original time
 * goes to `handover.originalReceivedAt` and the timeline.
 */
export async function receiveHandover(deps: HandoverReceiverDeps, raw: string, signature: string | undefined): Promise<{ caseId: string; status: string; duplicate: boolean }> {
  const env = verifyHandover(raw, signature, deps.config, deps.jurisdiction.code);
  const evidence = [];
  for (const e of env.evidence) {
    const bytes = Buffer.from(e.base64, 'base64');
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== e.sha256 || bytes.length !== e.size) throw new HandoverRejectedError('handover_invalid', `证据材料 ${e.filename} 的内容与其校验值不符，未予接收。`, 400);
    if (!deps.blobs) throw new HandoverRejectedError('handover_invalid', '本系统未配置证据存储，不能接收带证据的移交。', 500);
    const stored = await deps.blobs.put(`handover/${sha}`, bytes, e.contentType);
    evidence.push({ filename: e.filename, contentType: e.contentType, size: e.size, sha256: e.sha256, ref: stored.ref, ...(e.kind ? { kind: e.kind } : {}) });
  }
  const intake: CanonicalIntake = {
    ...env.intake,
    sourceKey: handoverSourceKey(env.id),
    receivedAt: deps.clock.now().toISOString(),
    jurisdiction: deps.jurisdiction.code,
    receivedBy: 'agency',
    evidence,
  };
  return deps.submit(intake, { handover: { id: env.id, from: env.from, fromCaseId: env.caseId, originalReceivedAt: env.originalReceivedAt, ...(env.reason ? { reason: env.reason } : {}) } });
}
