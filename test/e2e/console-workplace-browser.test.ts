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

  /** Presses Tab (or Shift+Tab) until the element with this id has the focus: the keyboard path a person takes. */
  const tabTo = async (id: string, back = false): Promise<void> => {
    for (let n = 0; n < 80; n++) {
      if ((await page.evaluate('document.activeElement && document.activeElement.id')) === id) return;
      await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    }
    throw new Error(`Tab never reached #${id}`);
  };
  const typeInto = async (id: string, text: string): Promise<void> => {
    await tabTo(id);
    await page.keyboard.type(text);
  };

  it('registers a phone complaint from the keyboard: the API’s messages beside the fields, then the number and code to read out', async () => {
    await page.goto(`${rt.httpUrl}/console/register`);
    await page.getByRole('heading', { name: '登记投诉' }).waitFor();
    expect(await page.evaluate('document.activeElement.id')).toBe('reg-channel-phone');
    // Nothing typed: the API's own messages, each beside its field; the first invalid field has the focus.
    await typeInto('reg-hotline', '0825-12345');
    await page.keyboard.press('Enter');
    await page.locator('#register-alert:not([hidden])').waitFor();
    expect(await page.locator('#register-alert').textContent()).toContain('实名投诉应有姓名或单位名称（第四条）');
    expect(await page.locator('#reg-name-error').textContent()).toContain('实名投诉应有姓名或单位名称');
    expect(await page.locator('#reg-matter').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate('document.activeElement.getAttribute("aria-invalid")')).toBe('true');

    await typeInto('reg-name', '王来电');
    await typeInto('reg-phone', '13900000077');
    await typeInto('reg-respondentUnit', '社保局');
    await typeInto('reg-matter', '来电反映：社保卡补办一个月了还没有拿到，窗口说系统故障。');
    await page.screenshot({ path: join(REPO, 'docs/console-register-phone.png'), fullPage: true });
    // A double press of Enter: one case.
    await tabTo('reg-respondentUnit', true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.locator('#registered-title').waitFor();
    const caseId = (await page.locator('#registered-no').textContent())!;
    const code = (await page.locator('#registered-code').textContent())!;
    expect(caseId).toMatch(/^510903-\d{8}-\d{4}$/);
    expect(code.length).toBeGreaterThanOrEqual(6);
    expect(await page.locator('#registered-read-out').textContent()).toContain(`受理编号 ${caseId}，查询码 ${code}`);
    expect(await page.evaluate('document.activeElement.id')).toBe('registered-title');
    await rt.workflow.idle();
    const record = await rt.store.get(caseId);
    expect(record?.intake.channel).toBe('phone');
    expect(record?.intake.complainant.name).toBe('王来电');
    expect(record?.intake.channelDetails).toMatchObject({ hotline: '0825-12345', enteredBy: 'agency1' });
    const phones = (await rt.store.query({ jurisdiction: '510903', limit: 100 })).items.filter((c) => c.intake.complainant.phone === '13900000077');
    expect(phones).toHaveLength(1);
  });

  it('shows possible duplicates before saving, and saves only once confirmed', async () => {
    await page.goto(`${rt.httpUrl}/console/register`);
    await page.getByRole('heading', { name: '登记投诉' }).waitFor();
    await page.keyboard.press('ArrowDown'); // 窗口来访
    expect(await page.evaluate('document.activeElement.id')).toBe('reg-channel-onsite');
    await typeInto('reg-name', '王来电');
    await typeInto('reg-phone', '13900000077');
    await typeInto('reg-respondentUnit', '社保局');
    await typeInto('reg-matter', '来电反映：社保卡补办一个月了还没有拿到，窗口说系统故障。');
    const before = (await rt.store.query({ jurisdiction: '510903', limit: 100 })).items.length;
    await tabTo('register-submit');
    await page.keyboard.press('Enter');
    await page.locator('#register-duplicates').waitFor();
    expect(await page.locator('#register-duplicates').textContent()).toMatch(/510903-\d{8}-\d{4}/);
    expect(await page.locator('#register-submit').textContent()).toBe('确认登记');
    expect((await rt.store.query({ jurisdiction: '510903', limit: 100 })).items.length).toBe(before);
    await tabTo('register-submit');
    await page.keyboard.press('Enter');
    await page.locator('#registered-title').waitFor();
    await rt.workflow.idle();
    expect((await rt.store.query({ jurisdiction: '510903', limit: 100 })).items.length).toBe(before + 1);
  });

  it('a major window complaint needs the signed form: the API’s art. 7(1) message, checked before saving', async () => {
    const r = await http.call('POST', '/api/intake/onsite/check', {
      token: agencyToken,
      body: { entry: { name: '李来访', phone: '13900000088', matter: '重大事项投诉', major: true, entryId: 'check-entry-0001' } },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((p: { code: string }) => p.code)).toContain('signed_form_required');
    const ok = await http.call('POST', '/api/intake/onsite/check', {
      token: agencyToken,
      body: { entry: { name: '李来访', phone: '13900000088', matter: '重大事项投诉', major: true, entryId: 'check-entry-0001' }, signedForm: true },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ok: true, outcome: 'new', candidates: [] });
    expect((await http.call('POST', '/api/intake/onsite/check', { body: { entry: {} } })).status).toBe(401);
  });

  it('registers a 12345 work order (its number, once) and a letter (its scans) through the same screen', async () => {
    await page.goto(`${rt.httpUrl}/console/register`);
    await page.getByRole('heading', { name: '登记投诉' }).waitFor();
    await page.locator('#reg-channel-workorder').check();
    await page.locator('#reg-workOrderNo').fill('GD20260302-0099');
    await page.locator('#reg-createdAt').fill('2026-03-02T08:30');
    await page.locator('#reg-name').fill('赵工单');
    await page.locator('#reg-phone').fill('13900000099');
    await page.locator('#reg-matter').fill('12345转来：公积金提取审核超过承诺时限。');
    await page.locator('#register-submit').click();
    await page.locator('#registered-title').waitFor();
    const orderCase = (await page.locator('#registered-no').textContent())!;
    await rt.workflow.idle();
    const order = await rt.store.get(orderCase);
    expect(order?.intake).toMatchObject({ channel: 'hotline_12345', workOrderNo: 'GD20260302-0099', originalSentAt: '2026-03-02T08:30:00+08:00' });
    expect(order?.intake.complainant.name).toBe('赵工单');

    await page.locator('#register-next').click();
    await page.locator('#reg-channel-letter').check();
    await page.locator('#reg-name').fill('钱来信');
    await page.locator('#reg-address').fill('遂宁市船山区某街 1 号');
    await page.locator('#reg-matter').fill('来信反映：不动产登记窗口要求重复提交材料。');
    await page.locator('#register-submit').click();
    await page.locator('#register-alert:not([hidden])').waitFor();
    expect(await page.locator('#reg-scans-error').textContent()).toContain('请上传来信的扫描件');
    await page.locator('#reg-scans').setInputFiles([
      {
        name: 'p1.png',
        mimeType: 'image/png',
        buffer: Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex'),
      },
    ]);
    await page.locator('#register-submit').click();
    await page.locator('#registered-title').waitFor();
    const letterCase = (await page.locator('#registered-no').textContent())!;
    await rt.workflow.idle();
    const letter = await rt.store.get(letterCase);
    expect(letter?.intake.channel).toBe('letter');
    expect(letter?.intake.evidence.map((e) => [e.filename, e.kind])).toEqual([['p1.png', 'letter_scan']]);
  });

  it('the queue: complainant, received and channel columns; / searches by the caller’s name, j and Enter open the case', async () => {
    await page.goto(`${rt.httpUrl}/console`);
    await page.getByRole('heading', { name: '我的待办' }).waitFor();
    await page.locator('table.cases tbody tr').first().waitFor();
    expect(await page.locator('table.cases thead').first().textContent()).toMatch(/投诉人.*收到时间.*渠道/);
    await page.locator('main h1').focus();
    await page.keyboard.press('/');
    expect(await page.evaluate('document.activeElement.id')).toBe('q-text');
    await page.keyboard.type('王来电');
    const visible = page.locator('table.cases tbody tr:not([hidden])');
    await page.locator('#q-count', { hasText: '王来电' }).waitFor();
    const rows = await visible.count();
    expect(rows).toBeGreaterThanOrEqual(1);
    for (let n = 0; n < rows; n++) expect(await visible.nth(n).locator('td.who-col').textContent()).toBe('王来电');
    expect(await visible.first().textContent()).toContain('电话');
    await page.screenshot({ path: join(REPO, 'docs/console-queue-search.png'), fullPage: true });
    await page.keyboard.press('Tab'); // out of the search box
    await page.locator('main h1').focus();
    await page.keyboard.press('j');
    const first = await visible.first().getAttribute('data-case-id');
    expect(await page.evaluate('document.activeElement.closest("tr").dataset.caseId')).toBe(first);
    await page.keyboard.press('?');
    await page.locator('#kbd-help').waitFor();
    await page.keyboard.press('Escape');
    expect(await page.locator('#kbd-help').count()).toBe(0);
    await visible.first().locator('a.row-link').focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/cases/${first}$`));
  });

  it('a liaison’s queue shows a confidential complainant masked, and the search cannot find them by name', async () => {
    const r = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '孙保密', phone: '13900000066', anonymous: false, wantsReply: true, confidential: true },
        respondent: { unit: '社保局' },
        matter: '医保报销材料被退回三次，每次理由不同。',
      },
    });
    expect(r.status).toBe(201);
    await rt.workflow.idle();
    await http.call('POST', `/api/cases/${r.body.caseId}/actions`, { token: agencyToken, body: { action: 'dispatch', department: 'YBJ' } });
    await rt.workflow.idle();
    const liaison = await browser.newPage();
    try {
      await liaison.goto(`${rt.httpUrl}/console`);
      await liaison.getByLabel('用户名').fill('liaison-ybj');
      await liaison.getByLabel('密码').fill(PASSWORD);
      await liaison.getByRole('button', { name: '登录' }).click();
      const row = liaison.locator(`tr[data-case-id="${r.body.caseId}"]`);
      await row.waitFor();
      expect(await row.locator('td.who-col').textContent()).toBe('（投诉人要求保密，已隐去）');
      expect(await row.getAttribute('data-search')).not.toContain('13900000066');
      await liaison.locator('#q-text').fill('孙保密');
      await liaison.locator('#q-count', { hasText: '显示 0 件' }).waitFor();
    } finally {
      await liaison.close();
    }
  });
});
