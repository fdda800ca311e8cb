/**
 * The console's 考评决定 page (art. 20) in Debian's Chromium (playwright-core) against the embedded runtime: four
 * complaints against one unit are concluded as substantiated through the staff API; the agency opens the page from
 * the navigation, evaluates the quarter (one decision, its four grounds linked to the cases); the unit's liaison
 * objects to one ground with the keyboard only; the agency upholds it; three grounds left are not more than three,
 * so the decision is withdrawn, and the page shows the change. Screenshot: docs/console-decisions.png.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { REPO, api } from './runtime-helpers';
import type { Api } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'console-decisions-password';
const UNIT = '遂宁市船山区医疗保障局';

describe('console 考评决定 page in headless Chromium', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const cases: string[] = [];

  const act = async (who: string, id: string, body: Record<string, unknown>) => {
    const r = await http.call('POST', `/api/cases/${id}/actions`, { token: tokens[who], body });
    if (r.status !== 200) throw new Error(`${who} ${String(body.action)}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
  };
  const login = async (p: Page, username: string) => {
    await p.goto(`${rt.httpUrl}/console`);
    await p.getByLabel('用户名').fill(username);
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByLabel('密码').press('Enter');
    await p.getByRole('heading', { name: '我的待办' }).waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-console-decisions-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-ybj', role: 'department', department: 'YBJ', password: PASSWORD });
    tokens.agency1 = await http.login('agency1', PASSWORD);
    tokens['liaison-ybj'] = await http.login('liaison-ybj', PASSWORD);
    for (const matter of ['医保报销往返三次未能办理。', '门诊慢特病认定材料被要求重复提交。', '异地就医备案窗口态度恶劣。', '医保卡补办一个多月迟迟没有结果。']) {
      const r = await http.call('POST', '/api/complaints', {
        body: { complainant: { name: '测试投诉人', phone: '13700006666', anonymous: false, wantsReply: true, confidential: false }, respondent: { unit: UNIT }, matter },
      });
      await rt.workflow.idle();
      const id = r.body.caseId as string;
      await act('agency1', id, { action: 'dispatch', department: 'YBJ' });
      await act('liaison-ybj', id, { action: 'accept' });
      await act('liaison-ybj', id, { action: 'classify', kind: 'transfer' });
      await act('liaison-ybj', id, { action: 'conclude', finding: 'substantiated', summary: '经核查属实，已整改。' });
      cases.push(id);
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the agency evaluates, the liaison objects by keyboard, the agency upholds, and the page shows the withdrawal', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const agency = await context.newPage();
    await login(agency, 'agency1');
    await agency.locator('#nav').getByRole('link', { name: '考评决定' }).click();
    await agency.getByRole('heading', { name: '考评决定', level: 1 }).waitFor();
    await agency.goto(`${rt.httpUrl}/console/decisions?quarter=2026Q1`);
    await agency.getByRole('button', { name: '评定2026年第1季度' }).click();
    const card = agency.locator('section.decision');
    await card.waitFor();
    expect(await card.locator('h3').textContent()).toContain(UNIT);
    expect(await card.locator('h3').textContent()).toContain('取消评优评先资格');
    // Each ground links to its case.
    const links = await card.locator('tbody a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual(cases.map((id) => `/console/cases/${encodeURIComponent(id)}`).sort());

    // The liaison, keyboard only: the objection form's select, text and button.
    const liaisonContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const liaison = await liaisonContext.newPage();
    await login(liaison, 'liaison-ybj');
    await liaison.goto(`${rt.httpUrl}/console/decisions?quarter=2026Q1`);
    const form = liaison.locator('form.decision-form', { hasText: '提出异议' });
    await form.waitFor();
    await form.locator('select').focus();
    await form.locator('select').selectOption(cases[0]!);
    await liaison.keyboard.press('Tab');
    await liaison.keyboard.type('该件经复查系投诉人误解办理时限，不属实。');
    await liaison.keyboard.press('Tab');
    await liaison.keyboard.press('Enter');
    await liaison.locator('.objection').waitFor();
    expect(await liaison.locator('.objection').textContent()).toContain('待政务服务管理机构复核');
    // The liaison has no evaluate button and no ruling form.
    expect(await liaison.getByRole('button', { name: /评定/ }).count()).toBe(0);
    expect(await liaison.locator('form', { hasText: '复核异议' }).count()).toBe(0);

    await agency.reload();
    const ruling = agency.locator('form.decision-form', { hasText: '复核异议' });
    await ruling.waitFor();
    await ruling.getByLabel('复核结论').selectOption('true');
    await ruling.getByLabel('复核意见').fill('经调阅业务档案，该件不属实。');
    await ruling.getByRole('button', { name: '提交复核' }).click();
    await agency.locator('.objection', { hasText: '异议成立' }).waitFor();
    expect(await agency.locator('section.decision h3').textContent()).toContain('已撤销');
    expect(await agency.locator('tr.struck').count()).toBe(1);
    await agency.locator('section.decision details summary').click();
    expect(await agency.locator('section.decision details').textContent()).toContain('撤销决定');
    await agency.screenshot({ path: resolve(REPO, 'docs/console-decisions.png'), fullPage: true });
    await liaisonContext.close();
    await context.close();
  });
});
