/**
 * The embedded runtime's admin endpoint as a Hono app (infra/local/admin-app.ts, issue 16): the key check before
 * any route, the answers of the CLI's routes and the error mapping, on real local accounts (SQLite in memory, the
 * embedded composition root's storage). The socket itself and the routes end to end are covered by
 * test/unit/private-data-dir.test.ts and the runtime e2e tests (runtime-calendar, runtime-restart, runtime-dead-letters,
 * runtime-workorder).
 */
import { createAdminApp } from '../../infra/local/admin-app';
import type { AdminAppDeps } from '../../infra/local/admin-app';
import { openEmbeddedStorage } from '../../infra/local/composition';
import type { EmbeddedStorage } from '../../infra/local/composition';
import type { Recovery } from '../../infra/local/recovery';
import { composeJurisdiction } from '../../shared/composition/jurisdiction';

const KEY = 'a'.repeat(64);

describe('admin endpoint (Hono sub-app)', () => {
  let storage: EmbeddedStorage;
  let app: ReturnType<typeof createAdminApp>;
  const said: string[] = [];
  const reconciled: unknown[] = [];

  beforeEach(() => {
    storage = openEmbeddedStorage({});
    const { jurisdiction, calendar, rules } = composeJurisdiction('510903');
    const recovery = {
      listDeadLetters: async (status: string) => ({ items: [], smtp: [], status }),
      replay: async (id: string) => ({ id, ok: true, caseId: 'c1', duplicate: true, note: '已处理过。' }),
      replayAll: async () => ({ store: [], smtp: [] }),
      reconcile: async (o: unknown) => (reconciled.push(o), { findings: [] }),
    } as unknown as Recovery;
    const deps: AdminAppDeps = {
      adminKey: KEY,
      jurisdiction,
      users: storage.users,
      status: () => ({ running: true }),
      backupTo: async (path) => ({ path, bytes: 1 }),
      calendarAdmin: { store: storage.store, clock: { now: () => new Date('2026-03-02T09:00:00+08:00') }, calendar, rules, jurisdiction, saveYear: async () => undefined },
      evaluation: { facts: storage.facts, rules, clock: { now: () => new Date('2026-03-02T09:00:00+08:00') } },
      recovery,
      logger: { error: () => undefined, say: (text) => void said.push(text) },
    };
    app = createAdminApp(deps);
  });
  afterEach(() => storage.close());

  const call = (method: string, path: string, body?: string, key: string | null = KEY) =>
    app.request(path, {
      method,
      headers: { ...(key !== null ? { 'x-tousu-admin-key': key } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body } : {}),
    });

  it('refuses every path, known or not, without the admin key or with another one (401)', async () => {
    for (const [method, path] of [
      ['GET', '/admin/status'],
      ['GET', '/admin/users'],
      ['POST', '/admin/reconcile'],
      ['GET', '/nothing'],
    ] as const) {
      for (const key of [null, '', 'b'.repeat(64), KEY.slice(1)]) {
        const r = await call(method, path, undefined, key);
        expect([path, r.status, await r.json()]).toEqual([path, 401, { message: '管理密钥无效。' }]);
      }
    }
  });

  it('answers the CLI routes with their statuses', async () => {
    expect((await call('GET', '/admin/status')).status).toBe(200);
    const added = await call('POST', '/admin/users', JSON.stringify({ username: 'li', role: 'agency', password: 'a-long-password-1' }));
    expect(added.status).toBe(201);
    expect(said).toEqual(['已创建账户 li（agency）']);
    expect(((await (await call('GET', '/admin/users')).json()) as { items: { username: string }[] }).items.map((u) => u.username)).toEqual(['li']);
    expect((await call('POST', '/admin/backup', JSON.stringify({ destination: '/tmp/x.db' }))).status).toBe(201);
    expect((await call('POST', '/admin/backup', JSON.stringify({ destination: 'relative.db' }))).status).toBe(400);
    expect((await call('GET', '/admin/dead-letters?status=resolved')).status).toBe(200);
    expect((await call('GET', '/admin/dead-letters?status=other')).status).toBe(400);
    expect((await call('POST', '/admin/dead-letters/replay', JSON.stringify({ id: 'not-hex' }))).status).toBe(400);
    expect(await (await call('POST', '/admin/dead-letters/replay', JSON.stringify({ id: 'a'.repeat(32) }))).json()).toMatchObject({ store: [{ id: 'a'.repeat(32) }], smtp: [] });
    expect((await call('POST', '/admin/reconcile', JSON.stringify({ thresholdMs: -1 }))).status).toBe(400);
    expect((await call('POST', '/admin/reconcile', '')).status).toBe(200);
    expect(reconciled).toEqual([{ dryRun: false }]);
    expect((await call('POST', '/admin/reports/evaluation', JSON.stringify({ quarter: '2026-1' }))).status).toBe(400);
    expect((await call('POST', '/admin/reports/evaluation', JSON.stringify({ quarter: '2026Q1' }))).status).toBe(200);
  });

  it('maps errors as the node:http router did: bad JSON 400, a TousuError its status and problems, unknown 404, 12345 loop off 409', async () => {
    expect(await (await call('POST', '/admin/users', '{not json')).json()).toEqual({ message: '请求内容不是有效的 JSON。' });
    const invalid = await call('POST', '/admin/users', JSON.stringify({ username: 'x', role: 'agency', password: 'short' }));
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ code: 'validation_failed', errors: expect.any(Array) });
    const missing = await call('GET', '/admin/nothing');
    expect([missing.status, await missing.json()]).toEqual([404, { message: 'not found' }]);
    for (const path of ['/admin/workorders', '/admin/workorders/replay']) {
      const r = await call(path.endsWith('replay') ? 'POST' : 'GET', path);
      expect([r.status, ((await r.json()) as { code: string }).code]).toEqual([409, 'workorder_outbound_not_configured']);
    }
    expect((await call('POST', '/admin/users', 'x'.repeat(70 * 1024))).status).toBe(500);
  });
});
