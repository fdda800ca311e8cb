/**
 * Routes loaded on their first request (issue 26 item 5, the API bundle): the Lambda's cold start mounts the public
 * routes only and, for the staff side, a dispatcher on STAFF_PATHS. The first request to one of them imports the
 * staff module (a chunk of its own), which builds a Hono sub-application with the same error handling, client
 * address and not-found answer as the main one; the sub-application is kept for the container. A failed import
 * is tried again on the next request.
 */
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Logger } from '../../shared/ports';
import { errorResponse } from './app';
import { clientAddressMiddleware } from './rate-limit';

/**
 * Every path of the staff side (functions/api/aws-staff.ts `mountApiRoutes`); test/unit/api-lazy-routes.test.ts
 * checks that each route mounted there is reached through one of them, and that no public route is.
 */
export const STAFF_PATHS = [
  '/api/auth/*',
  '/api/me',
  '/api/cases',
  '/api/cases/*',
  '/api/console/*',
  '/api/admin/*',
  '/api/reports/*',
  '/api/intake/*',
  '/api/evaluation/*',
  '/api/outbox',
  '/api/outbox/*',
  '/api/quarantine',
  '/api/quarantine/*',
  '/console',
  '/console/*',
] as const;

export interface LazyRoutesOptions {
  trustedProxies: readonly string[];
  logger?: Pick<Logger, 'error'>;
  /** Mounts the routes on the sub-application (called once, after the module that holds them is loaded). */
  load: () => Promise<(sub: Hono) => void>;
}

/** The sub-application that `load` mounts, as the main application frames its routes. */
async function subApplication(opts: LazyRoutesOptions): Promise<Hono> {
  const mount = await opts.load();
  const sub = new Hono();
  sub.onError((err, c) => errorResponse(c, err, opts.logger));
  sub.use('*', clientAddressMiddleware(opts.trustedProxies));
  mount(sub);
  sub.notFound((c) => c.json({ code: 'not_found', message: '未找到对应的记录。' }, 404));
  return sub;
}

/** Mounts on `app` a dispatcher for `paths` that hands each request to the lazily built sub-application. */
export function mountLazyRoutes(app: Hono, paths: readonly string[], opts: LazyRoutesOptions): void {
  let sub: Promise<Hono> | undefined;
  const dispatch = async (c: Context): Promise<Response> => {
    sub ??= subApplication(opts).catch((err: unknown) => {
      sub = undefined;
      throw err;
    });
    return (await sub).fetch(c.req.raw, c.env);
  };
  for (const path of paths) app.all(path, dispatch);
}
