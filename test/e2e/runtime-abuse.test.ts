/**
 * Abuse costs the abuser, through the real embedded runtime over HTTP: wrong passwords slow down the address
 * that sends them (per address and user name, and per address across names), the same for known and unknown
 * names, never locking the owner out from elsewhere; staff tokens stop at once on logout, when the account is
 * disabled or its role changes. The runtime declares loopback a trusted proxy (tousu.config.json "limits"), so the
 * test can speak for several client addresses through X-Forwarded-For, as a reverse proxy would.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import type { Json } from './runtime-helpers';

const PASSWORD = 'correct-horse-battery';

describe('embedded runtime: login back-off and token revocation', () => {
  let dir: string;
  let rt: Runtime;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-e2e-abuse-'));
    await writeFile(join(dir, 'tousu.config.json'), JSON.stringify({ limits: { trustedProxies: ['127.0.0.1', '::1'] } }));
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true });
    for (const username of ['owner', 'other', 'leaver', 'mover', 'twice']) await rt.users.add({ username, role: 'agency', password: PASSWORD });
  });

  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const call = async (method: string, path: string, opts: { from: string; body?: unknown; token?: string }): Promise<{ status: number; body: Json; headers: Headers }> => {
    const res = await fetch(`${rt.httpUrl}${path}`, {
      method,
      headers: {
        accept: 'application/json',
        'x-forwarded-for': opts.from,
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Json) : undefined, headers: res.headers };
  };
  const login = (from: string, username: string, password: string) => call('POST', '/api/auth/login', { from, body: { username, password } });

  it('five wrong passwords slow down the guessing address; the owner signs in from another address', async () => {
    for (let i = 0; i < 5; i++) expect((await login('198.51.100.1', 'owner', 'wrong-password')).status).toBe(401);
    const refused = await login('198.51.100.1', 'owner', PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(30);
    expect(refused.body).toMatchObject({ code: 'rate_limited', message: '登录失败次数过多，请 30 秒后再试。', retryAfterSeconds: 30 });
    const owner = await login('203.0.113.7', 'owner', PASSWORD);
    expect(owner.status).toBe(200);
    expect(typeof owner.body.token).toBe('string');
  });

  it('an unknown name gets exactly the answers a known one gets (no oracle for which names exist)', async () => {
    const answers = async (from: string, username: string) => {
      const out: { status: number; body: Json }[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await login(from, username, 'wrong-password');
        out.push({ status: r.status, body: r.body });
      }
      return out;
    };
    const known = await answers('198.51.100.2', 'other');
    const unknown = await answers('198.51.100.3', 'nobody-here');
    expect(unknown).toEqual(known);
    expect(known.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('one address trying many names is slowed down after 20 wrong passwords in all', async () => {
    for (let i = 0; i < 20; i++) expect((await login('198.51.100.4', `name-${i}`, 'wrong-password')).status).toBe(401);
    expect((await login('198.51.100.4', 'twice', PASSWORD)).status).toBe(429);
    expect((await login('198.51.100.5', 'twice', PASSWORD)).status).toBe(200);
  });

  it.each(['HEAD', 'OPTIONS', 'GET'])('%s on /api/auth/login reaches no credential check and counts against the per-address rate', async (method) => {
    const from = `198.51.100.${method.length + 10}`;
    for (let i = 0; i < 30; i++) expect((await call(method, '/api/auth/login', { from })).status).toBe(404);
    expect((await login(from, 'twice', PASSWORD)).status).toBe(429);
  });

  it('logout ends the session at once; a new login works', async () => {
    const token = (await login('192.0.2.1', 'twice', PASSWORD)).body.token as string;
    expect((await call('GET', '/api/me', { from: '192.0.2.1', token })).status).toBe(200);
    expect((await call('POST', '/api/auth/logout', { from: '192.0.2.1', token })).status).toBe(204);
    const after = await call('GET', '/api/me', { from: '192.0.2.1', token });
    expect(after.status).toBe(401);
    expect(after.body.message).toMatch(/重新登录/);
    expect((await call('GET', '/api/cases', { from: '192.0.2.1', token })).status).toBe(401);
    const again = (await login('192.0.2.1', 'twice', PASSWORD)).body.token as string;
    expect((await call('GET', '/api/me', { from: '192.0.2.1', token: again })).status).toBe(200);
  });

  it('a disabled account stops at its next request and cannot sign in (the same answer as a wrong password)', async () => {
    const token = (await login('192.0.2.2', 'leaver', PASSWORD)).body.token as string;
    expect((await call('GET', '/api/cases', { from: '192.0.2.2', token })).status).toBe(200);
    await rt.users.setDisabled('leaver', true);
    expect((await call('GET', '/api/cases', { from: '192.0.2.2', token })).status).toBe(401);
    const refused = await login('192.0.2.3', 'leaver', PASSWORD);
    expect(refused.status).toBe(401);
    expect(refused.body.message).toBe('用户名或密码错误。');
    await rt.users.setDisabled('leaver', false);
    expect((await login('192.0.2.3', 'leaver', PASSWORD)).status).toBe(200);
    expect((await call('GET', '/api/cases', { from: '192.0.2.2', token })).status).toBe(401);
  });

  it('a role or department change stops the old token at once; the next login carries the new role', async () => {
    const token = (await login('192.0.2.4', 'mover', PASSWORD)).body.token as string;
    expect((await call('GET', '/api/me', { from: '192.0.2.4', token })).body).toMatchObject({ role: 'agency' });
    await rt.users.setRole(
      'mover',
      'department',
      'SCJGJ',
      rt.jurisdiction.departments.map((d) => d.code),
    );
    expect((await call('GET', '/api/me', { from: '192.0.2.4', token })).status).toBe(401);
    const fresh = (await login('192.0.2.4', 'mover', PASSWORD)).body.token as string;
    expect((await call('GET', '/api/me', { from: '192.0.2.4', token: fresh })).body).toMatchObject({ role: 'department', department: 'SCJGJ' });
  });
});
