/**
 * Art. 7(2), the 12345 loop, through the real embedded runtime: `workOrderOutbound` in tousu.config.json (the secret
 * in its own file), a work order filed over the staff intake API and taken through dispatch, acceptance and a
 * substantiated conclusion over HTTP. The platform's receiver (a real HTTP server checking the signature) is down
 * for an hour of the manual clock and the runtime is restarted meanwhile: the reports wait in the SQLite outbox and
 * reach the receiver once it is back. `tousu workorders list|replay|export` against the running runtime; a bad
 * configuration refuses the start; `tousu config validate` names the field.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { verifySignature } from '../../shared/adapters/local/workorder-webhook';
import { WorkOrderReport } from '../../shared/domain/workorder/report';
import { api, freePort, runCli } from './runtime-helpers';
import type { Api } from './runtime-helpers';

const PASSWORD = 'workorder-test-password';
const SECRET = 'shared-secret-with-12345-platform';
const CALLER = { name: '张工单', phone: '13800007777' };
const WORK_ORDER = 'SN12345-20260302-0042';

interface Receiver {
  got: WorkOrderReport[];
  badSignatures: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The 12345 platform's stand-in on a fixed port: checks the signature against the manual clock, answers 204. */
function receiver(port: number, nowS: () => number): Receiver {
  let server: Server | undefined;
  const r: Receiver = {
    got: [],
    badSignatures: 0,
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (!verifySignature(SECRET, req.headers['x-tousu-signature'] as string | undefined, body, nowS())) {
            r.badSignatures++;
            res.writeHead(401).end();
            return;
          }
          const report = WorkOrderReport.parse(JSON.parse(body));
          if (!r.got.some((x) => x.id === report.id)) r.got.push(report);
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((ok) => server!.listen(port, '127.0.0.1', ok));
    },
    async stop() {
      await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
      server = undefined;
    },
  };
  return r;
}

