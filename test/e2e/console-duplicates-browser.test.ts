/**
 * Issue 22, the flag band end to end (headless Chromium against the embedded runtime): a phone entry and a web
 * submission from the same person, the matter told so differently that the matcher is not confident. The staff
 * intake answer of the later case would say "可能重复"; here the web case comes second, so its answer (public)
 * says nothing, and both cases carry the finding: the queue marks them, each case page shows the pair with the
 * reasons and the candidate, one click merges (audited, the merged case's complainant gets 合并办理告知 by mail),
 * one click undoes it (the case returns to its department's queue, 撤销合并告知 mailed).
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
const PASSWORD = 'duplicates-test-password';
const MAIL = 'liuyang@example.com';

describe('可能重复 in the console (headless Chromium)', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let token: string;
  let browser: Browser;
  let page: Page;
  const ids = { phone: '', web: '', first: '', call: '' };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-dups-'));
    const clock = new ManualClock('2026-03-04T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    token = await http.login('agency1', PASSWORD);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 1000 } })).newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the intake answers: a staff entry gets 可能重复 with the candidate and reasons; the public answer does not', async () => {
    const phone = await http.call('POST', '/api/intake/phone', {
      token,
      body: { entryId: 'call-0304-01', name: '刘先生', phone: '139-1234-5678', respondentUnit: '市场监管局', matter: '来电人刘先生反映：3月3日到市场监管局窗口办营照变更，说材料不全，跑了好几次。' },
    });
    expect(phone.status).toBe(201);
    ids.phone = phone.body.caseId as string;
    await rt.workflow.idle();
    const web = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '刘洋', phone: '13912345678', email: MAIL, anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '船山区市场监督管理局' },
        matter: '去市场监管局办执照的事情一直没办好，窗口态度不好，希望有人管一管。',
      },
    });
    expect(web.status).toBe(201);
    ids.web = web.body.caseId as string;
    // A candidate may be another person's complaint: the public answer never names it.
    expect(web.body.possibleDuplicate).toBeUndefined();
    expect(web.body.mergedInto).toBeUndefined();
    await rt.workflow.idle();

    // Another person writes first and then phones: the staff answer of the call says 可能重复, with the candidate
    // and the reasons.
    const first = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '陈静', phone: '13700001111', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '船山区市场监督管理局' },
        matter: '3月3日在船山区市场监督管理局办理营业执照变更，工作人员称材料不全，我已经往返三次仍未办结。',
      },
    });
    await rt.workflow.idle();
    const call = await http.call('POST', '/api/intake/phone', {
      token,
      body: {
        entryId: 'call-0304-02',
        name: '陈女士',
        phone: '137-0000-1111',
        respondentUnit: '市场监管局',
        matter: '来电人反映：去市场监管局办营业执照变更的事情一直没办好，窗口态度不好，叫号系统也经常出故障，大厅里没有座位，停车也难，希望有人管一管。',
      },
    });
    expect(call.status).toBe(201);
    expect(call.body.mergedInto).toBeUndefined();
    expect(call.body.possibleDuplicate.label).toBe('可能重复');
    expect(call.body.possibleDuplicate.candidates).toEqual([expect.objectContaining({ caseId: first.body.caseId })]);
    expect(call.body.possibleDuplicate.candidates[0].reasons).toEqual(expect.arrayContaining(['投诉人联系电话一致', '被投诉单位相同']));
    ids.first = first.body.caseId as string;
    ids.call = call.body.caseId as string;
    await rt.workflow.idle();

    // Both cases of the first pair carry the finding, each from its side.
    const of = await http.call('GET', `/api/console/cases/${ids.web}/duplicates`, { token });
    expect(of.status).toBe(200);
    expect(of.body.items[0]).toMatchObject({ direction: 'of', candidate: { caseId: ids.phone }, merge: { caseId: ids.web, into: ids.phone } });
    expect(of.body.items[0].reasons).toEqual(expect.arrayContaining(['投诉人联系电话一致', '被投诉单位相同']));
    const by = await http.call('GET', `/api/console/cases/${ids.phone}/duplicates`, { token });
    expect(by.body.items.find((i: { candidate: { caseId: string } }) => i.candidate.caseId === ids.web)).toMatchObject({ direction: 'by', merge: { caseId: ids.web, into: ids.phone } });
    expect(by.body.items[0].reasons[0]).toContain(`后收到的投诉件 ${ids.web}`);
    expect((await rt.store.auditTrail(ids.phone)).map((a) => a.what)).toContain('read_duplicates');
  });

  it('the queue marks both cases; the case page shows the pair with reasons; one click merges, one click unmerges', async () => {
    await page.goto(`${rt.httpUrl}/console`);
    await page.getByLabel('用户名').fill('agency1');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.locator('table.cases tbody tr').first().waitFor();
    for (const id of [ids.phone, ids.web]) expect(await page.locator(`tr[data-case-id="${id}"] .badge-dup`).textContent()).toBe('可能重复');

    // The earlier case: the later one is named, with the reasons and the one-click merge.
    await page.goto(`${rt.httpUrl}/console/cases/${ids.phone}`);
    const item = page.locator(`#dups .dup-item[data-candidate="${ids.web}"]`);
    await item.waitFor();
    expect(await item.textContent()).toContain(`后收到的投诉件 ${ids.web} 可能与本件为同一投诉事项`);
    expect(await item.locator('.dup-reasons').textContent()).toContain('投诉人联系电话一致');
    await page.screenshot({ path: join(REPO, 'docs/console-duplicates.png'), fullPage: true });

    // The later case shows it from its side; one click merges it into the earlier one.
    await page.goto(`${rt.httpUrl}/console/cases/${ids.web}`);
    const mine = page.locator(`#dups .dup-item[data-candidate="${ids.phone}"]`);
    await mine.waitFor();
    expect(await mine.textContent()).toContain(`本件可能与先收到的投诉件 ${ids.phone} 为同一投诉事项`);
    await mine.locator('button.dup-merge').click();
    await page.locator('.status-line .badge.phase', { hasText: '已合并' }).waitFor();
    await rt.workflow.idle();
    const merged = await rt.store.get(ids.web);
    expect(merged?.phase).toBe('merged');
    expect(merged?.mergedInto).toBe(ids.phone);
    expect((await rt.store.get(ids.phone))?.duplicateSuspects ?? []).not.toContainEqual(expect.objectContaining({ caseId: ids.web }));
    expect((await rt.store.auditTrail(ids.web)).find((a) => a.what === 'action:merge')?.detail).toMatchObject({ otherCase: ids.phone, to: 'merged' });
    const told = (await rt.outbox.list()).filter((m) => m.to.includes(MAIL) && m.kind === 'merged');
    expect(told).toHaveLength(1);

    // One click undoes it: the case is back where it was, the complainant is told again.
    await page.locator('#dup-unmerge').click();
    await page.locator('.status-line .badge.phase', { hasText: '待交办' }).waitFor();
    await rt.workflow.idle();
    expect((await rt.store.get(ids.web))?.phase).toBe('dispatch');
    expect((await rt.store.auditTrail(ids.web)).map((a) => a.what)).toContain('action:unmerge');
    expect((await rt.outbox.list()).filter((m) => m.to.includes(MAIL) && m.kind === 'unmerged')).toHaveLength(1);
    // Staff decided the pair: it is not queued as a possible duplicate again.
    await page.goto(`${rt.httpUrl}/console`);
    await page.locator(`tr[data-case-id="${ids.web}"]`).waitFor();
    expect(await page.locator(`tr[data-case-id="${ids.web}"] .badge-dup`).count()).toBe(0);
  });

  it('不是重复: one click beside the merge dismisses the pair on both cases; one click undoes it', async () => {
    await page.goto(`${rt.httpUrl}/console/cases/${ids.call}`);
    const item = page.locator(`#dups .dup-item[data-candidate="${ids.first}"]`);
    await item.waitFor();
    expect(await item.locator('button.dup-merge').count()).toBe(1);
    await item.locator('button.dup-dismiss').click();
    await page.locator(`#dups .dup-item[data-candidate="${ids.first}"] .dup-dismissed`).waitFor();
    expect(await page.locator(`#dups .dup-item[data-candidate="${ids.first}"] .badge-dup`).textContent()).toBe('已认定不是重复');
    expect(await page.locator(`#dups .dup-item[data-candidate="${ids.first}"] button.dup-merge`).count()).toBe(0);
    for (const id of [ids.call, ids.first]) expect((await rt.store.auditTrail(id)).map((a) => a.what)).toContain('action:dismiss-duplicate');
    expect((await rt.store.get(ids.first))?.dismissedDuplicates).toEqual([expect.objectContaining({ caseId: ids.call, dismissedBy: expect.objectContaining({ id: 'agency1' }) })]);

    // The other case shows the dismissal too, and undoes it.
    await page.goto(`${rt.httpUrl}/console/cases/${ids.first}`);
    await page.locator(`#dups .dup-item[data-candidate="${ids.call}"] .dup-dismissed`).waitFor();
    await page.locator(`#dups .dup-item[data-candidate="${ids.call}"] button.dup-restore`).click();
    await page.locator(`#dups .dup-item[data-candidate="${ids.call}"] button.dup-dismiss`).waitFor();
    expect((await rt.store.get(ids.call))?.flags.possibleDuplicateOf).toEqual([ids.first]);
    expect((await rt.store.auditTrail(ids.first)).map((a) => a.what)).toContain('action:restore-duplicate');
  });
});
