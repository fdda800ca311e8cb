/**
 * Rate limits of the public routes (Hono middleware), in memory per process (one Lambda container, or the
 * embedded runtime). On AWS this is the second line: API Gateway stage throttling and a WAF rate-based rule are
 * the first (they see every container); this one still stops one client hammering one container and, above all,
 * query-code guessing, which it counts per case id across client addresses.
 *
 * - POST /api/complaints: per client address (default 20 per minute).
 * - Status look-up (GET /api/complaints/:caseId, GET /status?caseId=…): per client address (default 60 per
 *   minute), and FAILED look-ups per case id (default 10 per hour, whoever asks): a query code has 40 bits, so
 *   10 guesses an hour make guessing hopeless; the rightful complainant retries after the window.
 *
 * Client address: API Gateway's `requestContext.http.sourceIp`, or the socket's remote address in the embedded
 * runtime. `X-Forwarded-For` is ignored unless `trustForwardedFor` (a proxy of our own in front).
 * Buckets are fixed windows in a Map bounded by `maxKeys` (oldest dropped first), so memory stays bounded
 * under a flood of addresses.
 */
import type { Context, MiddlewareHandler } from 'hono';

export interface RateLimitOptions {
  complaintsPerMinute?: number;
  lookupsPerMinute?: number;
  failedLookupsPerCasePerHour?: number;
  maxKeys?: number;
  trustForwardedFor?: boolean;
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

interface Bucket {
  windowStart: number;
  count: number;
}

/** Fixed-window counters with a bounded number of keys. */
export class WindowCounter {
  private readonly buckets = new Map<string, Bucket>();
  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Current count of `key` (0 when its window has passed). */
  peek(key: string, now: number): number {
    const b = this.buckets.get(key);
    return b && now - b.windowStart < this.windowMs ? b.count : 0;
  }

  /** Seconds until `key`'s window ends. */
  retryAfter(key: string, now: number): number {
    const b = this.buckets.get(key);
    return b ? Math.max(1, Math.ceil((b.windowStart + this.windowMs - now) / 1000)) : 1;
  }

  hit(key: string, now: number): number {
    let b = this.buckets.get(key);
    if (!b || now - b.windowStart >= this.windowMs) {
      this.buckets.delete(key);
      b = { windowStart: now, count: 0 };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
      this.buckets.set(key, b);
    }
    b.count += 1;
    return b.count;
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** The client's address as the platform saw it (never a header the client can set, unless trusted). */
export function clientAddress(c: Context, trustForwardedFor = false): string {
  if (trustForwardedFor) {
    const xff = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (xff) return xff;
  }
  const env = c.env as { requestContext?: { http?: { sourceIp?: string } }; incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

function wantsHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

function tooMany(c: Context, retryAfter: number, message: string): Response {
  c.header('Retry-After', String(retryAfter));
  if (wantsHtml(c)) {
    return c.html(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求过于频繁</title><p>${message}</p></html>`, 429);
  }
  return c.json({ code: 'rate_limited', message, retryAfterSeconds: retryAfter }, 429);
}

const LOOKUP_PATH = /^\/api\/complaints\/([^/]+)$/;

/** The middleware; mount it with `app.use('*', publicRateLimit())` BEFORE the public routes. */
export function publicRateLimit(opts: RateLimitOptions = {}): MiddlewareHandler {
  const now = opts.now ?? Date.now;
  const maxKeys = opts.maxKeys ?? 50_000;
  const complaints = new WindowCounter(60_000, maxKeys);
  const lookups = new WindowCounter(60_000, maxKeys);
  const failures = new WindowCounter(3_600_000, maxKeys);
  const complaintsMax = opts.complaintsPerMinute ?? 20;
  const lookupsMax = opts.lookupsPerMinute ?? 60;
  const failuresMax = opts.failedLookupsPerCasePerHour ?? 10;

  return async (c, next) => {
    const method = c.req.method;
    const path = c.req.path;
    const ip = clientAddress(c, opts.trustForwardedFor === true);
    const t = now();

    if (method === 'POST' && path === '/api/complaints') {
      if (complaints.hit(ip, t) > complaintsMax) return tooMany(c, complaints.retryAfter(ip, t), '提交过于频繁，请稍后再试。');
      return next();
    }

    const m = method === 'GET' ? LOOKUP_PATH.exec(path) : null;
    const caseId = m ? decodeURIComponent(m[1]!) : method === 'GET' && path === '/status' ? c.req.query('caseId')?.trim() : undefined;
    if (!caseId) return next();
    if (lookups.hit(ip, t) > lookupsMax) return tooMany(c, lookups.retryAfter(ip, t), '查询过于频繁，请稍后再试。');
    const caseKey = caseId.slice(0, 64);
    if (failures.peek(caseKey, t) >= failuresMax) {
      return tooMany(c, failures.retryAfter(caseKey, t), '该受理编号的查询码错误次数过多，为保护投诉人信息已暂停查询，请一小时后再试。');
    }
    await next();
    // A wrong code (or an unknown id) answers 404: count it against the case id, whoever asked.
    if (c.res.status === 404) failures.hit(caseKey, t);
  };
}
