/**
 * Routing in the staff console (issue 15), in headless Chromium against the embedded runtime: the case page shows
 * the routing decision with its reason and the ranked candidates; the dispatch form comes prefilled with the
 * proposal; a re-route is one action through the same form, written to the timeline and counted on the case.
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
const PASSWORD = 'routing-test-password';

describe('routing in the console (headless Chromium)', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let browser: Browser;
  let page: Page;
  const ids = { shared: '', other: '' };

  const file = async (unit: string, matter: string, phone: string): Promise<string> => {
    const r = await http.call('POST', '/api/complaints', {
      body: { complainant: { name: '测试投诉人', phone, anonymous: false, wantsReply: true, confidential: false }, respondent: { unit }, matter },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body.caseId as string;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-routing-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    ids.shared = await file('社保局', '社保局的医疗报销拖了三个月还没到账，窗口让我等通知。', '13700000001');
    ids.other = await file('蓬溪县行政审批局', '施工许可申请材料被窗口拒收，也不说明理由。', '13700000002');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 1000 } })).newPage();
    await page.goto(`${rt.httpUrl}/console`);
    await page.getByLabel('用户名').fill('agency1');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('table.cases tbody tr').first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the dispatch queue shows each proposal', async () => {
    const row = page.locator(`tr[data-case-id="${ids.shared}"]`);
    expect(await row.locator('.badge.routing').textContent()).toBe('建议交办：遂宁市船山区医疗保障局');
    expect(await page.locator(`tr[data-case-id="${ids.other}"] .badge.routing`).textContent()).toBe('建议交办：蓬溪县');
  });

  it('shows the reason and the ranked candidates; the dispatch form is prefilled; a re-route is one action, counted', async () => {
    await page.goto(`${rt.httpUrl}/console/cases/${ids.shared}`);
    await page.locator('#routing-decision').waitFor();
    expect(await page.locator('#routing-decision').textContent()).toContain('本级部门（单位）：遂宁市船山区医疗保障局（把握 90%');
    expect(await page.locator('#routing-reason').textContent()).toBe('依据：事项：医疗费用报销 → 遂宁市船山区医疗保障局');
    const candidates = page.locator('#routing-candidates tbody tr');
    expect(await candidates.count()).toBeGreaterThanOrEqual(2);
    expect(await candidates.nth(0).textContent()).toContain('遂宁市船山区医疗保障局');
    expect(await page.locator('#routing-candidates').textContent()).toContain('遂宁市船山区人力资源和社会保障局');
    await page.screenshot({ path: join(REPO, 'docs/console-routing.png'), fullPage: true });

    const form = page.locator('form[data-action="dispatch"]');
    expect(await form.locator('select[name="department"]').inputValue()).toBe('YBJ');
    await form.locator('button[type="submit"]').click();
    await page.locator('.status-line .badge.phase', { hasText: '受理' }).waitFor();
    await rt.workflow.idle();

    // Re-route while the department has not accepted: the same form, another department.
    await page.reload();
    const again = page.locator('form[data-action="dispatch"]');
    await again.waitFor({ state: 'attached' });
    if ((await page.locator('details[data-action="dispatch"]').getAttribute('open')) === null) await page.locator('details[data-action="dispatch"] summary').click();
    await again.locator('select[name="department"]').selectOption('RSJ');
    await again.locator('textarea[name="note"]').fill('养老保险关系转移问题，属人社局');
    await again.locator('button[type="submit"]').click();
    await page.locator('#routing-reroutes').waitFor();
    expect(await page.locator('#routing-reroutes').textContent()).toMatch(/已改派 1 次：.*遂宁市船山区医疗保障局 → 遂宁市船山区人力资源和社会保障局/);
    expect(await page.locator('ol.timeline').textContent()).toContain('改派遂宁市船山区人力资源和社会保障局办理');
    const trail = (await rt.store.auditTrail(ids.shared)).map((a) => a.what);
    expect(trail).toEqual(expect.arrayContaining(['action:dispatch', 'action:reroute']));
  });

  it('another jurisdiction: the refusal form is prefilled with art. 8(1), the competent body and 转12345', async () => {
    await page.goto(`${rt.httpUrl}/console/cases/${ids.other}`);
    await page.locator('#routing-decision').waitFor();
    expect(await page.locator('#routing-decision').textContent()).toContain('其他辖区：蓬溪县');
    expect(await page.locator('#routing-reason').textContent()).toContain('单位：蓬溪县行政审批局 → 蓬溪县（非本辖区');
    const form = page.locator('form[data-action="reject"]');
    expect(await form.locator('[name="referral"]').inputValue()).toContain('蓬溪县行政审批局');
    expect(await form.locator('[name="transferTo12345"]').isChecked()).toBe(true);
  });
});
