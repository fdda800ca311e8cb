/**
 * Arts. 11, 17, 20 and 21 end to end on the embedded runtime (real HTTP, SQLite, the .eml outbox, the engine on the
 * real ASL, a manual clock):
 *
 * - art. 20: four complaints against one unit concluded as substantiated → the agency evaluates the quarter → one
 *   decision whose grounds are the four cases, notified to the unit through the outbox; the liaison objects to one
 *   ground, the agency upholds it, the decision is withdrawn and the change recorded and notified;
 * - art. 17: the analysis report counts the quarter by cause (the tag chosen at classification, or proposed), and
 *   renders as HTML with inline SVG and as CSV;
 * - art. 11: a complaint merged at once into an open case gets a receipt that says so (no promised dispatch), and its
 *   status page shows the progress of the case it joined without that case's complainant;
 * - art. 21: one outbox mail and one quarantined mail opened: whole for the agency, masked for the administrator,
 *   each opening audited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const PASSWORD = 'regulation-e2e-password';
const UNIT = '遂宁市船山区医疗保障局';

describe('embedded runtime: art. 20 decisions, art. 17 analysis, merged status, least exposure', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  const tokens: Record<string, string> = {};
  const grounds: string[] = [];

  const file = async (matter: string, who = { name: '测试投诉人', phone: '13700006666', email: 'tester@example.net' }): Promise<Json> => {
    const r = await http.call('POST', '/api/complaints', {
      body: { complainant: { ...who, anonymous: false, wantsReply: true, confidential: false }, respondent: { unit: UNIT }, matter },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body;
  };
  const act = async (who: string, id: string, body: Record<string, unknown>) => {
    const r = await http.call('POST', `/api/cases/${id}/actions`, { token: tokens[who], body });
    if (r.status !== 200) throw new Error(`${who} ${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-e2e-regulation-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    for (const [username, role, department] of [
      ['agency1', 'agency', undefined],
      ['admin1', 'admin', undefined],
      ['liaison-ybj', 'department', 'YBJ'],
      ['liaison-rsj', 'department', 'RSJ'],
    ] as const) {
      await rt.users.add({ username, role, ...(department ? { department } : {}), password: PASSWORD });
      tokens[username] = await http.login(username, PASSWORD);
    }
    const matters = [
      '医保报销窗口要求提供无法开具的证明，往返三次未能办理。',
      '门诊慢特病认定材料被要求重复提交，来回跑了两趟。',
      '异地就医备案窗口工作人员态度恶劣，大声呵斥。',
      '医保卡补办等了一个多月迟迟没有结果。',
    ];
    for (const [i, matter] of matters.entries()) {
      const { caseId } = await file(matter);
      await act('agency1', caseId, { action: 'dispatch', department: 'YBJ' });
      await act('liaison-ybj', caseId, { action: 'accept' });
      await act('liaison-ybj', caseId, { action: 'classify', kind: 'transfer', ...(i === 2 ? { cause: 'attitude' } : {}) });
      await act('liaison-ybj', caseId, { action: 'conclude', finding: 'substantiated', summary: '经核查属实，已责令整改。' });
      grounds.push(caseId);
    }
  }, 180_000);

  afterAll(async () => {
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('art. 20: the quarter’s decision names its grounds, is notified, and a correction withdraws it', async () => {
    expect((await http.call('POST', '/api/evaluation/decisions/evaluate', { token: tokens['liaison-ybj'], body: { quarter: '2026Q1' } })).status).toBe(403);
    const run = await http.call('POST', '/api/evaluation/decisions/evaluate', { token: tokens.agency1, body: { quarter: '2026Q1' } });
    expect(run.status).toBe(200);
    const decision = (run.body.items as Json[]).find((d) => d.respondent.department === 'YBJ');
    expect(decision).toMatchObject({ status: 'disqualified', respondent: { kind: 'unit', name: UNIT } });
    expect((decision.grounds as Json[]).map((g) => g.caseId).sort()).toEqual([...grounds].sort());
    // Each ground is a case the agency can open.
    expect((await http.call('GET', `/api/cases/${decision.grounds[0].caseId}`, { token: tokens.agency1 })).status).toBe(200);

    // Notified through the outbox to the unit's chief representative; case ids only.
    const notices = (await rt.outbox.list()).filter((m) => m.kind === 'evaluation_decision');
    expect(notices).toHaveLength(1);
    expect(notices[0]!.to).toEqual([rt.jurisdiction.departments.find((d) => d.code === 'YBJ')!.chiefRepresentative.email]);

    // The unit sees its decision; another unit does not.
    expect((await http.call('GET', `/api/evaluation/decisions/${decision.id}`, { token: tokens['liaison-ybj'] })).status).toBe(200);
    expect((await http.call('GET', `/api/evaluation/decisions/${decision.id}`, { token: tokens['liaison-rsj'] })).status).toBe(404);
    expect((await http.call('GET', '/api/evaluation/decisions?quarter=2026Q1', { token: tokens['liaison-rsj'] })).body.items).toEqual([]);
    // The administrator reads them (units, staff, case ids: no complainant) but neither decides nor objects.
    expect((await http.call('GET', `/api/evaluation/decisions/${decision.id}`, { token: tokens.admin1 })).status).toBe(200);
    expect((await http.call('POST', '/api/evaluation/decisions/evaluate', { token: tokens.admin1, body: { quarter: '2026Q1' } })).status).toBe(403);
    expect((await http.call('POST', `/api/evaluation/decisions/${decision.id}/objections`, { token: tokens.admin1, body: { text: 'x' } })).status).toBe(403);

    const objected = await http.call('POST', `/api/evaluation/decisions/${decision.id}/objections`, {
      token: tokens['liaison-ybj'],
      body: { caseId: grounds[3], text: '该件经复查系投诉人误解办理时限，不属实。' },
    });
    expect(objected.status).toBe(201);
    const objectionId = objected.body.objections[0].id as string;
    const ruled = await http.call('POST', `/api/evaluation/decisions/${decision.id}/objections/${objectionId}/ruling`, {
      token: tokens.agency1,
      body: { upheld: true, reason: '经调阅业务档案，该件不属实。' },
    });
    expect(ruled.status).toBe(200);
    expect(ruled.body.status).toBe('withdrawn');
    expect((ruled.body.grounds as Json[]).find((g) => g.caseId === grounds[3]).excluded.reason).toBe('经调阅业务档案，该件不属实。');
    expect((ruled.body.history as Json[]).map((h) => h.what)).toEqual(['decided', 'notified', 'objection_filed', 'objection_ruled', 'withdrawn', 'notified']);
    expect((await rt.outbox.list()).filter((m) => m.kind === 'evaluation_decision')).toHaveLength(2);
  });

  it('art. 17: the analysis counts causes tagged at classification and renders with charts and as CSV', async () => {
    const r = await http.call('GET', '/api/reports/analysis?quarter=2026Q1', { token: tokens.agency1 });
    expect(r.status).toBe(200);
    const causes = Object.fromEntries((r.body.byCause as Json[]).map((c) => [c.key, c.current]));
    expect(causes).toMatchObject({ shuttle: 2, attitude: 1, delay: 1 });
    expect(r.body.causeTagging).toEqual({ staff: 1, proposed: 3, untagged: 0 });
    expect(r.body.quarters).toEqual(['2025Q2', '2025Q3', '2025Q4', '2026Q1']);
    expect(r.body.repeatRespondents[0]).toMatchObject({ name: UNIT, current: 4 });
    const html = await http.call('GET', '/api/reports/analysis?quarter=2026Q1&format=html', { token: tokens.agency1 });
    expect(html.text).toContain('<svg');
    expect(html.text).toContain('材料反复、多次跑动');
    const csv = await http.call('GET', '/api/reports/analysis?quarter=2026Q1&format=csv', { token: tokens.agency1 });
    expect(csv.text).toContain('二、投诉原因分类');
    expect((await http.call('GET', '/api/reports/analysis', { token: tokens['liaison-ybj'] })).status).toBe(403);
  });

  it('art. 11: a complaint merged at once is told so, and its status page follows the case it joined', async () => {
    const first = await file('3月3日在医疗保障局办理生育津贴申领，窗口称材料不全，我已往返三次仍未办结。', { name: '王第一', phone: '13911112222', email: 'first@example.net' });
    const second = await file('3月3日在医疗保障局办理生育津贴申领，窗口说材料不全，已往返三次仍未办结。', { name: '王第一', phone: '13911112222', email: 'second@example.net' });
    expect(second.mergedInto).toBe(first.caseId);
    const ack = (await rt.outbox.list()).find((m) => m.kind === 'acknowledgement' && m.to.includes('second@example.net'))!;
    const text = (await http.call('GET', `/api/outbox/${ack.file}`, { token: tokens.agency1 })).body.text as string;
    expect(text).toContain(`已并入该件合并办理（第十一条）`);
    expect(text).not.toContain('随《政务服务投诉交办单》交有关部门');

    await act('agency1', first.caseId, { action: 'dispatch', department: 'YBJ' });
    const status = await http.call('GET', `/api/complaints/${second.caseId}?code=${second.queryCode}`);
    expect(status.status).toBe(200);
    expect(status.body.joined).toMatchObject({ trackingNo: first.caseId, status: 'acceptance' });
    expect((status.body.joined.timeline as Json[]).map((t) => t.phase)).toContain('acceptance');
    const shown = JSON.stringify(status.body.joined);
    for (const secret of ['王第一', '13911112222', 'first@example.net', '生育津贴']) expect(shown).not.toContain(secret);
    const page = await fetch(`${rt.httpUrl}/status?caseId=${second.caseId}&code=${second.queryCode}`, { headers: { accept: 'text/html' } });
    const body = await page.text();
    expect(body).toContain('所并入投诉');
    expect(body).not.toContain('王第一');
  });

  it('art. 21: an outbox mail and a quarantined mail opened are whole for the agency, masked for the administrator, and audited', async () => {
    const ack = (await rt.outbox.list()).find((m) => m.kind === 'acknowledgement' && m.caseId === grounds[0])!;
    const whole = await http.call('GET', `/api/outbox/${ack.file}`, { token: tokens.agency1 });
    expect(whole.body).toMatchObject({ masked: false, entry: { to: ['tester@example.net'] } });
    expect(whole.body.text).toContain(grounds[0]);
    const masked = await http.call('GET', `/api/outbox/${ack.file}`, { token: tokens.admin1 });
    expect(masked.body.masked).toBe(true);
    expect(masked.text).not.toContain('tester@example.net');
    expect(masked.body.entry.subject).toBe('（主题已隐去）'); // the subject names the case
    expect(masked.body.text).toContain('正文已隐去');
    expect((await http.call('GET', `/api/outbox/${ack.file}`, { token: tokens['liaison-ybj'] })).status).toBe(403);
    expect((await http.call('GET', '/api/outbox/..%2Fsecret.eml', { token: tokens.agency1 })).status).toBe(404);
    const trail = (await http.call('GET', `/api/cases/${grounds[0]}/audit`, { token: tokens.agency1 })).body.items as Json[];
    // Both at the same instant of the manual clock: the trail's order between them is not defined.
    expect(
      trail
        .filter((e) => e.what === 'read_outbox_item')
        .map((e) => [e.actor.id, e.detail.masked])
        .sort(),
    ).toEqual([
      ['admin1', true],
      ['agency1', false],
    ]);

    // A mail that is not a complaint (an auto-reply) is quarantined.
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: rt.smtpPort, ignoreTLS: true });
    await transport.sendMail({
      envelope: { from: 'lisi.auto@example.com', to: [rt.jurisdiction.intakeAddress] },
      raw: [
        'From: 李四 <lisi.auto@example.com>',
        `To: ${rt.jurisdiction.intakeAddress}`,
        'Subject: 自动回复：李四休假中',
        'Auto-Submitted: auto-replied',
        'Message-ID: <auto-1@example.com>',
        '',
        '我正在休假。',
        '',
      ].join('\r\n'),
    });
    const listAdmin = await http.call('GET', '/api/quarantine', { token: tokens.admin1 });
    expect(listAdmin.status).toBe(200);
    expect(listAdmin.body.items).toHaveLength(1);
    expect(listAdmin.text).not.toContain('lisi.auto@example.com');
    expect(listAdmin.text).not.toContain('李四休假中');
    const id = listAdmin.body.items[0].id as string;
    expect((await http.call('GET', `/api/quarantine/${id}`, { token: tokens.agency1 })).body).toMatchObject({ masked: false, fromAddress: 'lisi.auto@example.com' });
    expect((await http.call('GET', `/api/quarantine/${id}`, { token: tokens.admin1 })).body).toMatchObject({ masked: true, fromAddress: 'l***@e***.com' });
    expect((await http.call('GET', `/api/quarantine/${id}`, { token: tokens['liaison-ybj'] })).status).toBe(403);
    const qTrail = (await http.call('GET', `/api/quarantine/${id}/audit`, { token: tokens.agency1 })).body.items as Json[];
    expect(qTrail.map((e) => [e.what, e.actor.id]).sort()).toEqual([
      ['read_quarantine_item', 'admin1'],
      ['read_quarantine_item', 'agency1'],
    ]);
  });
});
