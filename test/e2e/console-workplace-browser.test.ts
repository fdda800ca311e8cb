/**
 * The console as the place where staff do their work (issue 21), in headless Chromium against the embedded runtime:
 * the browser's own print of a 交办单 and of a case, the archive filter, words instead of dashes, and registering a
 * phone complaint from the keyboard.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api, REPO } from './runtime-helpers';
import type { Api } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'workplace-test-password';

describe('the console as a workplace (headless Chromium)', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let browser: Browser;
  let page: Page;
  let agencyToken: string;
  const ids = { a: '', b: '' };

  const file = async (unit: string, matter: string, phone: string, name = '测试投诉人'): Promise<string> => {
    const r = await http.call('POST', '/api/complaints', {
      body: { complainant: { name, phone, anonymous: false, wantsReply: true, confidential: false }, respondent: { unit }, matter },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body.caseId as string;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-workplace-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-ybj', role: 'department', department: 'YBJ', password: PASSWORD });
    agencyToken = await http.login('agency1', PASSWORD);
    ids.a = await file('社保局', '社保局的医疗报销拖了三个月还没到账，窗口让我等通知。'.repeat(3), '13700000001');
    ids.b = await file('市场监管局', '营业执照变更申请提交后两周没有任何回音。', '13700000002');
    const d = await http.call('POST', `/api/cases/${ids.a}/actions`, { token: agencyToken, body: { action: 'dispatch', department: 'YBJ' } });
    if (d.status !== 200) throw new Error(`dispatch: ${d.status} ${d.text}`);
    await rt.workflow.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${rt.httpUrl}/console`);
    await page.getByLabel('用户名').fill('agency1');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('heading', { name: '我的待办' }).waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('prints the 交办单 whole from the browser’s own print: no console chrome, the frame as tall as the slip', async () => {
    await page.goto(`${rt.httpUrl}/console/cases/${ids.a}/slip`);
    const frame = page.locator('iframe.print-doc');
    await frame.waitFor();
    await page.waitForFunction(`(() => {
      const f = document.querySelector('iframe.print-doc');
      return !!f?.contentDocument?.body?.textContent?.includes('承办单位签收人') && f.getBoundingClientRect().height > 300;
    })()`);
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('header.top').isVisible()).toBe(false);
      expect(await page.locator('main h1').isVisible()).toBe(false);
      expect(await page.locator('.toolbar').isVisible()).toBe(false);
      expect(await frame.isVisible()).toBe(true);
      // The frame holds its whole document: nothing cut off at a fixed height.
      const fit = (await page.evaluate(`(() => {
        const f = document.querySelector('iframe.print-doc');
        return { frame: f.getBoundingClientRect().height, doc: f.contentDocument.documentElement.scrollHeight };
      })()`)) as { frame: number; doc: number };
      expect(fit.frame).toBeGreaterThanOrEqual(fit.doc);
      await page.screenshot({ path: join(REPO, 'docs/console-slip-print.png'), fullPage: true });
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('prints a case page as the case file: the actions column, buttons and navigation left off', async () => {
    await page.goto(`${rt.httpUrl}/console/cases/${ids.a}`);
    await page.locator('ol.timeline').waitFor();
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await page.locator('header.top').isVisible()).toBe(false);
      expect(await page.locator('#actions').isVisible()).toBe(false);
      expect(await page.locator('.back').isVisible()).toBe(false);
      expect(await page.locator('#case-matter').isVisible()).toBe(true);
      expect(await page.locator('ol.timeline').isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  it('the archive filter is its own list, not “cases waiting on others”', async () => {
    await page.goto(`${rt.httpUrl}/console`);
    await page.getByRole('heading', { name: '我的待办' }).waitFor();
    await page.getByLabel('环节').selectOption('archived');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.getByRole('heading', { name: '已归档的投诉件' }).waitFor();
    await page.locator('.summary').waitFor();
    expect(await page.locator('.summary').textContent()).toContain('共 0 件已归档');
    expect(await page.locator('main').textContent()).not.toContain('等待其他单位办理');
    expect(await page.locator('#q-phase optgroup[label="已办结"] option').textContent()).toBe('已归档的投诉件');
  });

  it('says why a date is unknown instead of a dash', async () => {
    const texts = await page.evaluate(async () => {
      const m = await import('/console/assets/dom.js' as string);
      return [
        m.daysLeftText({ phase: 'archived', overdue: true }),
        m.daysLeftText({ phase: 'merged' }),
        m.daysLeftText({ phase: 'handling', dueAt: '2026-03-10T16:00:00Z' }),
        m.daysLeftText({ phase: 'handling', overdue: true }),
        m.dueText({ phase: 'archived' }),
        m.overdueBadge({ phase: 'archived', overdue: true })?.textContent,
      ];
    });
    expect(texts).toEqual(['已办结归档，不再计时', '已合并到另一投诉件，按该件计时', '无法计算剩余工作日（工作日历缺少该期限所在年度）', '本环节期限已过，等待办理', '已归档', '曾超期']);
    for (const t of texts) expect(t).not.toMatch(/^—$|—$/);
  });
});
