/**
 * Hand-overs in the staff console (issue 15), in headless Chromium against two paired embedded runtimes: at
 * 船山区 a case transferred out shows a banner (where it went, when, the hand-over id) and the queue marks it; at
 * 蓬溪县 the case received by hand-over says where it came from, and the queue marks it too.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api, freePort, REPO, waitFor } from './runtime-helpers';
import type { CaseRecord } from '../../shared/domain/case';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'handover-test-password';
const KEY = { id: 'cs-px-2026', secret: 'c4e1a0b9f8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9' };

describe('hand-overs in the console (headless Chromium, two runtimes)', () => {
  const dirs: string[] = [];
  let cs: Runtime;
  let px: Runtime;
  let browser: Browser;
  let sent: CaseRecord;
  let filed: CaseRecord;

  const signIn = async (rt: Runtime): Promise<Page> => {
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 1000 } })).newPage();
    await page.goto(`${rt.httpUrl}/console`);
    await page.getByLabel('用户名').fill('agency1');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    // Signed in: the queue's filters replace the sign-in form.
    await page.locator('form.filters').waitFor();
    return page;
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const [dirCs, dirPx] = [await mkdtemp(join(tmpdir(), 'tousu-ho-cs-')), await mkdtemp(join(tmpdir(), 'tousu-ho-px-'))];
    dirs.push(dirCs, dirPx);
    const [csPort, pxPort] = [await freePort(), await freePort()];
    await writeFile(
      join(dirCs, 'tousu.config.json'),
      JSON.stringify({ jurisdiction: '510903', handover: { peers: [{ jurisdiction: '510921', url: `http://127.0.0.1:${pxPort}/api/handover`, keys: [KEY], signWith: KEY.id, timeoutMs: 3000 }] } }),
    );
    await writeFile(
      join(dirPx, 'tousu.config.json'),
      JSON.stringify({ jurisdiction: '510921', handover: { peers: [{ jurisdiction: '510903', url: `http://127.0.0.1:${csPort}/api/handover`, keys: [KEY], signWith: KEY.id }] } }),
    );
    cs = await startRuntime({ dataDir: dirCs, port: csPort, smtpPort: 0, quiet: true, jurisdiction: '510903', reconcileEveryMs: 0 });
    px = await startRuntime({ dataDir: dirPx, port: pxPort, smtpPort: 0, quiet: true, jurisdiction: '510921', reconcileEveryMs: 0 });
    for (const rt of [cs, px]) await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    const r = await api(cs.httpUrl).call('POST', '/api/complaints', {
      body: {
        complainant: { name: '测试投诉人', phone: '13700000021', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '蓬溪县行政审批局' },
        matter: '施工许可申请材料被窗口拒收，也不说明理由。',
      },
    });
    if (r.status !== 201) throw new Error(`complaint: ${r.status} ${r.text}`);
    const caseId = r.body.caseId as string;
    sent = await waitFor(
      'the transfer at 船山区',
      async () => {
        const c = await cs.store.get(caseId);
        return c?.outcome?.kind === 'transferred' ? c : undefined;
      },
      30_000,
    );
    filed = await waitFor('the case at 蓬溪县', async () => (await px.store.query({ jurisdiction: '510921', limit: 10 })).items.find((c) => c.handover?.fromCaseId === caseId), 30_000);
    await px.workflow.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cs?.stop();
    await px?.stop();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('the sender: the archived queue marks the transferred case; its page says where it went, when, and the hand-over id', async () => {
    const page = await signIn(cs);
    await page.goto(`${cs.httpUrl}/console?phase=archived`);
    const row = page.locator(`tr[data-case-id="${sent.caseId}"]`);
    await row.waitFor();
    expect(await row.locator('.badge.transferred').textContent()).toBe('已移交蓬溪县');
    await page.goto(`${cs.httpUrl}/console/cases/${sent.caseId}`);
    const banner = page.locator('#handover-banner');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    const o = sent.outcome as Extract<CaseRecord['outcome'], { kind: 'transferred' }>;
    expect(text).toContain('本件已移交蓬溪县（510921）处理。');
    expect(text).toContain(`对方受理编号：${filed.trackingNo}`);
    expect(text).toContain(`移交编号：510903:${sent.caseId}`);
    expect(o.handoverId).toBe(`510903:${sent.caseId}`);
    expect(text).toMatch(/移交时间：\d{4}/);
    await page.screenshot({ path: join(REPO, 'docs/console-handover.png'), fullPage: true });
  });

  it('the receiver: the queue marks the case received by hand-over; its page says where it came from', async () => {
    const page = await signIn(px);
    const row = page.locator(`tr[data-case-id="${filed.caseId}"]`);
    await row.waitFor();
    expect(await row.locator('.badge.handed-over').textContent()).toMatch(/^船山区.*移交$/);
    await page.goto(`${px.httpUrl}/console/cases/${filed.caseId}`);
    const origin = page.locator('#handover-origin');
    await origin.waitFor();
    const text = (await origin.textContent()) ?? '';
    expect(text).toMatch(/^本件由船山区.*（510903）移交。/);
    expect(text).toContain(`对方受理编号：${sent.caseId}`);
    expect(text).toContain(`移交编号：510903:${sent.caseId}`);
    expect(text).toContain('投诉人最初于');
    expect(await page.locator('#handover-banner').count()).toBe(0);
  });
});
