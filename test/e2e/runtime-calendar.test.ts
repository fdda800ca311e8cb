/**
 * The year-end cliff on the embedded runtime, through its HTTP API: with the clock at 2026-12-29 and no 2027
 * notice, a complaint is dispatched and accepted with provisional (暂定) dates shown in the queue, the case and
 * the status page; the administrator sees the warning and imports the notice through the admin API (preview,
 * then confirm); the open case is recomputed and the imported year survives a restart.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import type { CalendarYearData } from '../../shared/domain/calendar';
import { REPO, api, runCli } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const PASSWORD = 'calendar-test-password';
const NOTICE_2027: CalendarYearData = {
  year: 2027,
  source: '国务院办公厅关于2027年部分节假日安排的通知（测试数据）',
  holidays: ['2027-01-01', '2027-01-02', '2027-01-03'],
  workdays: [],
};

describe('provisional deadlines on the embedded runtime', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  const tokens: Record<string, string> = {};
  let caseId = '';
  let queryCode = '';

  const act = async (who: string, body: Record<string, unknown>) => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens[who], body });
    if (r.status !== 200) throw new Error(`${who} ${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body as Json;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-calendar-'));
    clock = new ManualClock('2026-12-31T10:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    for (const [username, role, department] of [
      ['agency1', 'agency'],
      ['liaison-scj', 'department', 'SCJGJ'],
      ['admin1', 'admin'],
    ] as const) {
      await rt.users.add({ username, role, ...(department ? { department } : {}), password: PASSWORD });
      tokens[username] = await http.login(username, PASSWORD);
    }
    const filed = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '王测试', phone: '13700006666', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '遂宁市船山区市场监督管理局' },
        matter: '办理营业执照变更时窗口未一次性告知所需材料，往返三次仍未办结。',
      },
    });
    if (filed.status !== 201) throw new Error(`complaint: ${filed.status} ${filed.text}`);
    caseId = filed.body.caseId as string;
    queryCode = filed.body.queryCode as string;
    await rt.workflow.idle();
  }, 120_000);

  afterAll(async () => {
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('dispatches and accepts across the year end on provisional dates, shown as 暂定', async () => {
    // Dispatch deadline 2027-01-04 counts 2027 without its notice: provisional, and the case moves on.
    await act('agency1', { action: 'dispatch', department: 'SCJGJ' });
    const accepted = await act('liaison-scj', { action: 'accept' });
    expect(accepted.phase).toBe('classification');
    const view = (await http.call('GET', `/api/cases/${caseId}`, { token: tokens['liaison-scj'] })).body as Json;
    expect(view.dueProvisional).toBe(true);
    expect(view.deadlines.find((d: Json) => d.clock === 'result').provisional.years).toEqual([2027]);
    const queue = (await http.call('GET', '/api/cases', { token: tokens['liaison-scj'] })).body as Json;
    expect(queue.items.find((i: Json) => i.caseId === caseId).dueProvisional).toBe(true);
    const status = await fetch(`${rt.httpUrl}/status?caseId=${encodeURIComponent(caseId)}&code=${encodeURIComponent(queryCode)}`);
    expect(await status.text()).toMatch(/id="status-due"[^]*暂定/);
  });

  it('warns the administrator and imports the notice through the admin API, recomputing the open case', async () => {
    expect((await http.call('GET', '/api/admin/calendar', { token: tokens['liaison-scj'] })).status).toBe(403);
    const before = (await http.call('GET', '/api/admin/calendar', { token: tokens.admin1 })).body as Json;
    expect(before).toMatchObject({ missingYears: [2027], openProvisionalCases: 1 });
    expect(before.warning).toMatch(/2027 年/);
    // Agency staff may look but not import.
    expect((await http.call('POST', '/api/admin/calendar', { token: tokens.agency1, body: { year: NOTICE_2027, confirm: true } })).status).toBe(403);
    const bad = await http.call('POST', '/api/admin/calendar', { token: tokens.admin1, body: { year: { ...NOTICE_2027, workdays: ['2027-01-05'] }, confirm: true } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/不是周末/);
    const preview = await http.call('POST', '/api/admin/calendar', { token: tokens.admin1, body: { year: NOTICE_2027 } });
    expect(preview.status).toBe(200);
    expect(rt.calendar.hasYear(2027)).toBe(false);
    const done = await http.call('POST', '/api/admin/calendar', { token: tokens.admin1, body: { year: NOTICE_2027, confirm: true } });
    expect(done.status).toBe(201);
    expect(done.body.recompute).toMatchObject({ casesRecomputed: 1, stillProvisional: 0 });
    await rt.workflow.idle();
    const view = (await http.call('GET', `/api/cases/${caseId}`, { token: tokens['liaison-scj'] })).body as Json;
    expect(view.dueProvisional).toBeUndefined();
    const result = view.deadlines.find((d: Json) => d.clock === 'result' && !d.metAt);
    expect(result.provisional).toBeUndefined();
    expect(view.timeline.some((e: Json) => e.type === 'deadlines_recomputed')).toBe(true);
    const after = (await http.call('GET', '/api/admin/calendar', { token: tokens.admin1 })).body as Json;
    expect(after).toMatchObject({ missingYears: [], openProvisionalCases: 0 });
    expect(after.warning).toBeUndefined();
    expect(JSON.parse(await readFile(join(rt.paths.calendar, '2027.json'), 'utf8'))).toMatchObject({ year: 2027 });
  });

  it('keeps the imported year after a restart', async () => {
    await rt.stop();
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    expect(rt.calendar.hasYear(2027)).toBe(true);
    expect(rt.calendarStatus.warning).toBeUndefined();
  });
});

describe('tousu calendar import into a running runtime', () => {
  let dir: string;
  let rt: Runtime;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-calendar-cli-'));
    const clock = new ManualClock('2026-12-31T10:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    const http = api(rt.httpUrl);
    const filed = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '赵测试', phone: '13700007777', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '遂宁市船山区市场监督管理局' },
        matter: '办理食品经营许可证时窗口要求重复提交已经提交过的材料。',
      },
    });
    expect(filed.status).toBe(201);
    await rt.workflow.idle();
  }, 120_000);

  afterAll(async () => {
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('parses the published text (春节 2027 from 除夕 02-05), writes <data-dir>/calendar and the runtime recomputes at once', async () => {
    const before = await rt.store.query({ jurisdiction: rt.jurisdiction.code, phase: 'dispatch', limit: 10 });
    expect(before.items[0]!.deadlines[0]!.provisional?.years).toEqual([2027]);
    const text = await readFile(join(REPO, 'test/fixtures/calendar/sample-2027-notice.txt'), 'utf8');
    const r = await runCli(['calendar', 'import', '-', '--yes', '--data-dir', dir], text);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/运行中的 tousu start 已载入该年度，并重新计算了 1 件/);
    expect(rt.calendar.hasYear(2027)).toBe(true);
    expect(rt.calendar.isWorkday('2027-02-14')).toBe(true);
    await rt.workflow.idle();
    const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, phase: 'dispatch', limit: 10 });
    expect(page.items[0]!.deadlines.every((d) => d.provisional === undefined)).toBe(true);
  });
});
