/**
 * The art. 18 dossier of a case run end to end through the embedded runtime (real ASL on the in-process engine,
 * real HTTP, the outbox, the archive store) and printed from the console in Debian's Chromium (playwright-core):
 * a complaint with mail, phone and postal contacts is dispatched with a slip, accepted, handled, concluded with an
 * art. 15 other problem, rectified, replied to and visited, and archived. The dossier holds the slip as issued and
 * the notices, reads are audited, another department is refused, the CLI fetches it too, and a print to PDF gives
 * one page per section.
 * Screenshot: docs/archive-dossier.png.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api, REPO, runCli, waitFor } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'dossier-test-password';
const COMPLAINANT = { name: '周丽华', phone: '13700004444', email: 'zhoulh@example.com', address: '船山区明月路7号', anonymous: false, wantsReply: true, confidential: false };

describe('archive dossier of a demo case, printed in headless Chromium', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  let browser: Browser;
  let agency: string;
  let liaison: string;
  let other: string;
  let caseId = '';
  let openCaseId = '';

  const act = async (token: string, body: Record<string, unknown>, at?: string): Promise<Json> => {
    if (at) await clock.advanceTo(at);
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token, body });
    if (r.status !== 200) throw new Error(`${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body;
  };
  const file = async (matter: string): Promise<string> => {
    const r = await http.call('POST', '/api/complaints', {
      body: { complainant: COMPLAINANT, respondent: { unit: '遂宁市船山区医疗保障局' }, matter, facts: '2026年2月起先后三次前往医保中心窗口。' },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body.caseId as string;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-dossier-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-ybj', role: 'department', department: 'YBJ', password: PASSWORD });
    await rt.users.add({ username: 'liaison-rsj', role: 'department', department: 'RSJ', password: PASSWORD });

    caseId = await file('医保报销窗口要求提供无法开具的证明，往返三次未能办理。');
    openCaseId = await file('异地就医备案申请提交后一直显示审核中。');
    agency = await http.login('agency1', PASSWORD);
    liaison = await http.login('liaison-ybj', PASSWORD);
    other = await http.login('liaison-rsj', PASSWORD);

    await act(agency, { action: 'dispatch', department: 'YBJ', note: '请核实窗口一次性告知落实情况。' }, '2026-03-02T10:00:00+08:00');
    await act(liaison, { action: 'accept' }, '2026-03-02T14:00:00+08:00');
    // The acceptance notice went by mail (sent by the system) and as a call and a letter: staff record both.
    const accepted = await act(liaison, { action: 'classify', kind: 'transfer' }, '2026-03-02T15:00:00+08:00');
    for (const t of (accepted.contacts as Json[]).filter((x) => x.status === 'pending')) {
      await act(liaison, { action: 'record-contact', contactId: t.id, outcome: t.channel === 'letter' ? 'posted' : 'reached', note: t.channel === 'letter' ? '挂号信已寄出' : '已电话告知受理' });
    }
    await act(
      liaison,
      { action: 'conclude', finding: 'partial', summary: '经核查，窗口未一次性告知所需材料，已批评教育。', otherProblems: '核查中发现医保中心叫号系统故障两周未报修。' },
      '2026-03-04T10:00:00+08:00',
    );
    await act(liaison, { action: 'file-rectification', summary: '已在窗口公示一次性告知清单。', otherProblems: '叫号系统已于3月4日修复，建立每日巡检。' }, '2026-03-04T16:00:00+08:00');
    // The result mail went at the conclusion and counts as the reply (art. 14(2)); the result call and letter are recorded.
    const rectified = await http.call('GET', `/api/cases/${caseId}`, { token: agency });
    for (const t of (rectified.body.contacts as Json[]).filter((x) => x.status === 'pending')) {
      await act(
        liaison,
        { action: 'record-contact', contactId: t.id, outcome: t.channel === 'letter' ? 'posted' : 'reached', note: t.channel === 'letter' ? '结果告知书已寄出' : '已电话告知核查结果' },
        '2026-03-05T10:00:00+08:00',
      );
    }
    await act(agency, { action: 'record-follow-up', satisfaction: 'satisfied', note: '投诉人对整改表示满意。' }, '2026-03-05T15:00:00+08:00');
    await waitFor('archive file recorded', async () => {
      const r = await http.call('GET', `/api/cases/${caseId}`, { token: agency });
      return r.body?.archive?.sha256 ? r.body : undefined;
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('serves the dossier to the agency and the handling unit, audited; refuses another unit and an open case', async () => {
    const res = await fetch(`${rt.httpUrl}/api/cases/${caseId}/dossier`, { headers: { authorization: `Bearer ${agency}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain(`JB-${caseId}`);
    expect(html).toContain('核查中发现医保中心叫号系统故障两周未报修。');
    expect(html).toContain('叫号系统已于3月4日修复，建立每日巡检。');
    expect(html).toContain(COMPLAINANT.name);

    expect((await fetch(`${rt.httpUrl}/api/cases/${caseId}/dossier`, { headers: { authorization: `Bearer ${liaison}` } })).status).toBe(200);
    const refused = await http.call('GET', `/api/cases/${caseId}/dossier`, { token: other });
    expect(refused.status).toBe(403);
    const notYet = await http.call('GET', `/api/cases/${openCaseId}/dossier`, { token: agency });
    expect(notYet.status).toBe(409);
    expect(notYet.body.message).toContain('尚未归档');
    expect((await http.call('GET', `/api/cases/${caseId}/dossier`)).status).toBe(401);

    const audit = await http.call('GET', `/api/cases/${caseId}/audit`, { token: agency });
    const reads = (audit.body.items as Json[]).map((a) => `${a.actor.id}:${a.what}`);
    expect(reads).toEqual(expect.arrayContaining(['agency1:read_dossier', 'liaison-ybj:read_dossier', 'liaison-rsj:read_dossier_denied']));
  });

  it('prints through the CLI too (tousu dossier), with a plain error and exit 2 for a refused or open case', async () => {
    const out = join(dir, 'dossier.html');
    const ok = await runCli(['dossier', caseId, '--api', rt.httpUrl, '--token', agency, '--out', out]);
    expect(ok.stderr).toContain(`已写入 ${out}`);
    expect(ok.code).toBe(0);
    expect(await readFile(out, 'utf8')).toContain(`JB-${caseId}`);
    const open = await runCli(['dossier', openCaseId, '--api', rt.httpUrl, '--token', agency]);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('尚未归档');
    const refused = await runCli(['dossier', caseId, '--api', rt.httpUrl, '--token', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('HTTP 403');
  }, 60_000);

  it('the archive file holds the slip as issued', async () => {
    const c = (await http.call('GET', `/api/cases/${caseId}`, { token: agency })).body;
    const dispatched = (c.timeline as Json[]).find((e) => e.type === 'dispatched');
    const slip = (dispatched.data.issued as Json[]).find((d) => d.kind === 'assignment_slip');
    expect(slip.html).toContain('请核实窗口一次性告知落实情况。');
    const ref = String(c.archive.ref);
    expect(ref).toMatch(/^file:/);
    const archived = JSON.parse(await readFile(join(rt.paths.archive, ref.slice('file:'.length)), 'utf8'));
    const kept = (archived.timeline as Json[]).find((e) => e.type === 'dispatched').data.issued[0];
    expect(kept.sha256).toBe(slip.sha256);
    expect(kept.html).toBe(slip.html);
  });

  it('opens from the console case page and prints with its slip and notices', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${rt.httpUrl}/console`);
    await page.getByLabel('用户名').fill('agency1');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '我的待办' }).waitFor();
    await page.goto(`${rt.httpUrl}/console/cases/${caseId}`);
    await page.locator('#dossier-link').click();
    await page.waitForURL(/\/dossier$/);
    const frame = page.frameLocator('iframe.dossier');
    await frame.getByRole('heading', { name: '投诉处理工作档案' }).waitFor();
    // The table of contents links every section; the slip is inside its shadow root (locators pierce it).
    expect(await frame.locator('#toc li').count()).toBe(8);
    await frame.locator('#slips').getByRole('heading', { name: '政务服务投诉交办单', exact: true, level: 1 }).waitFor();
    // innerText stops at the shadow root; a locator does not.
    expect(await frame.locator('#slips').innerText()).not.toContain('请核实窗口一次性告知落实情况。');
    await frame.locator('#slips').getByText('请核实窗口一次性告知落实情况。').waitFor();
    expect(await frame.locator('#slips').getByText(`编号：JB-${caseId}`).count()).toBe(1);
    const notices = await frame.locator('#notices').innerText();
    expect(notices).toContain('投诉受理告知');
    expect(notices).toContain('【电话告知】');
    expect(notices).toContain('挂号信已寄出');
    expect(notices).toContain('整改情况报备');
    expect(await page.getByRole('button', { name: '打印归档案卷' }).isVisible()).toBe(true);
    await context.close();

    // The volume as printed: the same HTML on its own, A4 width, one sheet per section; the PDF has a page each at least.
    const html = await (await fetch(`${rt.httpUrl}/api/cases/${caseId}/dossier`, { headers: { authorization: `Bearer ${agency}` } })).text();
    const sheet = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    await sheet.setContent(html, { waitUntil: 'load' });
    const pdf = await sheet.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(10);
    // Screenshot: cover, contents, complaint record, slip and notices (the first sheets).
    const notices2 = await sheet.locator('#notices').boundingBox();
    await sheet.screenshot({ path: join(REPO, 'docs/archive-dossier.png'), fullPage: true, clip: { x: 0, y: 0, width: 900, height: Math.min(9000, Math.ceil((notices2?.y ?? 6000) + 1600)) } });
    await sheet.close();
  }, 60_000);
});
