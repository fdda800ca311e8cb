/**
 * The year-end cliff as a new user met it: the embedded runtime with its clock at 2026-12-29 and no 2027 notice.
 * A new complaint is dispatched (the slip's 3-working-day result line reaches into 2027), accepted and handled on
 * provisional dates; the 2027 notice text, imported with `tousu calendar import --data-dir` while the runtime
 * runs, recomputes the open deadline to the official date.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { REPO, api, runCli } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const PASSWORD = 'year-end-test-password';

describe('the embedded runtime at 2026-12-29 without the 2027 notice', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  const tokens: Record<string, string> = {};
  let caseId = '';

  const act = async (who: string, body: Record<string, unknown>): Promise<Json> => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens[who], body });
    if (r.status !== 200) throw new Error(`${who} ${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body as Json;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-year-end-'));
    const clock = new ManualClock('2026-12-29T10:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    for (const [username, role, department] of [
      ['agency1', 'agency'],
      ['liaison-scj', 'department', 'SCJGJ'],
    ] as const) {
      await rt.users.add({ username, role, ...(department ? { department } : {}), password: PASSWORD });
      tokens[username] = await http.login(username, PASSWORD);
    }
    const filed = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '钱测试', phone: '13700008888', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '遂宁市船山区市场监督管理局' },
        matter: '办理营业执照变更时窗口未一次性告知所需材料，往返三次仍未办结。',
      },
    });
    if (filed.status !== 201) throw new Error(`complaint: ${filed.status} ${filed.text}`);
    caseId = filed.body.caseId as string;
    await rt.workflow.idle();
  }, 120_000);

  afterAll(async () => {
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('dispatches, accepts and handles on provisional dates, then the imported notice text recomputes them', async () => {
    const dispatched = await act('agency1', { action: 'dispatch', department: 'SCJGJ' });
    expect(dispatched.phase).toBe('acceptance');
    await act('liaison-scj', { action: 'accept' });
    const handling = await act('liaison-scj', { action: 'classify', kind: 'transfer' });
    expect(handling.phase).toBe('handling');
    let view = (await http.call('GET', `/api/cases/${caseId}`, { token: tokens['liaison-scj'] })).body as Json;
    const result = view.deadlines.find((d: Json) => d.clock === 'result' && !d.metAt);
    expect(result.provisional.years).toEqual([2027]);
    expect(view.dueProvisional).toBe(true);

    const text = await readFile(join(REPO, 'test/fixtures/calendar/sample-2027-notice.txt'), 'utf8');
    const r = await runCli(['calendar', 'import', '-', '--yes', '--data-dir', dir], text);
    expect([r.code, r.stderr]).toEqual([0, '']);
    await rt.workflow.idle();
    view = (await http.call('GET', `/api/cases/${caseId}`, { token: tokens['liaison-scj'] })).body as Json;
    const official = view.deadlines.find((d: Json) => d.clock === 'result' && !d.metAt);
    expect(official.provisional).toBeUndefined();
    expect(official.dueAt).toBe(rt.calendar.addWorkingDays(result.startedAt, result.workingDays).dueAt);
    expect(Date.parse(official.dueAt)).toBeGreaterThanOrEqual(Date.parse(result.dueAt));
    expect(view.dueProvisional).toBeUndefined();
    expect(view.timeline.some((e: Json) => e.type === 'deadlines_recomputed')).toBe(true);

    // Handled to its conclusion on the official dates.
    const concluded = await act('liaison-scj', { action: 'conclude', finding: 'substantiated', summary: '经核查属实，已责令窗口一次性告知所需材料。' });
    expect(concluded.phase).not.toBe('handling');
  });
});
