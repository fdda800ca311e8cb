/**
 * The signed hand-over of a complaint to another jurisdiction's deployment (issue 15 item 4, art. 9(1)).
 *
 * The sender signs the canonical JSON of the envelope (keys sorted at every level, no whitespace; see
 * `canonicalJson`) with HMAC-SHA256 under a key shared by the pair of deployments; the header names the key id,
 * so keys rotate (the receiver accepts every key listed for the peer, the sender signs with `signWith`). The
 * receiver verifies before it parses anything further and files the intake idempotently with the hand-over id
 * as its source key. Pure: no I/O here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { CanonicalIntake } from './intake';
import { ConfigError, TousuError } from './errors';

export const HANDOVER_SIGNATURE_HEADER = 'x-tousu-handover-signature';
export const HANDOVER_VERSION = 1;

/** Keys sorted at every level, no whitespace, `undefined` members dropped (as JSON.stringify does). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const s = JSON.stringify(value);
    return s === undefined ? 'null' : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const code = z.string().regex(/^\d{6}(-[A-Z]{1,8})?$/);
const instant = z.iso.datetime({ offset: true });

export const HandoverEvidence = z.object({
  filename: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  kind: z.enum(['evidence', 'signed_form', 'letter_scan', 'slip_scan']).optional(),
  /** The file's bytes, base64. */
  base64: z.string(),
});
export type HandoverEvidence = z.infer<typeof HandoverEvidence>;

export const HandoverEnvelope = z.object({
  version: z.literal(HANDOVER_VERSION),
  /** Unique per hand-over: `<from>:<caseId>`; the receiver's idempotency key. */
  id: z.string().min(1).max(200),
  from: z.object({ code, name: z.string().min(1).max(200) }),
  to: z.object({ code, name: z.string().min(1).max(200) }),
  sentAt: instant,
  /** The sender's case (its tracking number). */
  caseId: z.string().min(1).max(128),
  /** When the complaint first reached a government body (the sender): kept for the record only. */
  originalReceivedAt: instant,
  intake: CanonicalIntake,
  evidence: z.array(HandoverEvidence).max(50),
  /** The sender's timeline up to the hand-over, as it was shown there. */
  timeline: z.array(z.object({ at: instant, type: z.string().max(64), summary: z.string().max(2000) })).max(500),
  /** Why the sender decided it is the receiver's (the routing reason). */
  reason: z.string().max(1000),
});
export type HandoverEnvelope = z.infer<typeof HandoverEnvelope>;

// ---------------------------------------------------------------------------------------------- configuration

const keyMaterial = z.string().min(32, { message: '共享密钥至少 32 个字符（建议 openssl rand -hex 32 生成）。' }).max(512);

export const HandoverPeer = z.object({
  /** The other deployment's jurisdiction code (e.g. 510921). */
  jurisdiction: code,
  /** Its hand-over endpoint, e.g. http://127.0.0.1:8081/api/handover or the other stack's API URL. */
  url: z.url({ protocol: /^https?$/, message: '移交地址应为 http(s):// 开头的完整地址。' }),
  /** Keys shared with this peer, by id; the receiver accepts each of them (rotation). */
  keys: z.array(z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { message: '密钥编号只能由字母、数字、点、下划线和连字符组成（1 到 64 个字符）。' }), secret: keyMaterial })).min(1),
  /** The key id this deployment signs with when it sends to the peer. */
  signWith: z.string().min(1).max(64),
  /** Request timeout in milliseconds (default 10000). */
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
});
export type HandoverPeer = z.infer<typeof HandoverPeer>;

