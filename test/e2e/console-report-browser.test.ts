/**
 * The console's 考核评价 page in a real browser (issue 10, item 3): Debian's Chromium through playwright-core
 * against the embedded runtime, in-process on random ports with a temporary data directory and a manual clock.
 * A complaint is concluded as substantiated through the staff API; another names a staff member with markup in
 * the name. The agency opens the page from the navigation (the last completed quarter by default), picks the
 * quarter of the conclusion and sees the unit, the person and the department rendered as inert text, downloads
 * the CSV (BOM, Chinese) and opens the HTML report from a Blob URL (its inline style applied, no CSP
 * violation). A department liaison has no such navigation entry and is refused on the page's address.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api } from './runtime-helpers';
import type { Api } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'console-report-password';
const PERSON = '李测试';
const MARKUP_PERSON = '<img src=x onerror="window.__xss=1;alert(1)">赵<b>某</b>';
const UNIT = '遂宁市船山区医疗保障局';

describe('console 考核评价 page in headless Chromium', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  let caseId = '';

  const file = async (person: string, matter: string): Promise<string> => {
    const r = await http.call('POST', '/api/complaints', {
      body: { complainant: { name: '测试投诉人', phone: '13700006666', anonymous: false, wantsReply: true, confidential: false }, respondent: { unit: UNIT, person }, matter },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body.caseId as string;
  };
  const act = async (who: string, id: string, body: Record<string, unknown>) => {
    const r = await http.call('POST', `/api/cases/${id}/actions`, { token: tokens[who], body });
    if (r.status !== 200) throw new Error(`${who} ${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
  };
  const login = async (p: Page, username: string) => {
    await p.goto(`${rt.httpUrl}/console`);
    await p.getByLabel('用户名').fill(username);
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('heading', { name: '我的待办' }).waitFor();
  };

  beforeAll(async () => {
    // A missing browser is a failure, never a skip: install it with `apt-get install -y chromium`.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-console-report-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday in 2026Q1
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-ybj', role: 'department', department: 'YBJ', password: PASSWORD });
    tokens.agency1 = await http.login('agency1', PASSWORD);
    tokens['liaison-ybj'] = await http.login('liaison-ybj', PASSWORD);

    caseId = await file(PERSON, '医保报销窗口工作人员要求提供无法开具的证明，往返三次未能办理。');
    await act('agency1', caseId, { action: 'dispatch', department: 'YBJ' });
    await act('liaison-ybj', caseId, { action: 'accept' });
    await act('liaison-ybj', caseId, { action: 'classify', kind: 'transfer' });
    await act('liaison-ybj', caseId, { action: 'conclude', finding: 'substantiated', summary: '经核查属实，已责令窗口一次性告知所需材料。' });
    await file(MARKUP_PERSON, '门诊慢特病认定材料被要求重复提交。');

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows the agency the report of a chosen quarter as text, with the CSV download and the HTML report', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const dialogs: string[] = [];
    const cspErrors: string[] = [];
    context.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspErrors.push(m.text());
    });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await login(page, 'agency1');

    // The navigation offers the page; it opens on the last completed quarter (on the runtime's clock).
    await page.locator('#nav').getByRole('link', { name: '考核评价' }).click();
    await page.getByRole('heading', { name: '考核评价', level: 1 }).waitFor();
    await page.locator('#report-notes').waitFor();
    expect(await page.getByLabel('季度').inputValue()).toBe('2025Q4');
    expect(await page.locator('#report-notes').textContent()).toContain('没有任何考评数据');
    expect(await page.locator('#report-quarter option').first().textContent()).toBe('2026年第1季度（进行中）');

    // The quarter of the conclusion.
    await page.getByLabel('季度').selectOption('2026Q1');
    await page.getByRole('button', { name: '查看' }).click();
    await page.waitForURL(/\/console\/reports\?quarter=2026Q1$/);
    await page.locator('#report-units table.report').waitFor();
    const unitRow = page.locator('#report-units tbody tr', { hasText: UNIT });
    expect(await unitRow.count()).toBe(1);
    const unitCells = await unitRow.locator('td').allTextContents();
    // 被投诉单位, 收到投诉, 属实, 部分属实, 不属实, 计入属实, 超期办结, 资格, 理由
    expect(unitCells.slice(0, 8)).toEqual([UNIT, '2', '1', '0', '0', '1', '0', '保留']);
    expect(unitCells[8]).toContain('未超过 3 件');
    const personRow = page.locator('#report-persons tbody tr', { hasText: PERSON });
    expect((await personRow.locator('td').allTextContents()).slice(0, 3)).toEqual([PERSON, UNIT, '1']);
    const deptRow = page.locator('#report-departments tbody tr', { hasText: UNIT });
    expect(await deptRow.locator('td').allTextContents()).toEqual([UNIT, '1', '1', '0', '100.0%', '1', '100.0%', '0.0%', '0', '—', '—']);
    expect(await page.locator('.report-cards').textContent()).toContain('收到投诉2');

    // A name with markup from a complaint is shown as text and runs nothing.
    expect(await page.locator('#report-persons tbody').textContent()).toContain(MARKUP_PERSON);
    await page.waitForTimeout(300); // an <img onerror> would have fired by now
    const injected = await page.evaluate(`({ flag: window.__xss, count: document.querySelectorAll('main img, main b, main script').length })`);
    expect(injected).toEqual({ flag: undefined, count: 0 });
    expect(dialogs).toEqual([]);
    await page.screenshot({ path: join(dir, 'console-report.png'), fullPage: true });

    // CSV: fetched with the token, saved as a download.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV（Excel）' }).click()]);
    expect(download.suggestedFilename()).toBe(`考核评价-${rt.jurisdiction.code}-2026Q1.csv`);
    const csv = await readFile((await download.path())!);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain(UNIT);

    // HTML: fetched with the token, opened in a new tab from a Blob URL; its inline style is applied.
    const [popup] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: '打开 HTML 报告' }).click()]);
    await popup.waitForURL(/^blob:/);
    await popup.locator('h1').waitFor();
    expect(await popup.locator('h1').textContent()).toContain('2026年第1季度');
    expect(await popup.evaluate(`getComputedStyle(document.querySelector('h2')).borderLeftWidth`)).toBe('4px');
    expect(await popup.locator('svg').count()).toBeGreaterThan(0);
    expect(await popup.locator('body').textContent()).toContain(PERSON);
    expect(await popup.evaluate('window.opener')).toBeNull();
    expect(await page.locator('.toolbar [role="status"]').textContent()).toContain('已在新标签页打开');
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it('offers a department liaison no report page and refuses its address', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    const page = await context.newPage();
    await login(page, 'liaison-ybj');
    expect(await page.locator('#nav').textContent()).toContain('我的待办');
    expect(await page.locator('#nav').getByRole('link', { name: '考核评价' }).count()).toBe(0);
    await page.goto(`${rt.httpUrl}/console/reports?quarter=2026Q1`);
    await page.locator('.error-box').waitFor();
    expect(await page.locator('.error-box').textContent()).toContain('只有政务服务管理机构和主管领导');
    expect(await page.locator('table.report').count()).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain(PERSON);
    // The API refuses the liaison on its own, whatever the page does.
    expect((await http.call('GET', '/api/reports/evaluation?quarter=2026Q1', { token: tokens['liaison-ybj'] })).status).toBe(403);
    await context.close();
  });
});
