/**
 * The API Lambda loads its staff side on the first staff request (functions/api/lazy-routes.ts, issue 26 item 5).
 * Held here: every route the staff module mounts answers through the lazy dispatcher exactly as when mounted at once
 * (same status, body and security headers), no public route is taken by the dispatcher, and the staff module is
 * loaded once, by the first staff request only, and again after a failed load.
 */
import { jest } from '@jest/globals';
import { Hono } from 'hono';
import { createApp } from '../../functions/api/app';
import { apiFromEnv, mountApiRoutes } from '../../functions/api/aws-staff';
import { STAFF_PATHS, mountLazyRoutes } from '../../functions/api/lazy-routes';

const saved = { ...process.env };
const ENV = {
  TABLE_NAME: 'tousu-test',
  STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:case',
  EVIDENCE_BUCKET: 'evidence',
  JURISDICTION: '510921',
  MAIL_MODE: 'ses',
  COGNITO_USER_POOL_ID: 'us-east-1_Example1',
  COGNITO_CLIENT_ID: 'console-client',
  AWS_REGION: 'us-east-1',
};

/** A concrete path for a route pattern: `:channel{letter|box}` → `letter`, `:id` → `a…a`, `*` → `x`. */
const concrete = (pattern: string) =>
  pattern
    .replace(/:\w+\{([^}|]+)[^}]*\}/g, '$1')
    .replace(/:\w+/g, 'a'.repeat(32))
    .replace(/\*/g, 'x');

function apps(load = jest.fn()) {
  const parts = apiFromEnv({ ...saved, ...ENV });
  const eager = createApp({ deps: parts.deps, extraRoutes: (a) => mountApiRoutes(a, parts) });
  const lazy = createApp({
    deps: parts.deps,
    extraRoutes: (a) =>
      mountLazyRoutes(a, STAFF_PATHS, {
        trustedProxies: parts.deps.limits!.trustedProxies,
        load: async () => {
          load();
          return (sub) => mountApiRoutes(sub, parts);
        },
      }),
  });
  const publicOnly = createApp({ deps: parts.deps });
  const staffRoutes = (() => {
    const probe = new Hono();
    mountApiRoutes(probe, parts);
    return [...new Set(probe.routes.map((r) => `${r.method === 'ALL' ? 'GET' : r.method} ${r.path}`))];
  })();
  return { eager, lazy, publicOnly, staffRoutes, load };
}

test('every staff route answers through the lazy dispatcher as when mounted at once', async () => {
  const { eager, lazy, staffRoutes } = apps();
  expect(staffRoutes.length).toBeGreaterThan(30);
  for (const route of staffRoutes) {
    const [method, pattern] = route.split(' ') as [string, string];
    const path = concrete(pattern);
    const init = method === 'GET' ? { method } : { method, headers: { 'content-type': 'application/json' }, body: '{}' };
    const [a, b] = [await eager.request(path, init), await lazy.request(path, init)];
    const view = async (r: Response) => ({ route, status: r.status, body: await r.text(), csp: r.headers.get('content-security-policy'), cache: r.headers.get('cache-control') });
    // A path the dispatcher missed would answer the main application's 404 here, not the route's answer.
    expect(await view(b)).toEqual(await view(a));
  }
});

test('no public route is taken by the staff dispatcher', async () => {
  const { publicOnly } = apps();
  const probe = new Hono();
  for (const p of STAFF_PATHS) probe.all(p, (c) => c.text('staff'));
  const publicRoutes = publicOnly.routes.filter((r) => r.method !== 'ALL');
  expect(publicRoutes.length).toBeGreaterThan(4);
  for (const r of publicRoutes) {
    const res = await probe.request(concrete(r.path), { method: r.method });
    expect(`${r.method} ${r.path}: ${res.status}`).toBe(`${r.method} ${r.path}: 404`);
  }
});

test('the staff module loads with the first staff request only, once, and again after a failed load', async () => {
  const { lazy, load } = apps();
  expect((await lazy.request('/')).status).toBe(200);
  expect((await lazy.request('/status')).status).toBe(200);
  expect((await lazy.request('/static/tousu-form.js')).status).toBe(200);
  expect(load).not.toHaveBeenCalled();
  expect((await lazy.request('/api/me')).status).toBe(401);
  expect((await lazy.request('/api/cases')).status).toBe(401);
  expect(load).toHaveBeenCalledTimes(1);

  let fail = true;
  const app = new Hono();
  app.onError((_e, c) => c.text('failed', 500));
  mountLazyRoutes(app, ['/x'], {
    trustedProxies: [],
    load: async () => {
      if (fail) throw new Error('chunk missing');
      return (sub) => sub.get('/x', (c) => c.text('ok'));
    },
  });
  expect(await (await app.request('/x')).text()).toBe('failed');
  fail = false;
  expect(await (await app.request('/x')).text()).toBe('ok');
});

afterAll(() => {
  process.env = saved;
});
