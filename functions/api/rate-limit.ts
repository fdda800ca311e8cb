/**
 * Rate limits and guessing back-offs of the HTTP API (Hono middleware), in memory per process (one Lambda
 * container, or the embedded runtime). On AWS this is the second line: API Gateway stage throttling and a WAF
 * rate-based rule are the first (they see every container); this one still stops one client hammering one
 * container and, above all, guessing of query codes and passwords. Values come from functions/api/limits.ts.
 *
 * - Every method counts: a route is limited by its path, so HEAD (which Hono answers with the GET handler) and
 *   OPTIONS cost the same as GET or POST.
 * - POST /api/complaints: per client address and minute.
 * - Status look-up (/api/complaints/:caseId, /status?caseId=…): per client address and minute; a wrong code (a
 *   404) costs the address a growing wait for that case and, past a higher count, for every case. The rightful
 *   complainant asking from another address is never refused because someone else guessed.
 * - /api/auth/*: per client address and minute; wrong passwords back off in the login route (LoginThrottle).
 *
 * Counters are Maps bounded by `maxTrackedKeys` (oldest dropped first), so memory stays bounded under a flood.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { DEFAULT_HTTP_LIMITS, proxyMatcher, resolveClientAddress } from './limits';
import type { Backoff, HttpLimits } from './limits';
import { statusForm } from './form-body';

interface Bucket {
  windowStart: number;
  count: number;
}

function evictOldest(map: Map<string, unknown>, maxKeys: number): void {
  while (map.size >= maxKeys) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) return;
    map.delete(oldest);
  }
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
      evictOldest(this.buckets, this.maxKeys);
      this.buckets.set(key, b);
    }
    b.count += 1;
    return b.count;
  }

  get size(): number {
    return this.buckets.size;
  }
}

interface Failures {
  count: number;
  lastAt: number;
  blockedUntil: number;
}

/**
 * Failures per key with a growing wait: `freeFailures` free, then first, 2×first, 4×first … up to max seconds
 * during which the key is refused; forgotten `forgetAfterSeconds` after its last failure; cleared by a success.
 */
export class FailureBackoff {
  private readonly entries = new Map<string, Failures>();
  constructor(
    private readonly b: Backoff,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds `key` must still wait (0: it may try now). */
  waitMs(key: string, now: number): number {
    const e = this.live(key, now);
    return e ? Math.max(0, e.blockedUntil - now) : 0;
  }

  fail(key: string, now: number): void {
    const e = this.live(key, now) ?? { count: 0, lastAt: now, blockedUntil: 0 };
    e.count += 1;
    e.lastAt = now;
    const over = e.count - this.b.freeFailures;
    if (over >= 0) e.blockedUntil = now + Math.min(this.b.maxDelaySeconds, this.b.firstDelaySeconds * 2 ** Math.min(over, 30)) * 1000;
    this.entries.delete(key);
    evictOldest(this.entries, this.maxKeys);
    this.entries.set(key, e);
  }

  clear(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string, now: number): Failures | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (now - e.lastAt >= this.b.forgetAfterSeconds * 1000 && now >= e.blockedUntil) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }
}

/** A pair of back-offs: per (client address, subject) and per client address across subjects. */
export class GuessThrottle {
  private readonly perSubject: FailureBackoff;
  private readonly perAddress: FailureBackoff;
  constructor(perSubject: Backoff, perAddress: Backoff, maxKeys: number) {
    this.perSubject = new FailureBackoff(perSubject, maxKeys);
    this.perAddress = new FailureBackoff(perAddress, maxKeys);
  }

  /** Seconds the address must wait before it may try `subject` again (0: now). */
  retryAfterSeconds(address: string, subject: string, now: number): number {
    const ms = Math.max(this.perSubject.waitMs(`${address}\u0000${subject}`, now), this.perAddress.waitMs(address, now));
    return ms > 0 ? Math.max(1, Math.ceil(ms / 1000)) : 0;
  }

  fail(address: string, subject: string, now: number): void {
    this.perSubject.fail(`${address}\u0000${subject}`, now);
    this.perAddress.fail(address, now);
  }

  /** The right answer from this address: its count for this subject starts again (the per-address count stays). */
  succeed(address: string, subject: string): void {
    this.perSubject.clear(`${address}\u0000${subject}`);
  }
}

const CLIENT_ADDRESS = 'tousu.clientAddress';