/** `node bin/tousu.js …` as a child process: the CLI reaches the running runtime through its admin socket. */
async function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const r = await runCli(args);
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('12345 work-order reports on the embedded runtime', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  let rx: Receiver;
  let port: number;
  const tokens: Record<string, string> = {};
  let caseId = '';

  const boot = async () => {
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, reconcileEveryMs: 0 });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
  };
  const login = async () => {
    for (const u of ['agency1', 'liaison']) tokens[u] = await http.login(u, PASSWORD);
  };
  const act = async (who: string, body: Record<string, unknown>) => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens[who], body });
    if (r.status !== 200) throw new Error(`${who} ${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-workorder-'));
    port = await freePort();
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday
    rx = receiver(port, () => Math.floor(clock.now().getTime() / 1000));
    await mkdir(join(dir, 'secrets'), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'secrets', 'workorder-webhook.key'), `${SECRET}\n`, { mode: 0o600 });
    await chmod(dir, 0o700);
    // The timer is an hour of wall time: in this test the pump runs after case writes and when asked.
    await writeFile(join(dir, 'tousu.config.json'), JSON.stringify({ workOrderOutbound: { url: `http://127.0.0.1:${port}/12345/reports`, everySeconds: 3600 } }), { mode: 0o600 });
    await boot();
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison', role: 'department', department: 'SCJGJ', password: PASSWORD });
    await login();
  }, 60_000);

  afterAll(async () => {
    await rt?.stop();
    await rx?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('a work order filed and concluded while the platform is down for an hour reaches it after a restart', async () => {
    const filed = await http.call('POST', '/api/intake/workorder', {
      token: tokens.agency1,
      body: {
        workOrderNo: WORK_ORDER,
        createdAt: '2026-03-02T08:30:00+08:00',
        caller: CALLER,
        respondentUnit: '船山区市场监督管理局',
        matter: '12345转来：办理营业执照变更，窗口三次要求补交同一份材料，没有一次性告知。',
      },
    });
    expect(filed.status).toBe(201);
    caseId = filed.body.caseId as string;
    await rt.workflow.idle();
    await act('agency1', { action: 'dispatch', department: 'SCJGJ' });
    await act('liaison', { action: 'accept' });
    await act('liaison', { action: 'classify', kind: 'transfer' });
    await act('liaison', { action: 'conclude', finding: 'substantiated', summary: '经核查属实，已责令窗口一次性告知所需材料。' });
    await rt.workOrders!.run();

    // Down for an hour: every 5 minutes of the clock the pump tries what is due; nothing is delivered, nothing dies.
    const start = clock.now().getTime();
    for (let m = 5; m <= 30; m += 5) {
      await clock.advanceTo(new Date(start + m * 60_000).toISOString());
      expect(await rt.workOrders!.run()).toMatchObject({ delivered: 0, dead: 0 });
    }
    const waiting = await rt.workOrders!.outbox.list('pending');
    expect(waiting.map((x) => x.report.kind).sort()).toEqual(['acceptance', 'result', 'transfer']);
    expect(waiting.every((x) => x.attempts >= 2 && x.lastError?.code === 'ECONNREFUSED')).toBe(true);

    // The runtime restarts in the middle of the outage: the outbox is in the database.
    await rt.stop();
    await boot();
    await login();
    for (let m = 35; m <= 60; m += 5) {
      await clock.advanceTo(new Date(start + m * 60_000).toISOString());
      expect(await rt.workOrders!.run()).toMatchObject({ delivered: 0, dead: 0 });
    }
    expect(await rt.workOrders!.outbox.list('pending')).toHaveLength(3);
    expect(rx.got).toHaveLength(0);

    // Back after an hour: the next due attempt delivers all three, once.
    await rx.start();
    const nextAt = Math.max(...(await rt.workOrders!.outbox.list('pending')).map((x) => Date.parse(x.nextAttemptAt)));
    await clock.advanceTo(new Date(nextAt).toISOString());
    expect(await rt.workOrders!.run()).toMatchObject({ delivered: 3, failed: 0, dead: 0 });
    expect(await rt.workOrders!.run()).toMatchObject({ delivered: 0 });
    expect(rx.badSignatures).toBe(0);
    expect(rx.got.map((x) => x.kind).sort()).toEqual(['acceptance', 'result', 'transfer']);
    const result = rx.got.find((x) => x.kind === 'result')!;
    const record = await rt.store.get(caseId);
    expect(result).toMatchObject({ workOrderNo: WORK_ORDER, trackingNo: record!.trackingNo, outcome: 'concluded', finding: 'substantiated', department: { code: 'SCJGJ' } });
    expect(result.resultText).toContain('一次性告知所需材料');
    expect(JSON.stringify(rx.got)).not.toContain(CALLER.name);
    expect(JSON.stringify(rx.got)).not.toContain(CALLER.phone);
  }, 120_000);

  it('tousu workorders list, export and replay against the running runtime', async () => {
    const listed = await cli(['workorders', 'list', '--data-dir', dir, '--status', 'delivered']);
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(WORK_ORDER);
    expect(listed.out).toContain('已送达');
    expect(listed.out).not.toContain('一次性告知所需材料'); // no result text in a listing
    const csv = await cli(['workorders', 'export', '--format', 'csv', '--data-dir', dir]);
    expect(csv.code).toBe(0);
    expect(csv.out.startsWith('\ufeffid,workOrderNo,')).toBe(true);
    expect(csv.out).toContain('一次性告知所需材料');
    expect((await cli(['workorders', 'replay', '--data-dir', dir])).code).toBe(2);
    const none = await cli(['workorders', 'replay', '--all', '--data-dir', dir]);
    expect(none.out).toContain('没有失败的回传');
    const unknown = await cli(['workorders', 'replay', 'nope', '--data-dir', dir]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('不是失败的回传');
    expect((await cli(['workorders', 'list', '--status', 'lost', '--data-dir', dir])).code).toBe(2);
  }, 180_000);

  it('past the maximum age a report is a dead letter; tousu workorders replay posts it again', async () => {
    await rt.stop();
    await rx.stop();
    await writeFile(
      join(dir, 'tousu.config.json'),
      JSON.stringify({ workOrderOutbound: { url: `http://127.0.0.1:${port}/12345/reports`, everySeconds: 3600, retry: { backoffSeconds: [60], maxAgeSeconds: 300 } } }),
      { mode: 0o600 },
    );
    await boot();
    await login();
    // A second work order, concluded while the platform is down, past the five minutes it may wait.
    const filed = await http.call('POST', '/api/intake/workorder', {
      token: tokens.agency1,
      body: {
        workOrderNo: 'SN12345-20260302-0043',
        createdAt: '2026-03-02T08:40:00+08:00',
        caller: { name: '李工单', phone: '13800008888' },
        respondentUnit: '船山区市场监督管理局',
        matter: '12345转来：窗口工作人员态度生硬。',
      },
    });
    expect(filed.status).toBe(201);
    caseId = filed.body.caseId as string;
    await rt.workflow.idle();
    await act('agency1', { action: 'dispatch', department: 'SCJGJ' });
    // No explicit run: the case write kicked the pump, which collected the case and tried the platform once.
    const tried = async () => (await rt.workOrders!.outbox.list('pending')).filter((x) => x.report.workOrderNo === 'SN12345-20260302-0043' && x.attempts >= 1);
    for (let i = 0; i < 100 && (await tried()).length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect((await tried()).map((x) => x.report.kind).sort()).toEqual(['transfer']);
    expect(await rt.workOrders!.outbox.markedCases(10)).toEqual([]);
    const t0 = clock.now().getTime();
    for (let m = 1; m <= 6; m++) {
      await clock.advanceTo(new Date(t0 + m * 60_000).toISOString());
      await rt.workOrders!.run();
    }
    const dead = await rt.workOrders!.outbox.list('dead');
    expect(dead.length).toBeGreaterThanOrEqual(1);
    const listed = await cli(['workorders', 'list', '--status', 'dead', '--data-dir', dir]);
    expect(listed.out).toContain('失败（死信）');
    await rx.start();
    const replayed = await cli(['workorders', 'replay', '--all', '--data-dir', dir]);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toContain(`已重放 ${dead.length} 条；本次送达 ${dead.length} 条`);
    expect(rx.got.filter((x) => x.workOrderNo === 'SN12345-20260302-0043').length).toBe(dead.length);
  }, 120_000);

  it('refuses to start with a bad workOrderOutbound, naming the field; config validate says the same', async () => {
    await rt.stop();
    const bad = join(dir, 'tousu.config.json');
    await writeFile(bad, JSON.stringify({ workOrderOutbound: { url: 'ftp://12345.example', everySeconds: 1 } }), { mode: 0o600 });
    await expect(startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true })).rejects.toThrow(/workOrderOutbound\.url/);
    const v = await cli(['config', 'validate', bad]);
    expect(v.code).toBe(2);
    expect(v.out + v.err).toMatch(/workOrderOutbound\.everySeconds/);
    await writeFile(bad, JSON.stringify({ workOrderOutbound: { url: 'https://12345.example.gov.cn/r', secretFile: 'secrets/missing.key' } }), { mode: 0o600 });
    await expect(startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true })).rejects.toThrow(/无法读取 12345 回传密钥文件/);
    await writeFile(bad, '{}', { mode: 0o600 });
    await boot();
  }, 120_000);
});
