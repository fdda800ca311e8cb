/**
 * Issue 21 "Done when", in headless Chromium against the embedded runtime, keyboard only: agency staff register a
 * phone complaint, find it by the caller's name, and 交办 it and two others in ONE bulk action; a liaison, whose
 * queue is open the whole time, sees it appear without a reload; an administrator creates a user and replays a dead
 * letter. Screenshots: docs/console-queue-bulk.png (the queue with the bulk dialog), docs/console-users.png.
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
import { SqliteFaults } from '../fixtures/sqlite-faults';
import { api, REPO } from './runtime-helpers';
import type { Api } from './runtime-helpers';
import { ADMIN_ROUTES } from '../unit/admin-routes-list';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'a-working-day-password';

describe('a working day in the console, keyboard only (issue 21 Done when)', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let browser: Browser;
  let context: BrowserContext;
  let agency: Page;
  let liaison: Page;
  const others: string[] = [];

  const tabTo = async (p: Page, id: string): Promise<void> => {
    for (let n = 0; n < 120; n++) {
      if ((await p.evaluate('document.activeElement && document.activeElement.id')) === id) return;
      await p.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  };
  const typeInto = async (p: Page, id: string, text: string): Promise<void> => {
    await tabTo(p, id);
    await p.keyboard.type(text);
  };
  const login = async (p: Page, username: string): Promise<void> => {
    await p.goto(`${rt.httpUrl}/console`);
    await p.locator('#login-username').waitFor();
    expect(await p.evaluate('document.activeElement.tagName')).toBe('H1');
    await typeInto(p, 'login-username', username);
    await typeInto(p, 'login-password', PASSWORD);
    await p.keyboard.press('Enter');
    await p.locator('#nav:not([hidden])').waitFor();
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-day-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, reconcileEveryMs: 0 });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-scj', role: 'department', department: 'SCJGJ', password: PASSWORD });
    await rt.users.add({ username: 'admin1', role: 'admin', password: PASSWORD });
    for (const [n, matter] of ['营业执照变更申请提交后两周没有任何回音。', '食品经营许可证延续办理超过承诺时限。'].entries()) {
      const r = await http.call('POST', '/api/complaints', {
        body: { complainant: { name: `来件人${n}`, phone: `1370000002${n}`, anonymous: false, wantsReply: true, confidential: false }, respondent: { unit: '市场监管局' }, matter },
      });
      if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
      others.push(r.body.caseId as string);
    }
    await rt.workflow.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
    agency = await context.newPage();
    liaison = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the embedded runtime exposes the same /api/admin routes as the API Lambda (401 without a token, never 404)', async () => {
    for (const route of ADMIN_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const r = await http.call(method as 'GET', path.replace(':username', 'x').replace(':id', 'a'.repeat(32)).replace(':caseId', 'c1'), method === 'POST' ? { body: {} } : {});
      expect([route, r.status]).toEqual([route, 401]);
    }
  });

  it('agency registers a phone call, finds it by the caller’s name, 交办 it and two others in one bulk action; the liaison sees it arrive without a reload', async () => {
    await login(liaison, 'liaison-scj');
    await liaison.locator('main .empty, main table.cases').first().waitFor();
    await login(agency, 'agency1');

    // Register the call.
    await agency.goto(`${rt.httpUrl}/console/register`);
    await agency.getByRole('heading', { name: '登记投诉' }).waitFor();
    expect(await agency.evaluate('document.activeElement.id')).toBe('reg-channel-phone');
    await typeInto(agency, 'reg-hotline', '0825-12345');
    await typeInto(agency, 'reg-name', '冯来电');
    await typeInto(agency, 'reg-phone', '13900000123');
    await typeInto(agency, 'reg-respondentUnit', '市场监管局');
    await typeInto(agency, 'reg-matter', '来电反映：个体工商户注销申请提交一个月仍未办结。');
    await tabTo(agency, 'register-submit');
    await agency.keyboard.press('Enter');
    await agency.locator('#registered-title').waitFor();
    const caseId = (await agency.locator('#registered-no').textContent())!;
    await rt.workflow.idle();

    // Find it by the caller's name, select it, then two others.
    await agency.goto(`${rt.httpUrl}/console?phase=dispatch`);
    await agency.locator('table.cases tbody tr').first().waitFor();
    await agency.keyboard.press('/');
    await agency.keyboard.type('冯来电');
    await agency.locator('#q-count', { hasText: '显示 1 件' }).waitFor();
    await agency.keyboard.press('Tab'); // leaves the search box
    await agency.keyboard.press('j');
    expect(await agency.evaluate('document.activeElement.closest("tr").dataset.caseId')).toBe(caseId);
    await agency.keyboard.press('x');
    await agency.keyboard.press('/');
    await agency.keyboard.press('Backspace');
    await agency.keyboard.press('Tab');
    for (let n = 0; n < 6 && (await agency.locator('input.row-select:checked').count()) < 3; n++) {
      await agency.keyboard.press('j');
      const checked = await agency.evaluate('document.activeElement.closest("tr")?.querySelector("input.row-select")?.checked');
      if (checked === false) await agency.keyboard.press('x');
    }
    expect(await agency.locator('#bulk-dispatch').textContent()).toBe('批量交办（已选 3 件）');
    await tabTo(agency, 'bulk-dispatch');
    await agency.keyboard.press('Enter');
    await agency.locator('#bulk-dialog').waitFor();
    expect(await agency.locator('#bulk-dialog tbody tr').count()).toBe(3);
    await agency.screenshot({ path: join(REPO, 'docs/console-queue-bulk.png') });
    await tabTo(agency, 'bulk-confirm');
    await agency.keyboard.press('Enter');
    await agency.locator('#bulk-confirm', { hasText: '完成' }).waitFor();
    expect(await agency.locator('#bulk-dialog .form-alert').textContent()).toBe('已交办 3 件。');
    await agency.keyboard.press('Enter');
    await agency.locator('#flash', { hasText: '已交办 3 件' }).waitFor();
    await rt.workflow.idle();
    for (const id of [caseId, ...others]) expect((await rt.store.get(id))?.phase).toBe('acceptance');

    // The liaison's page was never reloaded.
    await liaison.locator(`tr[data-case-id="${caseId}"][data-fresh="new"]`).waitFor({ timeout: 30_000 });
    expect(await liaison.locator(`tr[data-case-id="${caseId}"] td.who-col`).textContent()).toBe('冯来电');
  }, 120_000);

  it('an administrator creates a user and replays a dead letter, each change audited', async () => {
    // A staff entry that cannot be filed (every claim write refused) is parked as a dead letter.
    const token = await http.login('agency1', PASSWORD);
    const faults = new SqliteFaults(rt.paths.database);
    try {
      faults.failInserts('sources', 'disk refused the write');
      const parked = await http.call('POST', '/api/intake/phone', {
        token,
        body: { entryId: 'day-entry-0001', name: '褚停电', phone: '13900000456', respondentUnit: '市场监管局', matter: '来电反映：网上预约系统一直显示无号。' },
      });
      expect(parked.status).toBe(202);
    } finally {
      faults.clear();
      faults.close();
    }

    const admin = await context.newPage();
    try {
      await login(admin, 'admin1');
      await admin.goto(`${rt.httpUrl}/console/users`);
      await admin.locator('#users').waitFor();
      await typeInto(admin, 'nu-username', 'liaison-new');
      await typeInto(admin, 'nu-name', '卫新人');
      // 角色 starts at 承办部门首席事务代表; the department is chosen by typing its name into the focused select.
      await tabTo(admin, 'nu-role');
      expect(await admin.locator('#nu-role').inputValue()).toBe('department');
      await tabTo(admin, 'nu-department');
      await admin.keyboard.press('ArrowDown'); // the first department of the list: the market regulator
      expect(await admin.locator('#nu-department').inputValue()).toBe('SCJGJ');
      await typeInto(admin, 'nu-password', 'first-password-1');
      await admin.keyboard.press('Enter');
      await admin
        .locator('#flash', { hasText: '已创建账户 liaison-new' })
        .waitFor({ timeout: 10_000 })
        .catch(async (err) => {
          throw new Error(`${(err as Error).message}: ${await admin.locator('#user-create').textContent()}`);
        });
      await admin.locator('tr[data-username="liaison-new"]').waitFor();
      expect(await admin.locator('tr[data-username="liaison-new"]').textContent()).toContain('遂宁市船山区市场监督管理局');
      expect(await admin.locator('#user-changes').textContent()).toContain('创建账户：liaison-new');
      await admin.screenshot({ path: join(REPO, 'docs/console-users.png'), fullPage: true });
      const created = await rt.users.get('liaison-new');
      expect(created).toMatchObject({ role: 'department', department: 'SCJGJ', name: '卫新人', disabled: false });
      expect(await http.login('liaison-new', 'first-password-1')).toBeTruthy();
      const audit = await rt.store.auditTrail('ADMIN-USERS');
      expect(audit.at(-1)).toMatchObject({ what: 'user_created', actor: { role: 'admin', id: 'admin1' }, detail: { username: 'liaison-new' } });
      expect(JSON.stringify(audit)).not.toContain('first-password-1');

      // The dead letter: listed without its content, replayed with one key press.
      await admin.goto(`${rt.httpUrl}/console/recovery`);
      const row = admin.locator('#dead-letters tbody tr').first();
      await row.waitFor();
      expect(await admin.locator('#dead-letters').textContent()).not.toContain('褚停电');
      const id = (await row.getAttribute('data-dead-letter'))!;
      await row.locator('button', { hasText: '重放' }).focus();
      await admin.keyboard.press('Enter');
      await admin
        .locator('#flash', { hasText: '重放成功' })
        .waitFor({ timeout: 15_000 })
        .catch(async (err) => {
          throw new Error(`${(err as Error).message}: ${await admin.locator('main').textContent()}`);
        });
      await rt.workflow.idle();
      const dl = await rt.recovery.deadLetters.get(id);
      expect(dl?.status).toBe('resolved');
      const filed = await rt.store.get(dl!.resolution!.caseId!);
      expect(filed?.intake.complainant.name).toBe('褚停电');
      expect((await rt.store.auditTrail('ADMIN-RECOVERY')).at(-1)).toMatchObject({ what: 'dead_letter_replayed', actor: { id: 'admin1' }, detail: { deadLetterId: id, ok: true } });
      expect(await admin.locator('#dead-letters, main .empty').first().textContent()).toContain('没有待处理的死信');
    } finally {
      await admin.close();
    }
  }, 120_000);

  it('an agency user may not manage accounts; a liaison may not see dead letters (403 in Chinese)', async () => {
    const a = await http.login('agency1', PASSWORD);
    const r = await http.call('GET', '/api/admin/users', { token: a });
    expect([r.status, r.body.message]).toEqual([403, '只有系统管理员可以管理账户。']);
    const l = await http.login('liaison-scj', PASSWORD);
    expect((await http.call('GET', '/api/admin/dead-letters', { token: l })).status).toBe(403);
    expect((await http.call('GET', '/api/admin/dead-letters', { token: a })).status).toBe(200);
  });
});
