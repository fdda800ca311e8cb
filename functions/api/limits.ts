/**
 * Abuse limits of the HTTP API: rates, back-offs, body sizes and the proxies whose X-Forwarded-For is believed.
 * ONE schema for both hosts: the embedded runtime reads it from `<data-dir>/tousu.config.json` (`"limits"`), the
 * AWS deployment from `config/deploy/<code>.json` (`"api": { "limits": … }`, validated at synth and handed to the
 * Lambda as `HTTP_LIMITS`). Every field has today's value as its default, so `{}` is the documented behaviour
 * (docs/limits.md).
 *
 * Guessing costs the guesser: wrong passwords and wrong query codes slow down the client address that sends them
 * (per address and account or case, and per address across accounts or cases), with a growing wait answered 429
 * and Retry-After. Nothing here locks an account or a case for everyone, so an attacker elsewhere can never keep
 * the owner out.
 */
import { EVIDENCE_LIMITS } from '../../shared/domain/evidence-limits';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import * as z from 'zod';

/** One growing wait: `freeFailures` tries, then waits of first, 2×first, 4×first … up to max; forgotten after a quiet spell. */
export const Backoff = z
  .object({
    /** Failures allowed before the first wait. */
    freeFailures: z.number().int().min(1).max(100_000),
    /** The first wait (seconds); each further failure doubles it. */
    firstDelaySeconds: z.number().int().min(1).max(86_400),
    /** The longest wait (seconds). */
    maxDelaySeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 86_400),
    /** Seconds without a failure after which the count starts again from zero. */
    forgetAfterSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400),
  })
  .strict()
  .refine((b) => b.maxDelaySeconds >= b.firstDelaySeconds, { message: 'maxDelaySeconds must not be below firstDelaySeconds', path: ['maxDelaySeconds'] });
export type Backoff = z.infer<typeof Backoff>;

/** An IPv4 or IPv6 address, optionally with a prefix length (CIDR): `10.0.0.0/8`, `::1`, `fd00::/8`. */
const ProxyRange = z.string().refine((s) => parseRange(s) !== undefined, { message: 'an IP address or CIDR range, e.g. 10.0.0.5 or 10.0.0.0/8' });

const perMinute = (d: number) => z.number().int().min(1).max(10_000_000).default(d);
const bytes = (d: number, max: number) => z.number().int().min(1024).max(max).default(d);

const MB = 1024 * 1024;

/**
 * Evidence a citizen may attach on the public form (shared/domain/evidence-limits.ts EVIDENCE_LIMITS are today's defaults): files,
 * bytes per file and in all, and the whole request with the form fields. Each cap at most the next one.
 */
export const EvidenceLimits = z
  .object({
    maxFiles: z.number().int().min(1).max(20).default(EVIDENCE_LIMITS.maxFiles),
    maxFileBytes: bytes(EVIDENCE_LIMITS.maxFileBytes, 64 * MB),
    maxTotalBytes: bytes(EVIDENCE_LIMITS.maxTotalBytes, 64 * MB),
    maxRequestBytes: bytes(EVIDENCE_LIMITS.maxRequestBytes, 70 * MB),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.maxFileBytes > e.maxTotalBytes) ctx.addIssue({ code: 'custom', path: ['maxFileBytes'], message: `单个文件上限（${e.maxFileBytes}）不能大于合计上限 maxTotalBytes（${e.maxTotalBytes}）` });
    if (e.maxTotalBytes >= e.maxRequestBytes)
      ctx.addIssue({ code: 'custom', path: ['maxTotalBytes'], message: `证明材料合计上限（${e.maxTotalBytes}）须小于整个请求的上限 maxRequestBytes（${e.maxRequestBytes}），表单字段也要占用空间` });
  });
export type EvidenceLimits = z.infer<typeof EvidenceLimits>;

