/**
 * The public form in a real browser: Debian's Chromium through playwright-core (never a downloaded browser),
 * the app on @hono/node-server over the CaseStore on dynalite. With JavaScript (fetch + enhancement) and without
 * (plain form POST rendering the result page).
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { createApp } from '../../functions/api/app';
import { startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';

const CHROMIUM = '/usr/bin/chromium';
describe('complaint form in headless Chromium', () => {
  let h: Harness;
  let browser: Browser;
  let server: ReturnType<typeof serve>;
  let base: string;

  beforeAll(async () => {
    // A missing browser is a failure, never a skip: install it with `apt-get install -y chromium`.
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    h = await startHarness();
    const app = createApp({ deps: { intake: h.deps } });
    server = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server.close(r));
    await h.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`fill, submit, read the tracking number and query code, look the status up (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const context = await browser.newContext({ javaScriptEnabled, locale: 'zh-CN', viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(`${base}/`);

      // A first submit with a missing field shows the error next to the field and in the summary.
      await page.getByLabel('姓名').fill('赵六');
      await page.getByLabel('联系电话').fill('13700001111');
      await page.getByRole('button', { name: '提交投诉' }).click();
      await page.locator('#f-matter-error:not([hidden])').waitFor();
      expect(await page.locator('#f-matter').getAttribute('aria-invalid')).toBe('true');
      expect(await page.locator('#f-matter').getAttribute('aria-describedby')).toContain('f-matter-error');
      expect(await page.locator('#error-summary').textContent()).toContain('具体投诉事项');
      // The summary lists the problems in the order of the fields on the page (respondent before the matter).
      const summaryItems = await page.locator('#error-summary li').allTextContents();
      expect(summaryItems.findIndex((t) => t.includes('被投诉'))).toBeLessThan(summaryItems.findIndex((t) => t.includes('具体投诉事项')));

      await page.getByLabel('被投诉单位').fill('遂宁市船山区医疗保障局');
      await page.getByLabel('具体投诉事项').fill('医保报销窗口要求提供无法开具的证明。');
      if (!javaScriptEnabled) {
        await page.getByLabel('姓名').fill('赵六');
        await page.getByLabel('联系电话').fill('13700001111');
      }
      await page.getByRole('button', { name: '提交投诉' }).click();
      await page.locator('#tracking-no').waitFor();
      const trackingNo = (await page.locator('#tracking-no').textContent())!.trim();
      const queryCode = (await page.locator('#query-code').textContent())!.trim();
      expect(trackingNo).toMatch(/^510903-\d{8}-\d{4}$/);
      expect(queryCode).toMatch(/^[2-9A-Z]{8}$/);
      expect(await page.textContent('main')).toContain('不代表对投诉事项作出任何认定或承诺');
      expect(h.started.map((s) => s.name)).toContain(trackingNo);

      await page.getByRole('link', { name: '查询办理进度' }).click();
      await page.getByLabel('查询码').fill(queryCode);
      await page.getByRole('button', { name: '查询' }).click();
      await page.locator('#status-label').waitFor();
      expect(await page.locator('#status-label').textContent()).toBe('已接收');
      // The query code never travels in a URL (issue 21 item 7): the form posts it.
      expect(page.url()).not.toContain(queryCode);
      // Times are Beijing time (UTC+8), whatever the server's time zone.
      const firstTime = page.locator('#status-result time').first();
      const at = Date.parse((await firstTime.getAttribute('datetime'))!);
      expect(await firstTime.textContent()).toBe(new Date(at + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' '));

      const wrong = await page.request.get(`${base}/api/complaints/${trackingNo}`, { headers: { 'x-query-code': 'WRONGCDE' } });
      const unknown = await page.request.post(`${base}/api/complaints/510903-20000101-0001`, { data: { code: queryCode } });
      const right = await page.request.post(`${base}/api/complaints/${trackingNo}`, { data: { code: queryCode } });
      expect(right.status()).toBe(200);
      expect(wrong.status()).toBe(404);
      expect(unknown.status()).toBe(404);
      expect(await wrong.text()).toBe(await unknown.text());
      await context.close();
    }, 60_000);
  }

  it('a failed submit (network down, 429) keeps the form and what was typed, and marks no field invalid (JavaScript on)', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByLabel('姓名').fill('钱七');
    await page.getByLabel('联系电话').fill('13700002222');
    await page.getByLabel('被投诉单位').fill('遂宁市船山区医疗保障局');
    await page.getByLabel('具体投诉事项').fill('窗口工作人员不在岗。');

    await page.route('**/api/complaints', (route) => route.abort('internetdisconnected'));
    await page.getByRole('button', { name: '提交投诉' }).click();
    await page.locator('#error-summary li').waitFor();
    expect(await page.locator('#error-summary').textContent()).toContain('网络连接失败');
    expect(await page.locator('#f-matter').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#f-matter').inputValue()).toBe('窗口工作人员不在岗。');

    await page.unroute('**/api/complaints');
    await page.route('**/api/complaints', (route) =>
      route.fulfill({ status: 429, contentType: 'application/json', body: JSON.stringify({ code: 'rate_limited', message: '提交过于频繁，请稍后再试。' }) }),
    );
    await page.getByRole('button', { name: '提交投诉' }).click();
    await page.locator('#error-summary li', { hasText: '提交过于频繁' }).waitFor();
    expect(await page.locator('#error-summary').textContent()).toContain('您填写的内容仍在本页');
    expect(await page.locator('#f-matter').inputValue()).toBe('窗口工作人员不在岗。');
    expect(await page.getByRole('button', { name: '提交投诉' }).isEnabled()).toBe(true);
    await context.close();
  }, 60_000);
});