export const HandoverConfig = z.object({ peers: z.array(HandoverPeer).max(20) }).superRefine((cfg, ctx) => {
  const seen = new Set<string>();
  cfg.peers.forEach((p, i) => {
    if (seen.has(p.jurisdiction)) ctx.addIssue({ code: 'custom', path: ['peers', i, 'jurisdiction'], message: `辖区 ${p.jurisdiction} 重复配置。` });
    seen.add(p.jurisdiction);
    if (!p.keys.some((k) => k.id === p.signWith)) ctx.addIssue({ code: 'custom', path: ['peers', i, 'signWith'], message: `签名密钥编号 ${p.signWith} 不在该辖区的密钥列表中。` });
    const ids = p.keys.map((k) => k.id);
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['peers', i, 'keys'], message: '密钥编号重复。' });
  });
});
export type HandoverConfig = z.infer<typeof HandoverConfig>;

/** Validates the `handover` configuration; a Chinese ConfigError naming the field otherwise. */
export function parseHandoverConfig(input: unknown, where = 'handover'): HandoverConfig {
  const r = HandoverConfig.safeParse(input);
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) => ({ field: [where, ...i.path].join('.'), code: 'invalid_handover_config', message: i.message }));
  throw new ConfigError(problems, `移交配置 ${problems[0]!.field} 无效：${problems[0]!.message}`);
}

// ---------------------------------------------------------------------------------------------- signature

/** Why a hand-over was refused (HTTP 401 for the signature, 400/422 for the content). */
export class HandoverRejectedError extends TousuError {
  override readonly name = 'HandoverRejectedError';
  constructor(
    readonly code: 'handover_signature_missing' | 'handover_signature_invalid' | 'handover_unknown_peer' | 'handover_unknown_key' | 'handover_wrong_recipient' | 'handover_invalid',
    message: string,
    readonly status: number = 401,
  ) {
    super(message);
  }
}

const hmac = (secret: string, body: string): string => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

/** The body to send (canonical JSON) and the header value `kid=<id>,sig=<hex>`. */
export function signHandover(envelope: HandoverEnvelope, key: { id: string; secret: string }): { body: string; signature: string } {
  const body = canonicalJson(envelope);
  return { body, signature: `kid=${key.id},sig=${hmac(key.secret, body)}` };
}

function parseSignature(header: string | undefined): { kid: string; sig: string } {
  if (!header) throw new HandoverRejectedError('handover_signature_missing', '移交请求缺少签名，未予接收。');
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const kid = parts.kid;
  const sig = parts.sig;
  if (!kid || !sig || !/^[a-f0-9]{64}$/.test(sig)) throw new HandoverRejectedError('handover_signature_invalid', '移交请求的签名格式不正确，未予接收。');
  return { kid, sig };
}

/**
 * Verifies the signature of a raw body against the peer named in it and this deployment's code; returns the
 * envelope. The sender's code is read from the body before the check only to choose the key; nothing else is
 * trusted before the signature holds.
 */
export function verifyHandover(raw: string, signatureHeader: string | undefined, cfg: HandoverConfig, ownCode: string): HandoverEnvelope {
  const { kid, sig } = parseSignature(signatureHeader);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HandoverRejectedError('handover_invalid', '移交内容不是有效的 JSON，未予接收。', 400);
  }
  const fromCode = (parsed as { from?: { code?: unknown } } | null)?.from?.code;
  const peer = cfg.peers.find((p) => p.jurisdiction === fromCode);
  if (!peer) throw new HandoverRejectedError('handover_unknown_peer', '发送方辖区未在本系统的移交配置中登记，未予接收。');
  const key = peer.keys.find((k) => k.id === kid);
  if (!key) throw new HandoverRejectedError('handover_unknown_key', `签名密钥编号 ${kid.slice(0, 64)} 未在本系统登记，未予接收。`);
  const expected = Buffer.from(hmac(key.secret, raw), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex'))) throw new HandoverRejectedError('handover_signature_invalid', '移交请求签名校验失败，内容可能被篡改或密钥不一致，未予接收。');
  const env = HandoverEnvelope.safeParse(parsed);
  if (!env.success) throw new HandoverRejectedError('handover_invalid', `移交内容格式不正确（${env.error.issues[0]!.path.join('.')}），未予接收。`, 400);
  if (env.data.to.code !== ownCode) throw new HandoverRejectedError('handover_wrong_recipient', `该移交的接收辖区是 ${env.data.to.code}，不是本系统（${ownCode}）。`, 422);
  return env.data;
}

