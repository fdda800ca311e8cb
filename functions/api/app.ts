/**
 * ONE Hono app for API Gateway (functions/api/index.ts) and the embedded runtime (@hono/node-server). Route
 * modules take their ports as arguments; the runtime adds staff routes and the console through `extraRoutes`.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import { isTousuError, ValidationError } from '../../shared/domain/errors';
import type { IntakeDeps } from '../../shared/intake/core';
import { mountPublicRoutes } from './routes/public';
import { errorPage } from '../../web/pages';
import { publicRateLimit } from './rate-limit';
import type { RateLimitOptions } from './rate-limit';
import { mountStaffIntakeRoutes } from '../staff-intake/routes';
import type { StaffAuthenticator } from '../staff-intake/routes';

export interface AppDeps {
  intake: IntakeDeps;
  /** Verifies a staff bearer token (Cognito on AWS, jose locally); enables POST /api/intake/* when given. */
  authenticateStaff?: StaffAuthenticator;
  /**
   * Limits on the public routes (complaints per client address, status look-ups, query-code guessing per case).
   * On by default; `false` only where something else limits (load benchmarks, replay tests).
   */
  rateLimit?: RateLimitOptions | false;
}

export interface CreateAppOptions {
  deps: AppDeps;
  extraRoutes?: (app: Hono) => void;
}

/** JSON error body of every API route: `{ code, message, errors? }` (errors = field problems for 400). */
export function errorResponse(c: Context, err: unknown): Response | Promise<Response> {
  if (isTousuError(err)) {
    const body = { code: err.code, message: err.message, ...(err instanceof ValidationError ? { errors: err.problems } : {}) };
    return c.json(body, err.status as 400);
  }
  console.error(JSON.stringify({ level: 'ERROR', message: 'unhandled error', error: err instanceof Error ? err.name : 'unknown', path: c.req.path }));
  // A citizen posting the form without JavaScript gets a page, never raw JSON.
  const accept = c.req.header('accept') ?? '';
  if (accept.includes('text/html') && !accept.includes('application/json')) {
    return c.html(errorPage('系统繁忙', '系统暂时无法处理您的请求，您填写的内容没有丢失：请返回上一页稍后再提交；如多次失败，请拨打 12345 反映。'), 500);
  }
  return c.json({ code: 'internal', message: '系统繁忙，请稍后再试。' }, 500);
}

export function createApp(opts: CreateAppOptions): Hono {
  const app = new Hono();
  app.onError((err, c) => errorResponse(c, err));
  app.use('*', async (c, next) => {
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    if (c.res.headers.get('content-type')?.startsWith('text/html')) {
      c.header('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
    }
  });
  if (opts.deps.rateLimit !== false) app.use('*', publicRateLimit(opts.deps.rateLimit ?? {}));
  mountPublicRoutes(app, opts.deps.intake);
  if (opts.deps.authenticateStaff) mountStaffIntakeRoutes(app, { intake: opts.deps.intake, authenticate: opts.deps.authenticateStaff });
  opts.extraRoutes?.(app);
  app.notFound((c) => c.json({ code: 'not_found', message: '未找到对应的记录。' }, 404));
  return app;
}
