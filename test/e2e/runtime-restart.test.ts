/**
 * Restart semantics of the embedded runtime (issue 6): `tousu start` runs as a CHILD PROCESS on a virtual
 * clock; cases wait; the process is killed with SIGKILL; a new process on the same data directory resumes
 * every open case with the time that is left (same due instants, one working day less to go, the engine
 * sleeping until the next reminder or due time), nothing lost (every case, every timeline event). Killed
 * again and restarted after the due dates, every case is marked overdue at once. SIGTERM stops it cleanly.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { api, freePort, runCli, sendForwardedComplaint, spawnRuntime, waitFor } from './runtime-helpers';
import type { ChildRuntime, Json } from './runtime-helpers';
import { adminRequest } from '../../infra/cli/commands/users';

const PASSWORD = 'correct-horse-battery';
const INTAKE = 'tousu@chuanshan.example.gov.cn';

interface Snapshot {
  phase: string;
  dueAt: string;
  /** When the case's current wait was armed (waiting.since): a new wait after the restart has a later one. */
  armedAt: string;
  workingDaysLeft: number;
  timeline: { seq: number; type: string; at: string }[];
}

describe('embedded runtime: kill -9 and restart', () => {
  let dir: string;
  let httpPort: number;
  let smtpPort: number;
  let current: ChildRuntime | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-restart-'));
    httpPort = await freePort();
    smtpPort = await freePort();
  });

  afterAll(async () => {
    if (current && current.child.exitCode === null) {
      current.child.kill('SIGKILL');
      await current.exited;
    }
    await rm(dir, { recursive: true, force: true });
  });

  const start = (clockStart: string) => spawnRuntime(['--data-dir', dir, '--smtp-port', String(smtpPort), '--clock-scale', '1', '--clock-start', clockStart], httpPort);
  const kill = async (rt: ChildRuntime) => {
    rt.child.kill('SIGKILL');
    await rt.exited;
  };
  const http = () => api(`http://127.0.0.1:${httpPort}`);

  // The admin endpoint is a Unix socket in the data directory (its path in runtime.json), as the CLI uses it.
  const adminStatus = (): Promise<Json> => adminRequest(dir, 'GET', '/admin/status');

  async function snapshot(token: string, caseId: string): Promise<Snapshot> {
    const r = await http().call('GET', `/api/cases/${caseId}`, { token });
    expect(r.status).toBe(200);
    return {
      phase: r.body.phase,
      dueAt: r.body.waiting?.dueAt,
      armedAt: r.body.waiting?.since,
      workingDaysLeft: r.body.workingDaysLeft,
      timeline: (r.body.timeline as Json[]).map((e) => ({ seq: e.seq, type: e.type, at: e.at })),
    };
  }

  it('resumes every waiting case with the time left, loses nothing, and marks overdue at once after the due time', async () => {
    // ---- first run, Monday 2026-03-02 09:00 (virtual)
    current = await start('2026-03-02T09:00:00+08:00');
    expect((await stat(join(dir, 'secrets', 'token.key'))).mode & 0o777).toBe(0o600);

    // users add while the runtime runs: goes through the admin socket (the LevelDB is open).
    const added = await runCli(['users', 'add', '--username', 'agency1', '--role', 'agency', '--data-dir', dir, '--password-stdin'], `${PASSWORD}\n`);
    expect(added.stderr + added.stdout).toContain('已创建账户 agency1');
    expect(added.code).toBe(0);
    expect(added.stdout + added.stderr).not.toContain(PASSWORD);
    const dup = await runCli(['users', 'add', '--username', 'agency1', '--role', 'agency', '--data-dir', dir, '--password-stdin'], `${PASSWORD}\n`);
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('已存在');
    const token = await http().login('agency1', PASSWORD);

    const ids: string[] = [];
    for (const matter of ['不动产登记窗口要求提供法律未规定的证明材料，往返四次。', '社保卡补办窗口只开一个，排队四个小时。', '公积金提取审核超过承诺时限仍未办结。']) {
      const r = await http().call('POST', '/api/complaints', { body: { complainant: { name: '钱七', phone: '13900001111' }, respondent: { unit: '船山区市场监督管理局' }, matter } });
      expect(r.status).toBe(201);
      ids.push(r.body.caseId);
    }
    expect(await sendForwardedComplaint(smtpPort, INTAKE, { messageId: '<restart-1@chuanshan.example.gov.cn>' })).toMatch(/^250/);
    const all = await waitFor('four cases', async () => {
      const r = await http().call('GET', '/api/cases', { token });
      return r.body.items.length === 4 ? (r.body.items as Json[]) : undefined;
    });
    for (const c of all) if (!ids.includes(c.caseId)) ids.push(c.caseId);
    // One case moves on to the department's acceptance step before the crash.
    await waitFor('dispatch step waiting', async () => (await snapshot(token, ids[0]!)).armedAt !== undefined);
    const dispatched = await http().call('POST', `/api/cases/${ids[0]}/actions`, { token, body: { action: 'dispatch', department: 'SCJGJ' } });
    expect(dispatched.status).toBe(200);

    const before = new Map<string, Snapshot>();
    for (const id of ids)
      before.set(
        id,
        await waitFor(`case ${id} waiting`, async () => {
          const s = await snapshot(token, id);
          return s.armedAt && (id !== ids[0] || s.phase === 'acceptance') ? s : undefined;
        }),
      );
    expect([...before.values()].map((s) => s.phase).sort()).toEqual(['acceptance', 'acceptance', 'dispatch', 'dispatch']);
    for (const s of before.values()) expect(s.dueAt).toBe('2026-03-04T23:59:59+08:00'); // 2 working days after Monday

    // ---- crash
    await kill(current);

    // ---- second run, one working day later (Tuesday 10:00)
    current = await start('2026-03-03T10:00:00+08:00');
    const token2 = await http().login('agency1', PASSWORD);
    for (const id of ids) {
      const prev = before.get(id)!;
      const now = await waitFor(`case ${id} resumed`, async () => {
        const s = await snapshot(token2, id);
        return s.armedAt && s.armedAt !== prev.armedAt ? s : undefined;
      });
      expect(now.phase).toBe(prev.phase);
      expect(now.dueAt).toBe(prev.dueAt); // an absolute instant: the resumed case waits only for what is left
      expect(now.workingDaysLeft).toBe(prev.workingDaysLeft - 1);
      expect(now.timeline.slice(0, prev.timeline.length)).toEqual(prev.timeline); // nothing lost, nothing rewritten
    }
    const status = await adminStatus();
    expect(status.resumed).toBe(4);
    expect(Date.parse(status.clock.now)).toBeGreaterThanOrEqual(Date.parse('2026-03-03T10:00:00+08:00'));
    for (const id of ids) {
      const r = await http().call('GET', `/api/cases/${id}`, { token: token2 });
      const wake = r.body.waiting.remindAt ?? r.body.waiting.dueAt;
      // The engine sleeps until this case's next wake-up on the (virtual) clock, not "N seconds from now":
      // the reminder instant, or the first instant after the due time (23:59:59 → overdue from 24:00).
      const w = Date.parse(wake);
      expect(status.pendingWakeUps.map((x: string) => Date.parse(x)).some((x: number) => x >= w && x <= w + 1000)).toBe(true);
      expect(Date.parse(wake)).toBeGreaterThan(Date.parse(status.clock.now));
    }

    // ---- crash again; third run after every due date (Monday 2026-03-09)
    const beforeThird = new Map<string, Snapshot>();
    for (const id of ids) beforeThird.set(id, await snapshot(token2, id));
    await kill(current);
    current = await start('2026-03-09T10:00:00+08:00');
    const token3 = await http().login('agency1', PASSWORD);
    for (const id of ids) {
      const r = await waitFor(`case ${id} marked overdue`, async () => {
        const c = await http().call('GET', `/api/cases/${id}`, { token: token3 });
        return c.body.flags.overdue ? c : undefined;
      });
      const prev = beforeThird.get(id)!;
      expect(r.body.phase).toBe(prev.phase);
      expect(r.body.deadlines.some((d: Json) => d.dueAt === prev.dueAt && d.metAt === undefined && typeof d.overdueAt === 'string')).toBe(true);
      const types = (r.body.timeline as Json[]).map((e) => e.type);
      expect(types).toContain('overdue_marked');
      expect((r.body.timeline as Json[]).slice(0, prev.timeline.length).map((e) => ({ seq: e.seq, type: e.type, at: e.at }))).toEqual(prev.timeline);
    }

    // ---- a second runtime on the same data directory, or on a taken port, fails with a clear message
    const clash = await runCli(['start', '--data-dir', dir, '--port', String(await freePort()), '--smtp-port', String(await freePort())]);
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('正被另一个 tousu 进程使用');
    const otherDir = await mkdtemp(join(tmpdir(), 'tousu-port-'));
    const portTaken = await runCli(['start', '--data-dir', otherDir, '--port', String(httpPort), '--smtp-port', String(await freePort())]);
    await rm(otherDir, { recursive: true, force: true });
    expect(portTaken.code).toBe(1);
    expect(portTaken.stderr).toContain(`端口 ${httpPort} 已被占用`);

    // ---- graceful stop
    current.child.kill('SIGTERM');
    expect(await current.exited).toBe(0);
    await expect(stat(join(dir, 'runtime.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 180_000);
});