/** The TCP peer as the platform saw it: API Gateway's sourceIp, or the socket's remote address locally. */
function peerAddress(c: Context): string {
  const env = c.env as { requestContext?: { http?: { sourceIp?: string } }; incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.requestContext?.http?.sourceIp ?? env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

/** Middleware that resolves the client address once per request (trusted proxies only) for the limiters. */
export function clientAddressMiddleware(trustedProxies: readonly string[]): MiddlewareHandler {
  const trusted = proxyMatcher(trustedProxies);
  return async (c, next) => {
    c.set(CLIENT_ADDRESS as never, resolveClientAddress(peerAddress(c), c.req.header('x-forwarded-for'), trusted) as never);
    await next();
  };
}

/** The client address of a request (set by clientAddressMiddleware; the bare peer without it). */
export function clientAddress(c: Context): string {
  const set = c.get(CLIENT_ADDRESS as never) as unknown;
  return typeof set === 'string' ? set : peerAddress(c);
}

function wantsHtml(c: Context): boolean {
  const accept = c.req.header('accept') ?? '';
  return accept.includes('text/html') && !accept.includes('application/json');
}

/** 429 with Retry-After; a page for a browser posting without JavaScript, JSON otherwise. */
export function tooMany(c: Context, retryAfter: number, message: string): Response {
  c.header('Retry-After', String(retryAfter));
  c.header('Cache-Control', 'no-store');
  if (wantsHtml(c)) {
    return c.html(`<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求过于频繁</title><p>${message}</p></html>`, 429);
  }
  return c.json({ code: 'rate_limited', message, retryAfterSeconds: retryAfter }, 429);
}

/** "5 分钟" / "30 秒": how long to wait, for people. */
export function waitText(seconds: number): string {
  return seconds >= 60 ? `${Math.ceil(seconds / 60)} 分钟` : `${seconds} 秒`;
}

const LOOKUP_PATH = /^\/api\/complaints\/([^/]+)\/?$/;

export interface RateLimitOptions {
  /** Milliseconds since the epoch (tests move it). */
  now?: () => number;
}

/** The middleware; mount it with `app.use('*', publicRateLimit(limits))` BEFORE the routes. */
export function publicRateLimit(limits: HttpLimits = DEFAULT_HTTP_LIMITS, opts: RateLimitOptions = {}): MiddlewareHandler {
  const now = opts.now ?? Date.now;
  const maxKeys = limits.maxTrackedKeys;
  const complaints = new WindowCounter(60_000, maxKeys);
  const lookups = new WindowCounter(60_000, maxKeys);
  const logins = new WindowCounter(60_000, maxKeys);
  const wrongCodes = new GuessThrottle(limits.lookups.wrongCodesPerCase, limits.lookups.wrongCodesPerAddress, maxKeys);

  return async (c, next) => {
    const path = c.req.path;
    const ip = clientAddress(c);
    const t = now();

    if (path === '/api/complaints' || path === '/api/complaints/') {
      if (complaints.hit(ip, t) > limits.complaints.perMinute) return tooMany(c, complaints.retryAfter(ip, t), '提交过于频繁，请稍后再试。');
      return next();
    }
    if (path.startsWith('/api/auth/')) {
      if (logins.hit(ip, t) > limits.login.perMinute) return tooMany(c, logins.retryAfter(ip, t), '登录请求过于频繁，请稍后再试。');
      return next();
    }

    const m = LOOKUP_PATH.exec(path);
    const statusPath = path === '/status' || path === '/status/';
    // The status form posts its fields (the query code never travels in a URL); Hono keeps the parsed body for the route.
    const caseId = m ? safeDecode(m[1]!) : statusPath ? (c.req.method === 'POST' ? ((await statusForm(c)).caseId ?? '') : c.req.query('caseId')?.trim()) : undefined;
    if (caseId === undefined) return next();
    if (lookups.hit(ip, t) > limits.lookups.perMinute) return tooMany(c, lookups.retryAfter(ip, t), '查询过于频繁，请稍后再试。');
    if (!caseId) return next();
    const caseKey = caseId.slice(0, 64);
    const wait = wrongCodes.retryAfterSeconds(ip, caseKey, t);
    if (wait > 0) return tooMany(c, wait, `查询码错误次数过多，为保护投诉人信息已暂停从本网络查询，请 ${waitText(wait)}后再试。`);
    await next();
    // A wrong code (or an unknown id) answers 404: it costs the address that sent it, nobody else.
    if (c.res.status === 404) wrongCodes.fail(ip, caseKey, t);
    else if (c.res.status === 200) wrongCodes.succeed(ip, caseKey);
  };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Wrong passwords, per (client address, user name as typed) and per address: the same for a known and an unknown
 * name (the throttle never asks whether the account exists), and never a lock that another address could trigger.
 */
export class LoginThrottle {
  private readonly throttle: GuessThrottle;
  private readonly now: () => number;
  constructor(limits: HttpLimits['login'] = DEFAULT_HTTP_LIMITS.login, maxKeys = DEFAULT_HTTP_LIMITS.maxTrackedKeys, now: () => number = Date.now) {
    this.throttle = new GuessThrottle(limits.wrongPasswordsPerAccount, limits.wrongPasswordsPerAddress, maxKeys);
    this.now = now;
  }

  private static subject(username: string): string {
    return username.trim().toLowerCase().slice(0, 128);
  }

  /** Seconds before this address may try this name again (0: now). */
  retryAfterSeconds(address: string, username: string): number {
    return this.throttle.retryAfterSeconds(address, LoginThrottle.subject(username), this.now());
  }

  fail(address: string, username: string): void {
    this.throttle.fail(address, LoginThrottle.subject(username), this.now());
  }

  succeed(address: string, username: string): void {
    this.throttle.succeed(address, LoginThrottle.subject(username));
  }
}
