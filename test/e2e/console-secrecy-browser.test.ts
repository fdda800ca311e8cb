/**
 * Arts. 13 and 21 in the console (headless Chromium against the embedded runtime): the agency marks a passage as a
 * trade secret from the case page and sees the mark with what it covers; the department's case page shows the passage
 * withheld and says why; the handler named as the respondent person is told in Chinese why the case is closed to
 * them; an agency user recuses from the case page and loses it.
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
import { api } from './runtime-helpers';

const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'secrecy-console-password';
const SECRET = '出厂价每件48元';

describe('secrecy marks and conflicts in the console', () => {
  let dir: string;
  let rt: Runtime;
  let browser: Browser;
  let caseId = '';

  const login = async (p: Page, username: string) => {
    await p.goto(`${rt.httpUrl}/console`);
    await p.getByLabel('用户名').fill(username);
    await p.getByLabel('密码').fill(PASSWORD);
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByRole('heading', { name: '我的待办' }).waitFor();
  };
  const openCase = async (p: Page) => {
    await p.goto(`${rt.httpUrl}/console/cases/${encodeURIComponent(caseId)}`);
  };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    dir = await mkdtemp(join(tmpdir(), 'tousu-secrecy-console-'));
    const clock = new ManualClock('2026-03-02T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true });
    clock.setSettle(() => rt.workflow.idle());
    await rt.users.add({ username: 'agency1', role: 'agency', name: '周敏', password: PASSWORD });
    await rt.users.add({ username: 'agency2', role: 'agency', name: '吴刚', password: PASSWORD });
    await rt.users.add({ username: 'dept', role: 'department', department: 'SCJGJ', name: '刘洋', password: PASSWORD });
    await rt.users.add({ username: 'liming', role: 'department', department: 'SCJGJ', name: '李明', password: PASSWORD });
    const http = api(rt.httpUrl);
    const filed = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '孙测试', phone: '13700009999', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '遂宁市船山区市场监督管理局', person: '李明' },
        matter: '办理生产许可时窗口人员李明把我公司报价单给其他企业看。',
        facts: `报价单写明${SECRET}，现已被同行知晓。`,
      },
    });
    if (filed.status !== 201) throw new Error(`complaint: ${filed.status} ${filed.text}`);
    caseId = filed.body.caseId;
    await rt.workflow.idle();
    const token = await http.login('agency1', PASSWORD);
    const d = await http.call('POST', `/api/cases/${caseId}/actions`, { token, body: { action: 'dispatch', department: 'SCJGJ' } });
    if (d.status !== 200) throw new Error(`dispatch: ${d.status} ${d.text}`);
    await rt.workflow.idle();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await rt?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the agency marks a passage as a trade secret from the case page and sees what it covers', async () => {
    const p = await browser.newPage();
    await login(p, 'agency1');
    await openCase(p);
    await p.locator('summary', { hasText: /^保密标注$/ }).click();
    const form = p.locator('form[data-action="mark-secret"]');
    // A wrong passage is refused next to the field, in Chinese.
    await form.getByLabel('商业秘密').check();
    await form.getByLabel('指定的文字内容').check();
    await form.getByLabel('要隐去的内容').fill('出厂价每件99元');
    await form.getByLabel('标注理由').fill('企业报价');
    await form.getByRole('button', { name: '提交：保密标注' }).click();
    await form.locator('.field-error', { hasText: '找不到' }).waitFor();
    await form.getByLabel('要隐去的内容').fill(SECRET);
    await form.getByRole('button', { name: '提交：保密标注' }).click();
    await p.locator('#flash', { hasText: '已提交“保密标注”' }).waitFor();
    const marks = p.locator('#secrecy');
    await marks.locator('[data-mark="M1"]', { hasText: '商业秘密' }).waitFor();
    expect(await marks.textContent()).toContain(SECRET);
    expect(await marks.textContent()).toContain('标注理由：企业报价');
    expect(await p.locator('#case-facts').textContent()).toContain(SECRET);
    await p.close();
  });

  it('the department sees the passage withheld and where to ask', async () => {
    const p = await browser.newPage();
    await login(p, 'dept');
    await openCase(p);
    await p.locator('#secrecy-withheld', { hasText: '标注为商业秘密' }).waitFor();
    const facts = (await p.locator('#case-facts').textContent()) ?? '';
    expect(facts).toContain('［涉及商业秘密，已隐去（第十三条）］');
    expect(await p.content()).not.toContain(SECRET);
    expect(await p.content()).not.toContain('企业报价');
    expect(await p.locator('form[data-action="mark-secret"]').count()).toBe(0);
    await p.close();
  });

  it('the handler named as the respondent person is told why the case is closed to them', async () => {
    const p = await browser.newPage();
    await login(p, 'liming');
    expect(await p.locator('table.cases', { hasText: caseId }).count()).toBe(0);
    await openCase(p);
    const box = p.locator('.error-box[data-code="respondent_person_conflict"]');
    await box.waitFor();
    expect(await box.textContent()).toContain('您是本投诉件的被投诉人');
    await p.close();
  });

  it('an agency user recuses from the case page and loses access to it', async () => {
    const p = await browser.newPage();
    await login(p, 'agency2');
    await openCase(p);
    await p.locator('summary', { hasText: /^回避$/ }).click();
    const form = p.locator('form[data-action="recuse"]');
    await form.getByLabel('回避理由').fill('投诉企业负责人为本人亲属');
    await form.getByRole('button', { name: '提交：回避' }).click();
    await p.getByRole('heading', { name: '我的待办' }).waitFor();
    await openCase(p);
    const box = p.locator('.error-box[data-code="recused"]');
    await box.waitFor();
    expect(await box.textContent()).toContain('您已申请回避本投诉件');
    await p.close();
  });
});
