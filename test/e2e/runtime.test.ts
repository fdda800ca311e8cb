/**
 * End to end on the embedded runtime (issue 6, issue 9 API): the real runtime in-process on random ports and a
 * temporary data directory, with a virtual (manual) clock. A forwarded complaint arrives over real SMTP
 * (nodemailer), another through the web form over HTTP; staff log in and take both cases through dispatch,
 * acceptance, classification, conclusion, rectification, reply and follow-up until they are archived.
 * Access control: 401 without a token, 403 for a cross-department read and action, an audit entry per read.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api, REPO, sendForwardedComplaint, waitFor } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const PASSWORD = 'correct-horse-battery';

describe('embedded runtime, end to end', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-e2e-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, folderPollMs: 100 });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-scjgj', role: 'department', department: 'SCJGJ', password: PASSWORD });
    await rt.users.add({ username: 'liaison-rsj', role: 'department', department: 'RSJ', password: PASSWORD });
    await rt.users.add({ username: 'admin1', role: 'admin', password: PASSWORD });
  });

  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const act = async (who: string, caseId: string, body: Record<string, unknown>, expected = 200): Promise<Json> => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: tokens[who], body });
    if (r.status !== expected) throw new Error(`${who} ${String(body.action)} on ${caseId}: expected ${expected}, got ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body;
  };
  const read = async (who: string, caseId: string): Promise<Json> => {
    const r = await http.call('GET', `/api/cases/${caseId}`, { token: tokens[who] });
    expect(r.status).toBe(200);
    return r.body;
  };

  let mailCase: string;
  let formCase: string;
  let liaisonReads = 0;

  it('refuses every staff route without a valid token (401) and logs staff in', async () => {
    for (const path of ['/api/cases', '/api/cases/x', '/api/cases/x/audit', '/api/outbox', '/api/quarantine', '/api/me']) {
      const r = await http.call('GET', path);
      expect(r.status).toBe(401);
      expect(r.body.message).toMatch(/登录/);
    }
    expect((await http.call('GET', '/api/cases', { token: 'not.a.token.at.all' })).status).toBe(401);
    expect((await http.call('POST', '/api/cases/x/actions', { body: { action: 'accept' } })).status).toBe(401);

    const bad = await http.call('POST', '/api/auth/login', { body: { username: 'agency1', password: 'wrong-password' } });
    expect(bad.status).toBe(401);
    expect(bad.body.message).toBe('用户名或密码错误。');
    for (const u of ['agency1', 'liaison-scjgj', 'liaison-rsj', 'admin1']) tokens[u] = await http.login(u, PASSWORD);
    const me = await http.call('GET', '/api/me', { token: tokens['liaison-scjgj'] });
    expect(me.body).toMatchObject({ username: 'liaison-scjgj', role: 'department', department: 'SCJGJ' });
  });

  it('takes a forwarded mail over real SMTP and refuses other recipients (no relay)', async () => {
    const response = await sendForwardedComplaint(rt.smtpPort, rt.jurisdiction.intakeAddress, { messageId: '<fwd-1@chuanshan.example.gov.cn>' });
    expect(response).toMatch(/^250/);
    await expect(sendForwardedComplaint(rt.smtpPort, 'someone@elsewhere.example.com', { messageId: '<relay-1@x>' })).rejects.toMatchObject({ responseCode: 550 });
    await rt.workflow.idle();
  });

  it('takes the web form over HTTP', async () => {
    const r = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '赵六', phone: '13911112222', anonymous: false, wantsReply: true, confidential: true },
        respondent: { unit: '船山区市场监督管理局' },
        matter: '食品经营许可证延续申请超过法定时限仍未办结，窗口只说在审核。',
        facts: '2026年1月提交申请，至今未获答复。联系电话13911112222。',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body.queryCode).toEqual(expect.any(String));
    formCase = r.body.caseId;
    await rt.workflow.idle();
  });

  it('lists cases per role: the agency sees both, a department only its own, the admin none', async () => {
    const all = await http.call('GET', '/api/cases', { token: tokens.agency1 });
    expect(all.status).toBe(200);
    const items = all.body.items as Json[];
    expect(items).toHaveLength(2);
    const mail = items.find((i) => i.channel === 'email');
    mailCase = mail.caseId;
    expect(mail.phase).toBe('acceptance'); // forwarded by the market regulator's mailbox: received by the department
    expect(items.find((i) => i.caseId === formCase).phase).toBe('dispatch');

    const scjgj = await http.call('GET', '/api/cases', { token: tokens['liaison-scjgj'] });
    expect(scjgj.body.items.map((i: Json) => i.caseId)).toEqual([mailCase]);
    const rsj = await http.call('GET', '/api/cases', { token: tokens['liaison-rsj'] });
    expect(rsj.body.items).toEqual([]);
    expect((await http.call('GET', '/api/cases?department=SCJGJ', { token: tokens['liaison-rsj'] })).status).toBe(403);
    expect((await http.call('GET', '/api/cases', { token: tokens.admin1 })).status).toBe(403);
    expect((await http.call('GET', '/api/cases?phase=nonsense', { token: tokens.agency1 })).status).toBe(400);
    expect((await http.call('GET', '/api/cases?phase=dispatch', { token: tokens.agency1 })).body.items.map((i: Json) => i.caseId)).toEqual([formCase]);
  });

  it('dispatches the form case with a slip; the liaison sees it redacted (confidential), the other department gets 403', async () => {
    await act('agency1', formCase, { action: 'dispatch', department: 'SCJGJ' });
    const view = await read('liaison-scjgj', formCase);
    liaisonReads += 1;
    expect(view.phase).toBe('acceptance');
    expect(JSON.stringify(view)).not.toContain('赵六');
    expect(JSON.stringify(view)).not.toContain('13911112222');
    expect(view.allowedActions).toEqual(expect.arrayContaining(['accept', 'reject']));
    expect(view.waiting.dueAt).toBe('2026-03-04T23:59:59+08:00');

    const slip = await http.call('GET', `/api/cases/${formCase}/slip`, { token: tokens['liaison-scjgj'] });
    expect(slip.status).toBe(200);
    expect(slip.text).toContain('政务服务投诉交办单');
    expect(slip.text).not.toContain('赵六');

    const agencyView = await read('agency1', formCase);
    expect(agencyView.intake.complainant.name).toBe('赵六');

    for (const path of [`/api/cases/${formCase}`, `/api/cases/${formCase}/timeline`, `/api/cases/${formCase}/slip`]) {
      expect((await http.call('GET', path, { token: tokens['liaison-rsj'] })).status).toBe(403);
    }
    const denied = await http.call('POST', `/api/cases/${formCase}/actions`, { token: tokens['liaison-rsj'], body: { action: 'accept' } });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toMatch(/无权/);
    expect((await http.call('GET', `/api/cases/${formCase}/audit`, { token: tokens['liaison-scjgj'] })).status).toBe(403);
  });

  it('maps a wrong phase to 409 and a bad body to 400, in Chinese', async () => {
    const conflict = await http.call('POST', `/api/cases/${formCase}/actions`, { token: tokens['liaison-scjgj'], body: { action: 'conclude', finding: 'substantiated', summary: '已核实' } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toMatch(/当前环节/);
    const bad = await http.call('POST', `/api/cases/${formCase}/actions`, { token: tokens.agency1, body: { action: 'reject', reason: 'art8-9' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('takes the form case through acceptance, transfer, conclusion, rectification, reply and follow-up on the virtual clock', async () => {
    await act('liaison-scjgj', formCase, { action: 'accept', note: '予以受理' });
    await act('liaison-scjgj', formCase, { action: 'classify', kind: 'transfer' });
    let view = await read('liaison-scjgj', formCase);
    liaisonReads += 1;
    expect(view.phase).toBe('handling');
    const due = view.waiting.dueAt as string;
    const leftBefore = view.workingDaysLeft as number;

    await clock.advanceTo('2026-03-03T10:00:00+08:00'); // one working day later
    view = await read('liaison-scjgj', formCase);
    liaisonReads += 1;
    expect(view.waiting.dueAt).toBe(due);
    expect(view.workingDaysLeft).toBe(leftBefore - 1);

    await act('liaison-scjgj', formCase, { action: 'conclude', finding: 'substantiated', summary: '经核查，延续申请确已超期，已督促办结。' });
    await act('liaison-scjgj', formCase, { action: 'file-rectification', summary: '已办结延续申请，并对窗口人员进行了提醒谈话。' });
    await act('liaison-scjgj', formCase, { action: 'reply', method: 'phone', summary: '已电话告知投诉人办理结果。' });
    await act('agency1', formCase, { action: 'record-follow-up', satisfaction: 'satisfied', note: '回访满意' });

    const final = await read('agency1', formCase);
    expect(final.phase).toBe('archived');
    expect(final.archive?.at).toEqual(expect.any(String));
    const types = (final.timeline as Json[]).map((e) => e.type);
    expect(types[0]).toBe('received');
    expect(types).toEqual(expect.arrayContaining(['dispatched', 'accepted', 'classified', 'concluded', 'rectification_filed', 'replied', 'follow_up_recorded', 'archived']));
  });

  it('takes the mailed case through acceptance, on-the-spot handling, the result mail as reply, and follow-up', async () => {
    await act('liaison-scjgj', mailCase, { action: 'accept' });
    await act('liaison-scjgj', mailCase, { action: 'classify', kind: 'general', finding: 'unfounded', summary: '经核查，退回理由符合规定，已向投诉人一次性告知补正材料。' });
    let view = await read('liaison-scjgj', mailCase);
    liaisonReads += 1;
    // The result mail sent at the conclusion is the reply (arts. 14(2), 16): the case waits for the visit only.
    expect(view.phase).toBe('follow_up');
    expect(view.reply).toMatchObject({ method: 'email' });
    await act('agency1', mailCase, { action: 'record-follow-up', satisfaction: 'basically_satisfied' });
    view = await read('agency1', mailCase);
    expect(view.phase).toBe('archived');
    expect(view.archive?.at).toEqual(expect.any(String));
  });

  it('records an audit entry for every read, denied reads included, visible to the agency only', async () => {
    const trail = await http.call('GET', `/api/cases/${formCase}/audit`, { token: tokens.agency1 });
    expect(trail.status).toBe(200);
    const items = trail.body.items as Json[];
    expect(items.filter((e) => e.what === 'read' && e.actor.id === 'liaison-scjgj')).toHaveLength(liaisonReads - 1); // one of them was of the mail case
    expect(items.filter((e) => e.actor.id === 'liaison-rsj' && String(e.what).endsWith('_denied')).length).toBeGreaterThanOrEqual(3);
    expect(items.some((e) => e.what === 'read_slip' && e.actor.id === 'liaison-scjgj')).toBe(true);
    expect(items.some((e) => e.what === 'action:dispatch' && e.actor.id === 'agency1')).toBe(true);
  });

  it('shows the outbox and the quarantine to the agency, not to a liaison', async () => {
    const outbox = await http.call('GET', '/api/outbox', { token: tokens.agency1 });
    expect(outbox.status).toBe(200);
    expect(outbox.body.items.length).toBeGreaterThan(0);
    expect((await http.call('GET', '/api/outbox', { token: tokens['liaison-scjgj'] })).status).toBe(403);
    expect((await http.call('GET', '/api/quarantine', { token: tokens.agency1 })).status).toBe(200);
    expect((await http.call('GET', '/api/quarantine', { token: tokens['liaison-scjgj'] })).status).toBe(403);
  });

  it('takes a raw mail from staff on POST /api/intake/email, idempotent on its Message-ID', async () => {
    const raw = new TextEncoder().encode(
      [
        'From: =?UTF-8?B?5byg5LiJ?= <zhangsan@example.com>',
        `To: ${rt.jurisdiction.intakeAddress}`,
        'Subject: =?UTF-8?B?5oqV6K+J?=',
        'Message-ID: <staff-upload-1@example.com>',
        'Date: Mon, 2 Mar 2026 10:00:00 +0800',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        '我是张三，电话13700001111。被投诉单位：船山区市场监督管理局。投诉事项：办理食品经营许可时窗口多次要求重复提交同一材料。',
      ].join('\r\n'),
    );
    expect((await http.call('POST', '/api/intake/email', { raw })).status).toBe(401);
    const first = await http.call('POST', '/api/intake/email', { token: tokens.agency1, raw });
    expect(first.status).toBe(201);
    expect(first.body.caseId).toEqual(expect.any(String));
    const again = await http.call('POST', '/api/intake/email', { token: tokens.agency1, raw });
    expect(again.body.caseId).toBe(first.body.caseId);
    await rt.workflow.idle();
  });

  it('turns a dropped letter batch into cases (done/) and a bad box opening into a report (failed/)', async () => {
    const batch = join(dir, 'staging', 'batch-1');
    await mkdir(batch, { recursive: true });
    for (const f of ['letter-001.png', 'letter-002.pdf', 'letter-002-p2.png']) await copyFile(join(REPO, 'test/fixtures/channels/scans', f), join(batch, f));
    const manifest = (await readFile(join(REPO, 'test/fixtures/channels/letters.csv'), 'utf8')).split('\n').slice(0, 3).join('\n') + '\n';
    await writeFile(join(batch, 'manifest.csv'), manifest);
    await rename(batch, join(rt.paths.inbox, 'letters', 'batch-1'));
    await writeFile(join(rt.paths.inbox, 'box', 'opening.csv'), 'box,place,openedAt,openedBy,slipNo,signed,matter\nB-09,大厅,2026-03-02 10:00,张三,1,否,内容\n');

    const letters = await waitFor('letter batch processed', async () => ((await readdir(join(rt.paths.inbox, 'letters', 'done'))).includes('batch-1.report.json') ? true : undefined));
    expect(letters).toBe(true);
    const report = JSON.parse(await readFile(join(rt.paths.inbox, 'letters', 'done', 'batch-1.report.json'), 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.rows.map((r: Json) => r.caseId)).toEqual([expect.any(String), expect.any(String)]);
    await waitFor('box opening processed', async () => ((await readdir(join(rt.paths.inbox, 'box', 'failed'))).includes('opening.csv.report.txt') ? true : undefined));
    const text = await readFile(join(rt.paths.inbox, 'box', 'failed', 'opening.csv.report.txt'), 'utf8');
    expect(text).toContain('第 1 行：未立案');
    expect(text).toContain('两名开箱人');
    await rt.workflow.idle();
  });
});