// ---------------------------------------------------------------------------------------------- AWS deployment

const keyId = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { message: '密钥编号只能由字母、数字、点、下划线和连字符组成（1 到 64 个字符）。' });

/**
 * The hand-over settings of a stack (`handover` in config/deploy/<code>.json): the peers without their key
 * material, which lives in one Secrets Manager secret (`secretName`, JSON `{ "<key id>": "<secret>" }`), read by
 * the functions at cold start. `attempts` and `backoffMs`: how often screening tries a peer before it parks the
 * hand-over as a dead letter (the reconciler sends it again every run).
 */
export const HandoverDeployConfig = z
  .object({
    secretName: z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, { message: 'Secrets Manager 密钥名称只能含字母、数字和 /_+=.@-。' }),
    peers: z
      .array(
        HandoverPeer.omit({ keys: true }).extend({
          /** Ids of the keys shared with this peer (their material is in the secret under the same ids). */
          keyIds: z.array(keyId).min(1).max(5),
        }),
      )
      .min(1)
      .max(20),
    attempts: z.number().int().min(1).max(5).default(3),
    backoffMs: z.number().int().min(0).max(10_000).default(1000),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.peers.forEach((p, i) => {
      if (seen.has(p.jurisdiction)) ctx.addIssue({ code: 'custom', path: ['peers', i, 'jurisdiction'], message: `辖区 ${p.jurisdiction} 重复配置。` });
      seen.add(p.jurisdiction);
      if (!p.keyIds.includes(p.signWith)) ctx.addIssue({ code: 'custom', path: ['peers', i, 'signWith'], message: `签名密钥编号 ${p.signWith} 不在该辖区的 keyIds 中。` });
      if (new Set(p.keyIds).size !== p.keyIds.length) ctx.addIssue({ code: 'custom', path: ['peers', i, 'keyIds'], message: '密钥编号重复。' });
    });
    // Screening (60 s Lambda timeout) must finish its tries and still screen the case locally.
    const worst = Math.max(...cfg.peers.map((p) => p.timeoutMs)) * cfg.attempts + cfg.backoffMs * (2 ** (cfg.attempts - 1) - 1);
    if (worst > HANDOVER_SEND_BUDGET_MS)
      ctx.addIssue({ code: 'custom', path: ['attempts'], message: `最长移交耗时 ${worst} 毫秒（attempts × timeoutMs + 退避）超过 ${HANDOVER_SEND_BUDGET_MS} 毫秒，请减少 attempts 或 timeoutMs。` });
  });
export type HandoverDeployConfig = z.infer<typeof HandoverDeployConfig>;
export type HandoverDeployConfigInput = z.input<typeof HandoverDeployConfig>;

/** What the tries of one hand-over may take inside the 60 s screening task (the rest screens the case). */
export const HANDOVER_SEND_BUDGET_MS = 45_000;

/** Every key id the secret must hold. */
export const handoverKeyIds = (cfg: Pick<HandoverDeployConfig, 'peers'>): string[] => [...new Set(cfg.peers.flatMap((p) => p.keyIds))].sort();

/** The full hand-over configuration from the deploy settings and the secret's fields (validated). */
export function handoverConfigFromSecret(cfg: Pick<HandoverDeployConfig, 'peers'>, secret: Record<string, string>): HandoverConfig {
  return parseHandoverConfig({ peers: cfg.peers.map(({ keyIds, ...p }) => ({ ...p, keys: keyIds.map((id) => ({ id, secret: secret[id] ?? '' })) })) }, 'handover(secret)');
}
