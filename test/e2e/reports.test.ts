/**
 * The evaluation report in the staff API (issue 10, item 3), end to end on the embedded runtime: in-process on
 * random ports with a temporary data directory and a manual clock. A complaint naming a unit and a staff member
 * is filed through the public API and taken through dispatch, acceptance, classification and a substantiated
 * conclusion by the staff API; the runtime's CaseStore records the evaluation facts as the case moves, and the
 * report of the quarter of the conclusion counts it (the fact wiring end to end). Roles: 401 without a token,
 * 403 for a department liaison and an administrator, 200 for the agency and a leader; JSON, CSV (attachment,
 * BOM) and HTML (no script, CSP-compatible); the quarter validated with Chinese messages; the request logged
 * without personal data.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const PASSWORD = 'report-test-password';
const PERSON = '李测试';
const PATH = '/api/reports/evaluation';

describe('evaluation report route on the embedded runtime', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  const tokens: Record<string, string> = {};
  let caseId = '';

  const act = async (who: string, body: Record<string, unknown>) => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens[who], body });
    if (r.status !== 200) throw new Error(`${who} ${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body as Json;
  };
  const raw = (path: string, token?: string) => fetch(`${rt.httpUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-reports-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday in 2026Q1
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    const users = [
      ['agency1', 'agency'],
      ['leader1', 'leader'],
      ['liaison-ybj', 'department', 'YBJ'],
      ['admin1', 'admin'],
    ] as const;
    for (const [username, role, department] of users) {
      await rt.users.add({ username, role, ...(department ? { department } : {}), password: PASSWORD });
      tokens[username] = await http.login(username, PASSWORD);
    }

    const filed = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '王测试', phone: '13700005555', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '遂宁市船山区医疗保障局', person: PERSON },
        matter: '医保报销窗口工作人员要求提供无法开具的证明，往返三次未能办理。',
      },
    });
    if (filed.status !== 201) throw new Error(`complaint: ${filed.status} ${filed.text}`);
    caseId = filed.body.caseId as string;
    await rt.workflow.idle();
    await act('agency1', { action: 'dispatch', department: 'YBJ' });
    await act('liaison-ybj', { action: 'accept' });
    await act('liaison-ybj', { action: 'classify', kind: 'transfer' });
    const concluded = await act('liaison-ybj', { action: 'conclude', finding: 'substantiated', summary: '经核查属实，已责令窗口一次性告知所需材料并向投诉人致歉。' });
    expect(concluded.conclusion.finding).toBe('substantiated');
  }, 120_000);

  afterAll(async () => {
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('refuses a caller without a token (401) and roles other than agency and leader (403), in Chinese', async () => {
    const anonymous = await http.call('GET', `${PATH}?quarter=2026Q1`);
    expect(anonymous.status).toBe(401);
    const forged = await http.call('GET', `${PATH}?quarter=2026Q1`, { token: 'not.a.valid-token' });
    expect(forged.status).toBe(401);
    for (const who of ['liaison-ybj', 'admin1']) {
      const r = await http.call('GET', `${PATH}?quarter=2026Q1`, { token: tokens[who] });
      expect(r.status).toBe(403);
      expect(r.body.message).toContain('考核评价');
      expect(r.text).not.toContain(PERSON);
    }
    // No format sneaks past the role check either.
    expect((await raw(`${PATH}?quarter=2026Q1&format=csv`, tokens['liaison-ybj'])).status).toBe(403);
  });

  it('counts the substantiated conclusion for its unit and person in the quarter of the conclusion (JSON)', async () => {
    const r = await http.call('GET', `${PATH}?quarter=2026Q1`, { token: tokens.agency1 });
    expect(r.status).toBe(200);
    const report = r.body as Json;
    expect(report.quarter).toBe('2026Q1');
    expect(report.jurisdiction.code).toBe(rt.jurisdiction.code);
    const unit = (report.respondents.units as Json[]).find((u) => u.countedCaseIds.includes(caseId));
    expect(unit).toMatchObject({ name: '遂宁市船山区医疗保障局', received: 1, substantiated: 1, counted: 1, overdueConclusions: 0, eligible: true });
    const person = (report.respondents.persons as Json[]).find((p) => p.countedCaseIds.includes(caseId));
    expect(person).toMatchObject({ name: PERSON, unitName: '遂宁市船山区医疗保障局', counted: 1, eligible: true });
    const dept = (report.byDepartment as Json[]).find((g) => g.key === 'YBJ');
    expect(dept).toMatchObject({ received: 1, accepted: 1, concluded: 1, concludedOnTime: 1, acceptanceRate: 1, onTimeRate: 1 });
    expect(report.totals.received).toBe(1);

    // A leader reads the same report.
    const leader = await http.call('GET', `${PATH}?quarter=2026Q1`, { token: tokens.leader1 });
    expect(leader.status).toBe(200);
    expect(leader.body.respondents.units.map((u: Json) => u.counted)).toEqual(report.respondents.units.map((u: Json) => u.counted));

    // The previous quarter knows nothing of it.
    const before = await http.call('GET', `${PATH}?quarter=2025Q4`, { token: tokens.agency1 });
    expect(before.status).toBe(200);
    expect(before.body.factsUsed).toBe(0);
    expect(before.body.respondents.units).toEqual([]);
  });

  it('defaults to the last completed Shanghai quarter on the runtime clock', async () => {
    const now = await http.call('GET', PATH, { token: tokens.agency1 });
    expect(now.status).toBe(200);
    expect(now.body.quarter).toBe('2025Q4');
    // 2026-04-01 00:30 in Beijing is still 2026-03-31 in UTC: the Shanghai quarter has turned.
    await clock.advanceTo('2026-04-01T00:30:00+08:00');
    const later = await http.call('GET', PATH, { token: tokens.agency1 });
    expect(later.body.quarter).toBe('2026Q1');
    expect((later.body.respondents.units as Json[]).some((u) => u.countedCaseIds.includes(caseId))).toBe(true);
  });

  it('validates quarter and format with Chinese messages (400)', async () => {
    for (const [query, fragment] of [
      ['quarter=2026Q5', '季度'],
      ['quarter=abc', 'YYYYQn'],
      ['quarter=2026-1', 'YYYYQn'],
      ['quarter=1999Q4', '2000'],
      ['quarter=2026Q3', '尚未开始'],
      ['format=pdf', '报告格式无效'],
    ] as const) {
      const r = await http.call('GET', `${PATH}?${query}`, { token: tokens.agency1 });
      expect([query, r.status]).toEqual([query, 400]);
      expect(r.body.message).toContain(fragment);
      expect(r.body.errors?.length).toBeGreaterThan(0);
    }
    // Lower case and surrounding blanks are a quarter too.
    expect((await http.call('GET', `${PATH}?quarter=${encodeURIComponent(' 2026q1 ')}`, { token: tokens.agency1 })).body.quarter).toBe('2026Q1');
  });

  it('serves the CSV as an attachment that Excel opens: UTF-8 with BOM, CRLF, Chinese text', async () => {
    const res = await raw(`${PATH}?quarter=2026Q1&format=csv`, tokens.agency1);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toMatch(/^attachment; filename="evaluation-\d+-2026Q1\.csv"; filename\*=UTF-8''/);
    expect(decodeURIComponent(disposition.split("UTF-8''")[1]!)).toBe(`考核评价-${rt.jurisdiction.code}-2026Q1.csv`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text).toContain('\r\n');
    expect(text).toContain('遂宁市船山区医疗保障局');
    expect(text).toContain(caseId);
  });

  it('serves the HTML as one self-contained page without script, under a CSP that allows its inline style', async () => {
    const res = await raw(`${PATH}?quarter=2026Q1&format=html`, tokens.leader1);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; /);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toMatch(/style-src [^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const html = await res.text();
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<style>');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|\son[a-z]+=|javascript:/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).toContain('遂宁市船山区医疗保障局');
    expect(html).toContain(PERSON);
  });

  it('logs each report request without personal data', async () => {
    const lines = (await readFile(rt.paths.logFile, 'utf8'))
      .split('\n')
      .filter((l) => l.includes('"evaluation_report"'))
      .map((l) => JSON.parse(l) as Json);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'evaluation_report', user: 'agency1', role: 'agency', quarter: '2026Q1', format: 'csv' }));
    expect(lines).toContainEqual(expect.objectContaining({ user: 'leader1', role: 'leader', quarter: '2026Q1', format: 'html' }));
    const all = JSON.stringify(lines);
    for (const personal of [PERSON, '王测试', '13700005555', '医保报销窗口']) expect(all).not.toContain(personal);
    // Refused requests build nothing and log no report.
    expect(lines.some((l) => l.user === 'liaison-ybj' || l.user === 'admin1')).toBe(false);
  });
});
