/**
 * ONE Hono app for API Gateway (functions/api/index.ts) and the embedded runtime (@hono/node-server). Route
 * modules take their ports as arguments; the runtime adds staff routes and the console through `extraRoutes`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { IntakeBusyError, isTousuError, ValidationError, errorName } from '../../shared/domain/errors';
import type { IntakeDeps } from '../../shared/intake/core';
import type { Logger } from '../../shared/ports';
import { consoleJsonLogger } from '../../shared/adapters/local/console-logger';
import { mountPublicRoutes } from './routes/public';
import { errorPage } from '../../web/pages';
import { secureHeaders } from 'hono/secure-headers';
import { clientAddressMiddleware, publicRateLimit } from './rate-limit';
import type { RateLimitOptions } from './rate-limit';
import { DEFAULT_HTTP_LIMITS } from './limits';
import type { HttpLimits } from './limits';
import { mountStaffIntakeRoutes } from '../staff-intake/routes';
import type { StaffAuthenticator } from '../staff-intake/routes';

import type { HandoverConfig } from '../../shared/domain/handover';
import { HANDOVER_SIGNATURE_HEADER } from '../../shared/domain/handover';
import { receiveHandover } from '../../shared/services/handover';
import { submitIntake } from '../../shared/intake/core';

export interface AppDeps {
  intake: IntakeDeps;
  /** Verifies a staff bearer token (Cognito on AWS, jose locally); enables POST /api/intake/* when given. */
  authenticateStaff?: StaffAuthenticator;
  /**
   * Rates, guessing back-offs, sizes and trusted proxies (functions/api/limits.ts, validated); today's defaults
   * when absent. Always on: a load test raises them by configuration.
   */
  limits?: HttpLimits;
  /**
   * Signed hand-overs from other jurisdictions' deployments (issue 15): enables POST /api/handover. Unset: the
   * route answers 404 (no peer configured). A loader (AWS: the keys in Secrets Manager) is called per request and
   * caches; when it fails the route answers 503 `handover_unavailable` and the sender tries again later.
   */
  handover?: HandoverConfig | (() => Promise<HandoverConfig>);
  /** Where an unhandled error is logged (its name and the path, never the request); default: JSON lines on the console. */
  logger?: Pick<Logger, 'error'>;
  /** Tests only: the limiter's clock. */
  rateLimitClock?: RateLimitOptions['now'];
}

export interface CreateAppOptions {
  deps: AppDeps;
  extraRoutes?: (app: Hono) => void;
}

/** JSON error body of every API route: `{ code, message, errors? }` (errors = field problems for 400). */
export function errorResponse(c: Context, err: unknown, logger: Pick<Logger, 'error'> = consoleJsonLogger): Response | Promise<Response> {
  if (err instanceof IntakeBusyError) {
    // Back-pressure (issue 26): the client retries after the measured time; a browser posting the form gets a page.
    c.header('Retry-After', String(err.retryAfterSeconds));
    const accept = c.req.header('accept') ?? '';
    if (accept.includes('text/html') && !accept.includes('application/json')) return c.html(errorPage('系统繁忙', err.message), 503);
    return c.json({ code: err.code, message: err.message, retryAfterSeconds: err.retryAfterSeconds }, 503);
  }
  if (isTousuError(err)) {
    const body = { code: err.code, message: err.message, ...(err instanceof ValidationError ? { errors: err.problems } : {}) };
    return c.json(body, err.status as 400);
  }
  logger.error('unhandled error', { error: errorName(err), path: c.req.path });
  // A citizen posting the form without JavaScript gets a page, never raw JSON.
  const accept = c.req.header('accept') ?? '';
  if (accept.includes('text/html') && !accept.includes('application/json')) {
    return c.html(errorPage('系统繁忙', '系统暂时无法处理您的请求，您填写的内容没有丢失：请返回上一页稍后再提交；如多次失败，请拨打 12345 反映。'), 500);
  }
  return c.json({ code: 'internal', message: '系统繁忙，请稍后再试。' }, 500);
}

export function createApp(opts: CreateAppOptions): Hono {
  const app = new Hono();
  app.onError((err, c) => errorResponse(c, err, opts.deps.logger));
  const limits = opts.deps.limits ?? DEFAULT_HTTP_LIMITS;
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
      // For browsers that predate CSP frame-ancestors.
      xFrameOptions: 'DENY',
      referrerPolicy: 'no-referrer',
    }),
  );
  // Case data, query codes and tokens must never sit in a shared or browser cache; a route that may be cached
  // (the form script, console assets) says so itself.
  app.use('*', async (c, next) => {
    await next();
    if (!c.res.headers.has('cache-control')) c.header('Cache-Control', 'no-store');
  });
  app.use('*', clientAddressMiddleware(limits.trustedProxies));
  app.use('*', publicRateLimit(limits, opts.deps.rateLimitClock ? { now: opts.deps.rateLimitClock } : {}));
  mountPublicRoutes(app, opts.deps.intake, limits.sizes.evidence);
  const handover = opts.deps.handover;
  if (handover) {
    const intakeDeps = opts.deps.intake;
    app.post('/api/handover', async (c) => {
      const raw = await c.req.text();
      let config: HandoverConfig;
      try {
        config = typeof handover === 'function' ? await handover() : handover;
      } catch (err) {
        // The function's logger (Powertools on Lambda, the runtime's log locally): the error's name and code only.
        (opts.deps.logger ?? consoleJsonLogger).error('hand-over keys not loaded', { error: errorName(err), code: (err as { code?: unknown }).code });
        return c.json({ code: 'handover_unavailable', message: '本系统暂时无法校验移交（密钥未能读取），请稍后重试。' }, 503);
      }
      const r = await receiveHandover(
        { config, jurisdiction: intakeDeps.jurisdiction, ...(intakeDeps.blobs ? { blobs: intakeDeps.blobs } : {}), clock: intakeDeps.clock, submit: (i, o) => submitIntake(intakeDeps, i, o) },
        raw,
        c.req.header(HANDOVER_SIGNATURE_HEADER),
      );
      return c.json({ caseId: r.caseId, status: r.status, duplicate: r.duplicate }, r.duplicate ? 200 : 201);
    });
  }
  if (opts.deps.authenticateStaff) mountStaffIntakeRoutes(app, { intake: opts.deps.intake, authenticate: opts.deps.authenticateStaff });
  opts.extraRoutes?.(app);
  app.notFound((c) => c.json({ code: 'not_found', message: '未找到对应的记录。' }, 404));
  return app;
}
