/**
 * The working-day calendar in the console (headless Chromium against the embedded runtime): with no 2027 notice
 * and a case on provisional dates, the administrator sees the warning on every page, pastes the notice, checks
 * what was read and imports it; the open case is recomputed and the warning is gone. Agency staff see the page
 * without the import form.
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
import { REPO, api } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'calendar-console-password';

describe('工作日历 in the console', () => {
  let dir: string;
  let rt: Runtime;
  let browser: Browser;

  const login = async (p: Page, username: string) => {
    await p.goto(`${rt.httpUrl}/console`);
    await p.getByLabel('用户名').fill(username);
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-calendar-console-'));
    const clock = new ManualClock('2026-12-31T10:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    await rt.users.add({ username: 'admin1', role: 'admin', password: PASSWORD });
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    const filed = await api(rt.httpUrl).call('POST', '/api/complaints', {
      body: {
        complainant: { name: '孙测试', phone: '13700009999', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '遂宁市船山区市场监督管理局' },
        matter: '办理营业执照变更时窗口未一次性告知所需材料。',
      },
    });
    if (filed.status !== 201) throw new Error(`complaint: ${filed.status} ${filed.text}`);
    await rt.workflow.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('agency staff see the warning and the years, without the import form', async () => {
    const p = await browser.newPage();
    await login(p, 'agency1');
    await p.locator('#calendar-banner', { hasText: '2027 年' }).waitFor();
    await p.getByRole('link', { name: '工作日历' }).click();
    await p.getByRole('heading', { name: '已有年份' }).waitFor();
    expect(await p.locator('#notice-text').count()).toBe(0);
    await p.close();
  });

  it('the administrator pastes the notice, checks it and imports it; the provisional case is recomputed', async () => {
    const p = await browser.newPage();
    await login(p, 'admin1');
    await p.locator('#calendar-banner', { hasText: '1 件在办投诉' }).waitFor();
    await p.getByRole('link', { name: '工作日历' }).click();
    await p.getByLabel('通知全文（含标题）').fill(await readFile(join(REPO, 'test/fixtures/calendar/sample-2027-notice.txt'), 'utf8'));
    await p.getByRole('button', { name: '读取并核对' }).click();
    await p.locator('#notice-result', { hasText: '2027-02-14' }).waitFor();
    expect(rt.calendar.hasYear(2027)).toBe(false);
    await p.getByRole('button', { name: '确认导入 2027 年' }).click();
    await p.locator('#flash', { hasText: '重新计算了 1 件' }).waitFor();
    expect(rt.calendar.hasYear(2027)).toBe(true);
    await p.close();
  });
});
