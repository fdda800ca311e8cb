/**
 * The queue as a liaison and the agency need it (issue 21, item 2), in headless Chromium against the embedded runtime:
 * sorting by column, saved views kept per user, bulk 交办 with one confirmation that starts at the recognised department
 * with the routing reason beside it, and new cases appearing in another user's queue without a reload, marked 新 until
 * opened.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api } from './runtime-helpers';
import type { Api } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'queue-test-password-1';

describe('the console queue: sorting, views, bulk 交办, live refresh (headless Chromium)', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const filed: string[] = [];

  const file = async (unit: string, matter: string, phone: string, name: string): Promise<string> => {
    const r = await http.call('POST', '/api/complaints', {
      body: { complainant: { name, phone, anonymous: false, wantsReply: true, confidential: false }, respondent: { unit }, matter },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    await clock.advanceBy(60_000);
    return r.body.caseId as string;
  };

  const login = async (p: Page, username: string): Promise<void> => {
    await p.goto(`${rt.httpUrl}/console`);
    await p.getByLabel('用户名').fill(username);
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('heading', { name: '我的待办' }).waitFor();
  };

  const rowIds = async (p: Page): Promise<string[]> =>
    p
      .locator('table.cases')
      .first()
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case-id') ?? ''));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-queue-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-scj', role: 'department', department: 'SCJGJ', password: PASSWORD });
    filed.push(await file('市场监管局', '营业执照变更申请提交后两周没有任何回音。', '13700000011', '周一'));
    filed.push(await file('不动产登记中心', '不动产登记窗口要求重复提交同一份材料。', '13700000012', '吴二'));
    filed.push(await file('市场监管局', '食品经营许可证延续办理超过承诺时限。', '13700000013', '郑三'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await login(page, 'agency1');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sorts by a column heading, both ways, and keeps the order in the URL', async () => {
    await page.locator('table.cases tbody tr').first().waitFor();
    const received = page.locator('th button.sort[data-sort="received"]');
    await received.click();
    expect(await page.locator('th[aria-sort]').textContent()).toContain('收到时间');
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    expect(await rowIds(page)).toEqual(filed);
    await page.locator('th button.sort[data-sort="received"]').click();
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    expect(await rowIds(page)).toEqual([...filed].reverse());
    expect(page.url()).toContain('sort=received');
    expect(page.url()).toContain('dir=desc');
    // Department: names in order, the undispatched last whatever the direction; the summary says the order.
    await page.locator('th button.sort[data-sort="department"]').click();
    expect(await page.locator('.summary').textContent()).toContain('按承办部门升序排列');
    await page.reload();
    await page.locator('table.cases tbody tr').first().waitFor();
    expect(await page.locator('th[aria-sort]').textContent()).toContain('承办部门');
  });

  it('built-in views (我的超期, 待交办) and the user’s own saved view, kept for that user only', async () => {
    await page.goto(`${rt.httpUrl}/console`);
    await page.locator('nav.views').waitFor();
    expect(await page.locator('nav.views a.view').allTextContents()).toEqual(['全部待办', '我的超期', '待交办']);
    await page.locator('nav.views a.view', { hasText: '我的超期' }).click();
    await page.waitForURL(/overdue=true/);
    await page.locator('main .empty, main table.cases').first().waitFor();
    expect(await page.locator('nav.views a.view[aria-current]').textContent()).toBe('我的超期');
    expect(await page.locator('#q-overdue').inputValue()).toBe('true');
    await page.locator('nav.views a.view', { hasText: '待交办' }).click();
    await page.waitForURL(/phase=dispatch/);
    await page.locator('table.cases tbody tr').first().waitFor();
    expect(await page.locator('table.cases tbody tr').count()).toBe(3);

    // Own view: the web channel, awaiting dispatch.
    await page.locator('#q-channel').selectOption('web');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/channel=web/);
    await page.locator('#view-save-open').click();
    await page.locator('#view-name').fill('我的看板');
    await page.keyboard.press('Enter');
    await page.locator('nav.views a.view', { hasText: '我的看板' }).waitFor();
    expect(await page.locator('#flash').textContent()).toContain('已保存视图“我的看板”');
    // A name of a built-in view is refused with the reason.
    await page.locator('#view-save-open').click();
    await page.locator('#view-name').fill('待交办');
    await page.keyboard.press('Enter');
    expect(await page.locator('#view-name-error').textContent()).toContain('系统视图的名称');
    // Still there after a reload, and it restores its filters.
    await page.goto(`${rt.httpUrl}/console`);
    await page.locator('nav.views a.view', { hasText: '我的看板' }).click();
    await page.waitForURL(/channel=web/);
    expect(await page.locator('#q-phase').inputValue()).toBe('dispatch');
    expect(await page.locator('nav.views a.view[aria-current]').textContent()).toBe('我的看板');

    // Another user in the same browser does not get it.
    const other = await context.newPage();
    try {
      await login(other, 'liaison-scj');
      expect(await other.locator('nav.views a.view').allTextContents()).toEqual(['全部待办', '我的超期', '待受理']);
    } finally {
      await other.close();
    }
  });

  it('the case page’s 交办 choice starts at the recognised department with the routing reason beside it', async () => {
    await page.goto(`${rt.httpUrl}/console/cases/${filed[0]}`);
    const select = page.locator('#act-dispatch-department');
    await select.waitFor();
    const record = await rt.store.get(filed[0]!);
    expect(record?.routing?.department).toBeTruthy();
    expect(await select.inputValue()).toBe(record!.routing!.department);
    expect(await page.locator('#act-dispatch-department-why').textContent()).toContain(record!.routing!.reason);
    expect(await select.getAttribute('aria-describedby')).toContain('act-dispatch-department-why');
  });

  it('bulk 交办 from the keyboard: x selects, ONE dialog lists the cases at their recognised departments, one confirmation; a liaison sees them arrive without a reload, 新 until opened', async () => {
    const liaison = await context.newPage();
    try {
      await login(liaison, 'liaison-scj');
      await liaison.locator('main .empty, main table.cases').first().waitFor();
      const before = await liaison.locator('table.cases tbody tr').count();

      await page.goto(`${rt.httpUrl}/console?phase=dispatch&sort=received&dir=asc`);
      await page.locator('table.cases tbody tr').first().waitFor();
      await page.locator('main h1').focus();
      for (let n = 0; n < 3; n++) {
        await page.keyboard.press('j');
        await page.keyboard.press('x');
      }
      expect(await page.locator('#bulk-dispatch').textContent()).toBe('批量交办（已选 3 件）');
      await page.locator('#bulk-dispatch').focus();
      await page.keyboard.press('Enter');
      const dialog = page.locator('#bulk-dialog');
      await dialog.waitFor();
      expect(await dialog.locator('tbody tr').count()).toBe(3);
      const records = await Promise.all(filed.map((id) => rt.store.get(id)));
      for (const [n, r] of records.entries()) {
        const row = dialog.locator(`tr[data-case-id="${filed[n]}"]`);
        expect(await row.locator('select.bulk-dept').inputValue()).toBe(r!.routing!.department);
        expect(await row.locator('td.routing-why').textContent()).toContain(r!.routing!.reason);
      }
      // The focus is in the dialog; the confirmation is reached with Tab and pressed with Enter: one confirmation.
      expect(await page.evaluate('document.activeElement.closest("dialog")?.id')).toBe('bulk-dialog');
      await page.locator('#bulk-confirm').focus();
      await page.keyboard.press('Enter');
      await dialog.locator('#bulk-confirm', { hasText: '完成' }).waitFor();
      expect(await dialog.locator('.form-alert').textContent()).toBe('已交办 3 件。');
      await page.keyboard.press('Enter');
      await page.locator('#flash', { hasText: '批量交办：已交办 3 件。' }).waitFor();
      await rt.workflow.idle();
      for (const [n, r] of records.entries()) {
        const now = await rt.store.get(filed[n]!);
        expect(now?.department).toBe(r!.routing!.department);
        expect(now?.phase).toBe('acceptance');
      }

      // The liaison's queue, never reloaded: the market regulator's two cases appear, marked 新.
      const scj = records.filter((r) => r!.routing!.department === 'SCJGJ').map((r) => r!.caseId);
      expect(scj.length).toBeGreaterThanOrEqual(1);
      for (const id of scj) await liaison.locator(`tr[data-case-id="${id}"][data-fresh="new"]`).waitFor({ timeout: 30_000 });
      expect(await liaison.locator('table.cases tbody tr').count()).toBe(before + scj.length);
      expect(await liaison.locator('#q-live').textContent()).toContain(`新到 ${scj.length} 件`);
      expect(await liaison.locator(`tr[data-case-id="${scj[0]}"] .badge-new`).textContent()).toBe('新');
      // Opened, then back: no longer marked.
      await liaison.locator(`tr[data-case-id="${scj[0]}"] a.row-link`).click();
      await liaison.locator('ol.timeline').waitFor();
      await liaison.goBack();
      await liaison.locator(`tr[data-case-id="${scj[0]}"]`).waitFor();
      expect(await liaison.locator(`tr[data-case-id="${scj[0]}"]`).getAttribute('data-fresh')).toBe('');
    } finally {
      await liaison.close();
    }
  }, 90_000);
});