export const HttpLimits = z
  .object({
    /**
     * Peers whose X-Forwarded-For names the client (a reverse proxy or load balancer of our own). Empty (the
     * default): the client is the TCP peer (the socket locally, API Gateway's sourceIp on AWS) and the header is
     * ignored, since anyone can write it.
     */
    trustedProxies: z.array(ProxyRange).max(256).default([]),
    /** Keys each counter keeps (oldest dropped first): memory stays bounded under a flood of addresses. */
    maxTrackedKeys: z.number().int().min(100).max(10_000_000).default(50_000),
    complaints: z
      .object({
        /** POST /api/complaints per client address and minute (any method on the path counts). */
        perMinute: perMinute(20),
      })
      .strict()
      .default({ perMinute: 20 }),
    lookups: z
      .object({
        /** Status look-ups (GET/HEAD/… /api/complaints/:id, /status?caseId=) per client address and minute. */
        perMinute: perMinute(60),
        /** Wrong query codes for one case from one address (a 40-bit code: 10 an hour makes guessing hopeless). */
        wrongCodesPerCase: Backoff.default({ freeFailures: 10, firstDelaySeconds: 60, maxDelaySeconds: 3600, forgetAfterSeconds: 3600 }),
        /** Wrong query codes from one address across all cases. */
        wrongCodesPerAddress: Backoff.default({ freeFailures: 30, firstDelaySeconds: 60, maxDelaySeconds: 3600, forgetAfterSeconds: 3600 }),
      })
      .strict()
      .default({
        perMinute: 60,
        wrongCodesPerCase: { freeFailures: 10, firstDelaySeconds: 60, maxDelaySeconds: 3600, forgetAfterSeconds: 3600 },
        wrongCodesPerAddress: { freeFailures: 30, firstDelaySeconds: 60, maxDelaySeconds: 3600, forgetAfterSeconds: 3600 },
      }),
    login: z
      .object({
        /** Requests to /api/auth/* per client address and minute (any method). */
        perMinute: perMinute(30),
        /** Wrong passwords for one user name from one address (known or unknown names alike). */
        wrongPasswordsPerAccount: Backoff.default({ freeFailures: 5, firstDelaySeconds: 30, maxDelaySeconds: 900, forgetAfterSeconds: 3600 }),
        /** Wrong passwords from one address across all user names. */
        wrongPasswordsPerAddress: Backoff.default({ freeFailures: 20, firstDelaySeconds: 30, maxDelaySeconds: 900, forgetAfterSeconds: 3600 }),
      })
      .strict()
      .default({
        perMinute: 30,
        wrongPasswordsPerAccount: { freeFailures: 5, firstDelaySeconds: 30, maxDelaySeconds: 900, forgetAfterSeconds: 3600 },
        wrongPasswordsPerAddress: { freeFailures: 20, firstDelaySeconds: 30, maxDelaySeconds: 900, forgetAfterSeconds: 3600 },
      }),
    sizes: z
      .object({
        /** POST /api/auth/* bodies. */
        loginBytes: bytes(16 * 1024, 1024 * 1024),
        /** POST /api/cases/:id/actions bodies. */
        actionBytes: bytes(256 * 1024, 6 * 1024 * 1024),
        /** POST /api/intake/email (raw MIME). */
        mailBytes: bytes(30 * 1024 * 1024, 256 * 1024 * 1024),
        /** Evidence on the public form (POST /api/complaints and the form's hint). */
        evidence: EvidenceLimits.default({ ...EVIDENCE_LIMITS }),
      })
      .strict()
      .default({ loginBytes: 16 * 1024, actionBytes: 256 * 1024, mailBytes: 30 * 1024 * 1024, evidence: { ...EVIDENCE_LIMITS } }),
  })
  .strict();
export type HttpLimits = z.infer<typeof HttpLimits>;
export type HttpLimitsInput = z.input<typeof HttpLimits>;

export class LimitsConfigError extends Error {
  override readonly name = 'LimitsConfigError';
}

/** Validates limits (a config file's `limits` object); throws one message naming every bad field. */
export function parseHttpLimits(raw: unknown, where = 'limits'): HttpLimits {
  const r = HttpLimits.safeParse(raw ?? {});
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${[where, ...i.path].join('.')}: ${i.message}`);
    throw new LimitsConfigError(`invalid limits:\n${lines.join('\n')}`);
  }
  return r.data;
}

/** Today's limits. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = HttpLimits.parse({});

// ---------------------------------------------------------------------------------------------- addresses

/** `::ffff:192.0.2.1` (a v4 client on a dual-stack socket) → `192.0.2.1`. */
export function normalizeAddress(addr: string): string {
  const a = addr.trim();
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? m[1]! : a.toLowerCase();
}

function parseRange(s: string): { addr: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [addrRaw, prefixRaw, extra] = s.trim().split('/');
  if (extra !== undefined || !addrRaw) return undefined;
  const addr = normalizeAddress(addrRaw);
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : undefined;
  if (!family) return undefined;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixRaw === undefined) return { addr, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixRaw) || Number(prefixRaw) > max) return undefined;
  return { addr, prefix: Number(prefixRaw), family };
}

/** Membership test of the trusted proxies (node:net BlockList). */
export function proxyMatcher(ranges: readonly string[]): (addr: string) => boolean {
  if (ranges.length === 0) return () => false;
  const list = new BlockList();
  for (const r of ranges) {
    const p = parseRange(r);
    if (!p) throw new LimitsConfigError(`trustedProxies: "${r}" is not an IP address or CIDR range`);
    list.addSubnet(p.addr, p.prefix, p.family);
  }
  return (addr) => {
    const a = normalizeAddress(addr);
    if (isIPv4(a)) return list.check(a, 'ipv4');
    if (isIPv6(a)) return list.check(a, 'ipv6');
    return false;
  };
}

/**
 * The client of a request: the peer, unless the peer is a trusted proxy; then X-Forwarded-For is read from the
 * right (each proxy appends the address it saw), skipping trusted hops, and the first untrusted address is the
 * client. Entries left of it were written by the client and are never believed.
 */
export function resolveClientAddress(peer: string, forwardedFor: string | undefined, trusted: (addr: string) => boolean): string {
  let client = normalizeAddress(peer);
  if (!trusted(client) || !forwardedFor) return client;
  const hops = forwardedFor
    .split(',')
    .map((h) => normalizeAddress(h))
    .filter((h) => h.length > 0);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!isIPv4(hop) && !isIPv6(hop)) return client; // garbage: stop at the last address we could vouch for
    client = hop;
    if (!trusted(hop)) return hop;
  }
  return client;
}
