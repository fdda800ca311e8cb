/**
 * Art. 22 in the console (headless Chromium against the embedded runtime): on 2026-03-02 the only rules version,
 * suining-2023, lapsed on 2025-09-30 and no successor is registered. Every staff page shows the banner: the agency
 * the full warning with how to register a successor, a department what it means for its cases. A screenshot of the
 * agency's queue with the banner goes to docs/console-rules-banner.png. (Its disappearance once a successor is in
 * force is tested on the console API in test/statemachine/rules-successor.test.ts.)
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
import { REPO } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'rules-banner-password';

describe('规则提醒 banner while only a lapsed rules version is in force', () => {
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
    dir = await mkdtemp(join(tmpdir(), 'tousu-rules-banner-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, reconcileEveryMs: 0 });
    clock.setSettle(() => rt.workflow.idle());
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'dept1', role: 'department', department: 'SCJGJ', password: PASSWORD });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the agency sees the full warning on every page, with how to register a successor (screenshot)', async () => {
    const p = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await login(p, 'agency1');
    const banner = p.locator('#rules-banner');
    await banner.filter({ hasText: '2025-09-30' }).waitFor();
    expect(await banner.getAttribute('role')).toBe('alert');
    const text = (await banner.textContent())!;
    expect(text).toMatch(/^规则提醒：/);
    expect(text).toContain('suining-2023');
    expect(text).toContain('config/rules/');
    await p.screenshot({ path: join(REPO, 'docs/console-rules-banner.png') });
    // Another page of the console: the banner stays.
    await p.getByRole('link', { name: '工作日历' }).click();
    await p.getByRole('heading', { name: '已有年份' }).waitFor();
    expect(await banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toBe(text);
    await p.close();
  });

  it('a department sees what the lapse means for its cases, not the administration steps', async () => {
    const p = await browser.newPage();
    await login(p, 'dept1');
    const banner = p.locator('#rules-banner');
    await banner.filter({ hasText: '届满' }).waitFor();
    const text = (await banner.textContent())!;
    expect(text).toContain('尚未登记后续版本，已通知管理员。');
    expect(text).toContain('已受理的投诉件按受理时施行的版本办理');
    expect(text).not.toContain('config/rules/');
    await p.close();
  });
});
