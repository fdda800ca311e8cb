/**
 * The staff console in a real browser (issue 9): Debian's Chromium through playwright-core (never a downloaded
 * browser) against the embedded runtime, in-process on random ports with a temporary data directory and a manual
 * clock. Cases of two departments are filed through the public API and dispatched by the agency; a department
 * liaison logs in, sees only their department's cases ordered by deadline (an overdue one marked in text),
 * accepts, classifies, concludes and replies through the forms (a 409 and a 400 shown in Chinese on the way);
 * a case whose text holds script payloads renders inert. Screenshots of the queue and the case page go to docs/.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { proxy } from 'hono/proxy';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { errorResponse } from '../../functions/api/app';
import { registerConsoleRoutes } from '../../functions/api/routes/console';
import { ManualClock } from '../../infra/local/clock';
import { FolderBlobStore } from '../../infra/local/folder-blob-store';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api, REPO } from './runtime-helpers';
import type { Api, Json } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'console-test-password';
const XSS_MATTER = [
  '窗口人员态度恶劣。<script>window.__xss = 1; alert("script")</script>',
  '<img src="x" onerror="window.__xss = 2; alert(\'img\')">',
  '<a href="javascript:alert(\'link\')">点此查看</a>',
  '<svg onload="alert(\'svg\')"><script>alert("svg-script")</script></svg>',
  '<iframe srcdoc="<script>parent.__xss = 3</script>"></iframe>',
].join('\n');

/** Serves the console on the runtime's origin; a front server (console + proxy) until the runtime mounts it. */
async function consoleOrigin(rt: Runtime): Promise<{ base: string; close: () => Promise<void> }> {
  const probe = await fetch(`${rt.httpUrl}/console`);
  if (probe.status === 200 && (await probe.text()).includes('/console/assets/app.js')) return { base: rt.httpUrl, close: async () => undefined };
  const app = new Hono();
  app.onError((err, c) => errorResponse(c, err));
  app.use('*', async (c, next) => {
    await next();
    if (c.res.headers.get('content-type')?.startsWith('text/html')) {
      c.header('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'");
    }
  });
  registerConsoleRoutes(app, {
    api: {
      verifier: rt.tokens,
      store: rt.store,
      jurisdiction: rt.jurisdiction,
      calendar: rt.calendar,
      rules: rt.rules,
      clock: rt.clock,
      performAction: () => Promise.reject(new Error('the console API takes no actions')),
      blobs: new FolderBlobStore(rt.paths.blobs),
    },
  });
  app.all('*', (c) => {
    const u = new URL(c.req.url);
    return proxy(`${rt.httpUrl}${u.pathname}${u.search}`, { ...c.req, headers: { ...c.req.header() } });
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function caseIds(rows: Locator): Promise<(string | null)[]> {
  return Promise.all((await rows.all()).map((r) => r.getAttribute('data-case-id')));
}

describe('staff console in headless Chromium', () => {
  let dir: string;
  let rt: Runtime;
  let clock: ManualClock;
  let http: Api;
  let browser: Browser;
  let origin: { base: string; close: () => Promise<void> };
  let agencyToken: string;
  let liaisonToken: string;
  const ids: Record<'overdue' | 'a' | 'other' | 'xss', string> = { overdue: '', a: '', other: '', xss: '' };

  const file = async (unit: string, matter: string, phone: string, extra: Record<string, unknown> = {}): Promise<string> => {
    const r = await http.call('POST', '/api/complaints', {
      body: { complainant: { name: '测试投诉人', phone, anonymous: false, wantsReply: true, confidential: false }, respondent: { unit }, matter, ...extra },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    await rt.workflow.idle();
    return r.body.caseId as string;
  };
  const dispatch = async (caseId: string, department: string) => {
    const r = await http.call('POST', `/api/cases/${caseId}/actions`, { token: agencyToken, body: { action: 'dispatch', department } });
    if (r.status !== 200) throw new Error(`dispatch ${caseId}: ${r.status} ${r.text}`);
    await rt.workflow.idle();
  };

  beforeAll(async () => {
    // A missing browser is a failure, never a skip: install it with `apt-get install -y chromium`.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-console-'));
    clock = new ManualClock('2026-03-02T09:00:00+08:00'); // a Monday
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison-ybj', role: 'department', department: 'YBJ', password: PASSWORD });
    agencyToken = await http.login('agency1', PASSWORD);

    // One case of the medical-insurance bureau goes overdue at acceptance (due Wednesday, now Thursday).
    ids.overdue = await file('遂宁市船山区医疗保障局', '异地就医备案申请提交后一直显示审核中，电话无人接听。', '13700000001');
    await dispatch(ids.overdue, 'YBJ');
    await clock.advanceTo('2026-03-05T10:00:00+08:00');
    agencyToken = await http.login('agency1', PASSWORD);
    liaisonToken = await http.login('liaison-ybj', PASSWORD);

    ids.a = await file('遂宁市船山区医疗保障局', '医保报销窗口要求提供无法开具的证明，往返三次未能办理。', '13700001111', { facts: '2026年2月起先后三次前往医保中心窗口。' });
    ids.other = await file('遂宁市船山区人力资源和社会保障局', '社保转移接续申请超过时限仍未办结。', '13700002222');
    ids.xss = await file('遂宁市船山区医疗保障局', XSS_MATTER, '13700003333', { facts: '<b onmouseover="alert(1)">加粗</b><object data="javascript:alert(2)"></object>' });
    await dispatch(ids.a, 'YBJ');
    await dispatch(ids.other, 'RSJ');
    await dispatch(ids.xss, 'YBJ');

    origin = await consoleOrigin(rt);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await origin?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];

  const login = async (p: Page, username: string) => {
    await p.goto(`${origin.base}/console`);
    await p.getByLabel('用户名').fill(username);
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
  };
  const submitAction = async (action: string) => {
    await page.locator(`form[data-action="${action}"] button[type="submit"]`).click();
  };
  const expectPhase = async (label: string) => {
    await page.locator('.status-line .badge.phase', { hasText: label }).waitFor();
  };

  it('serves the console shell under a CSP without inline script', async () => {
    const res = await fetch(`${origin.base}/console/cases/anything`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await res.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).not.toMatch(/<script>(?!<)/);
    expect((await fetch(`${origin.base}/console/assets/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${origin.base}/console/assets/..%2Fapp.js`)).status).toBe(404);
  });

  it('logs the liaison in and shows only their department’s cases, by deadline, the overdue one marked in words', async () => {
    context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await login(page, 'liaison-ybj');
    await page.getByRole('heading', { name: '我的待办' }).waitFor();
    const rows = page.locator('table.cases tbody tr');
    await rows.first().waitFor();
    const shown = await caseIds(rows);
    expect(shown).toEqual([ids.overdue, ids.a, ids.xss]);
    expect(shown).not.toContain(ids.other);
    const first = rows.first();
    expect(await first.getAttribute('class')).toContain('overdue');
    expect(await first.locator('.days').textContent()).toMatch(/已超期.*已超期 \d+ 个工作日/);
    expect(await rows.nth(1).locator('.days').textContent()).toContain('剩余 2 个工作日');
    expect(await page.locator('.summary').textContent()).toContain('其中已超期 1 件');
    // A liaison sees only their department's cases: no column repeating its name.
    expect(await page.locator('table.cases thead').textContent()).not.toContain('承办部门');
    // The liaison's navigation has no quarantine or outbox.
    expect(await page.locator('#nav').textContent()).not.toContain('隔离邮件');
    await page.screenshot({ path: join(REPO, 'docs/console-queue.png'), fullPage: true });

    // Filter: overdue only.
    await page.getByLabel('是否超期').selectOption('true');
    await page.getByRole('button', { name: '筛选' }).click();
    await page.waitForURL(/overdue=true/);
    await page.locator('table.cases tbody tr').first().waitFor();
    expect(await page.locator('table.cases tbody tr').count()).toBe(1);
  });

  it('refuses another department’s case with a Chinese 403 message', async () => {
    await page.goto(`${origin.base}/console/cases/${ids.other}`);
    await page.locator('.error-box').waitFor();
    expect(await page.locator('.error-box').textContent()).toContain('无权');
  });

  it('accepts, classifies, concludes and replies through the forms, with 409 and 400 shown in Chinese', async () => {
    await page.goto(`${origin.base}/console/cases/${ids.a}`);
    await expectPhase('待受理');
    const forms = await Promise.all((await page.locator('form.action-form').all()).map((f) => f.getAttribute('data-action')));
    expect(forms).toEqual(expect.arrayContaining(['accept', 'reject']));
    expect(forms).not.toContain('dispatch');
    expect(forms).not.toContain('conclude');
    expect(await page.locator('#case-matter').textContent()).toContain('医保报销窗口');
    expect(await page.getByRole('link', { name: '交办单打印视图' }).count()).toBe(1);

    // Someone else accepted meanwhile: the form's submit answers 409, shown in Chinese.
    const other = await http.call('POST', `/api/cases/${ids.a}/actions`, { token: liaisonToken, body: { action: 'accept' } });
    expect(other.status).toBe(200);
    await rt.workflow.idle();
    await submitAction('accept');
    const alert = page.locator('form[data-action="accept"] .form-alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('当前环节不可用');

    await page.reload();
    await expectPhase('待分类办理');
    // 400: no kind chosen; the message sits next to the field.
    await submitAction('classify');
    const kindError = page.locator('#act-classify-kind-error');
    await kindError.waitFor();
    expect(await kindError.textContent()).toContain('请选择投诉类型');
    expect(await page.locator('#act-classify-kind').getAttribute('aria-invalid')).toBe('true');
    await page.locator('form[data-action="classify"]').getByLabel('登记转办类').check();
    await submitAction('classify');
    await expectPhase('办理中');
    expect(await page.locator('#flash').textContent()).toContain('已提交“分类”');
    expect(await page.locator('.status-line').textContent()).toContain('剩余 3 个工作日');

    await page.locator('details[data-action="conclude"] > summary').click();
    const conclude = page.locator('form[data-action="conclude"]');
    await conclude.getByLabel('不属实').check();
    await conclude.getByLabel('办理结果').fill('经核查，窗口要求的证明属于法定材料，已向投诉人说明并协助开具。');
    await page.screenshot({ path: join(REPO, 'docs/console-case.png'), fullPage: true });
    await submitAction('conclude');
    await expectPhase('待答复');

    const reply = page.locator('form[data-action="reply"]');
    await reply.getByLabel('电话').check();
    await reply.getByLabel('答复内容记录').fill('已电话告知投诉人核查结果。');
    await submitAction('reply');
    await expectPhase('待回访');
    const timeline = await page.locator('ol.timeline').textContent();
    for (const s of ['受理', '办结', '答复']) expect(timeline).toContain(s);

    const stored = await rt.store.get(ids.a);
    expect(stored?.phase).toBe('follow_up');
    expect(stored?.classification).toBe('transfer');
    expect(stored?.conclusion?.finding).toBe('unfounded');
    expect(stored?.reply?.method).toBe('phone');

    // The follow-up call is the agency's (art. 17): the case leaves the liaison's own queue for the section below.
    await page.goto(`${origin.base}/console`);
    await page.locator('table.cases').first().waitFor();
    const ownQueue = page.locator('table.cases').filter({ has: page.locator('caption', { hasText: '待办投诉件' }) });
    const waitingOnOthers = page.locator('table.cases').filter({ has: page.locator('caption', { hasText: '等待其他单位办理' }) });
    expect(await ownQueue.locator(`tr[data-case-id="${ids.a}"]`).count()).toBe(0);
    expect(await waitingOnOthers.locator(`tr[data-case-id="${ids.a}"]`).count()).toBe(1);
  });

  it('renders a case whose text holds script payloads inert', async () => {
    const inert = async () => {
      await page.waitForTimeout(300); // an <img onerror> would have fired by now
      // A string: the test is compiled without the DOM library.
      const found = await page.evaluate(`({
        flag: window.__xss,
        injected: document.querySelectorAll('main script, main img, main svg, main iframe:not(.slip), main object, main b').length,
        jsLinks: [...document.querySelectorAll('a')].filter((a) => (a.getAttribute('href') || '').trim().toLowerCase().startsWith('javascript')).length,
      })`);
      expect(found).toEqual({ flag: undefined, injected: 0, jsLinks: 0 });
      expect(dialogs).toEqual([]);
    };
    await page.goto(`${origin.base}/console`);
    await page.locator(`tr[data-case-id="${ids.xss}"]`).waitFor();
    expect(await page.locator(`tr[data-case-id="${ids.xss}"] .matter`).textContent()).toContain('<script>');
    await inert();

    await page.goto(`${origin.base}/console/cases/${ids.xss}`);
    await page.locator('#case-matter').waitFor();
    const matter = await page.locator('#case-matter').textContent();
    expect(matter).toContain('<img src="x" onerror=');
    expect(matter).toContain('<svg onload=');
    expect(await page.locator('#case-facts').textContent()).toContain('<b onmouseover=');
    await page.locator('#case-matter').hover();
    await page.locator('#case-facts').hover();
    await inert();

    // The slip print view: server-escaped HTML in a sandbox without scripts.
    await page.getByRole('link', { name: '交办单打印视图' }).click();
    const frame = page.frameLocator('iframe.slip');
    await frame.getByRole('heading', { name: '政务服务投诉交办单' }).waitFor();
    expect(await page.locator('iframe.slip').getAttribute('sandbox')).not.toContain('allow-scripts');
    await inert();
  });

  it('lets the agency search by tracking number and phone and open the outbox, quarantine and duplicates', async () => {
    const agency = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const p = await agency.newPage();
    await login(p, 'agency1');
    await p.getByRole('heading', { name: '我的待办' }).waitFor();
    await p.locator('table.cases tbody tr').first().waitFor();
    expect(await p.locator('table.cases tbody tr').count()).toBe(4);
    await p.screenshot({ path: join(REPO, 'docs/console-queue-phone.png'), fullPage: false });

    await p.getByRole('link', { name: '查询' }).click();
    await p.getByLabel('受理编号、联系电话或投诉内容').fill('137 0000 2222');
    await p.getByRole('button', { name: '查询' }).click();
    await p.locator('table.cases tbody tr').first().waitFor();
    expect(await caseIds(p.locator('table.cases tbody tr'))).toEqual([ids.other]);

    await p.getByLabel('受理编号、联系电话或投诉内容').fill(ids.a);
    await p.getByRole('button', { name: '查询' }).click();
    await p.locator(`tr[data-case-id="${ids.a}"]`).waitFor();

    // One character is neither a number nor a phrase to look for.
    await p.getByLabel('受理编号、联系电话或投诉内容').fill('a');
    await p.getByRole('button', { name: '查询' }).click();
    await p.locator('#search-q-error:not([hidden])').waitFor();

    await p.getByRole('link', { name: '发件箱' }).click();
    await p.locator('table.cases tbody tr').first().waitFor();
    expect(await p.locator('table.cases').textContent()).toContain(ids.a);
    // Notice kinds as words, never as codes.
    const kinds = await p.locator('table.cases tbody td[data-label="类型"]').allTextContents();
    expect(kinds.length).toBeGreaterThan(0);
    for (const k of kinds) expect(k).not.toMatch(/^[a-z_0-9]+$/);

    await p.getByRole('link', { name: '隔离邮件' }).click();
    await p.getByText('隔离区为空。').waitFor();
    await p.getByRole('link', { name: '疑似重复件' }).click();
    await p.getByRole('heading', { name: '疑似重复件' }).waitFor();
    await p.locator('main .empty, main ul.dups').first().waitFor();
    await agency.close();

    // Every phone search hit is audited (who searched, by which key; never the phone itself).
    const trail = await http.call('GET', `/api/cases/${ids.other}/audit`, { token: agencyToken });
    const searches = (trail.body.items as Json[]).filter((e) => e.what === 'search');
    expect(searches).toEqual([expect.objectContaining({ actor: expect.objectContaining({ id: 'agency1' }), detail: { by: 'phone' } })]);
  });

  it('keeps a department from finding a confidential complainant by phone', async () => {
    const id = await file('遂宁市船山区医疗保障局', '门诊慢特病认定材料被要求重复提交。', '13700004444', {
      complainant: { name: '保密投诉人', phone: '13700004444', anonymous: false, wantsReply: true, confidential: true },
    });
    await dispatch(id, 'YBJ');
    const front = api(origin.base);
    const asLiaison = await front.call('GET', '/api/console/search?q=13700004444', { token: liaisonToken });
    expect(asLiaison.status).toBe(200);
    expect(asLiaison.body.items).toEqual([]);
    const asAgency = await front.call('GET', '/api/console/search?q=13700004444', { token: agencyToken });
    expect(asAgency.body.items.map((i: Json) => i.caseId)).toEqual([id]);
    expect((await front.call('GET', '/api/console/search?q=13700004444')).status).toBe(401);
  });
});
