/**
 * Issue 22 end to end on the embedded runtime: the same person phones (张先生, the office landline keyed with its extension after a dash, the
 * matter as the operator notes it) and then writes on the web form (full name, the landline in plain digits, the matter in their
 * own words, 营照 → 营业执照). The second intake ends merged into the first case, which lists it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { api } from './runtime-helpers';
import type { Api } from './runtime-helpers';

const PASSWORD = 'correct-horse-battery';

describe('embedded runtime: one matter by phone and by web form (art. 11)', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let token: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-e2e-dup-'));
    const clock = new ManualClock('2026-03-04T09:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, folderPollMs: 100 });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'agency1', role: 'agency', password: PASSWORD });
    token = await http.login('agency1', PASSWORD);
  });

  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends as one case although name, phone and wording differ', async () => {
    const phone = await http.call('POST', '/api/intake/phone', {
      token,
      body: {
        entryId: 'call-0303-17',
        name: '张先生',
        phone: '0825-2345678-806',
        respondentUnit: '市场监管局',
        matter: '来电人张先生反映：3月3日去市场监管局办营照变更，窗口的人说资料不全让回去补，跑了三趟了还没办下来，要求给个说法。',
      },
    });
    expect(phone.status).toBe(201);
    expect(phone.body.possibleDuplicate).toBeUndefined();
    const first = phone.body.caseId as string;
    await rt.workflow.idle();

    const web = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '张伟', phone: '08252345678', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '船山区市场监督管理局' },
        matter: '3月3日在船山区市场监督管理局办理营业执照变更，工作人员称材料不全，我已经往返三次仍未办结。',
      },
    });
    expect(web.status).toBe(201);
    await rt.workflow.idle();
    const second = web.body.caseId as string;
    const detail = await http.call('GET', `/api/cases/${second}`, { token });
    expect(detail.status).toBe(200);
    const record = (detail.body.case ?? detail.body) as { phase: string; mergedInto?: string; flags: { possibleDuplicateOf?: string[] } };
    // With today's thresholds the pair is confident enough (same landline once normalised, compatible surname and
    // title, same unit, same date, same service term): merged automatically, the earlier case holds the source.
    expect(web.body.mergedInto).toBe(first);
    expect(record.phase).toBe('merged');
    const target = await http.call('GET', `/api/cases/${first}`, { token });
    expect(JSON.stringify(target.body)).toContain(second);
  });

  // 不是重复 (issue 22): staff dismiss a flagged pair; it leaves the queue on both cases, stays listed as dismissed,
  // is audited on both, and the undo puts the finding back.
  it('a flagged pair dismissed as 不是重复 leaves the queue on both cases, is audited, and can be undone', async () => {
    const phone = await http.call('POST', '/api/intake/phone', {
      token,
      body: { entryId: 'call-0304-01', name: '刘先生', phone: '139-1234-5678', respondentUnit: '市场监管局', matter: '来电人刘先生反映：3月3日到市场监管局窗口办营照变更，说材料不全，跑了好几次。' },
    });
    await rt.workflow.idle();
    const web = await http.call('POST', '/api/complaints', {
      body: {
        complainant: { name: '刘洋', phone: '13912345678', anonymous: false, wantsReply: true, confidential: false },
        respondent: { unit: '船山区市场监督管理局' },
        matter: '去市场监管局办执照的事情一直没办好，窗口态度不好，希望有人管一管。',
      },
    });
    await rt.workflow.idle();
    const [a, b] = [phone.body.caseId as string, web.body.caseId as string];
    const dups = async (id: string) =>
      (await http.call('GET', `/api/console/cases/${id}/duplicates`, { token })).body as {
        items: { candidate: { caseId: string }; dismissed?: unknown; mayDismiss?: boolean; mayRestore?: boolean }[];
      };
    const queue = async () => ((await http.call('GET', '/api/console/duplicates', { token })).body.items as { caseId: string }[]).map((x) => x.caseId);
    expect((await dups(b)).items).toEqual([expect.objectContaining({ candidate: expect.objectContaining({ caseId: a }), mayDismiss: true })]);
    expect(await queue()).toContain(b);

    // Bad input: an unknown field, a pair that was never flagged.
    expect((await http.call('POST', `/api/console/cases/${b}/duplicates/${a}/dismiss`, { token, body: { reason: 'x' } })).status).toBe(400);
    expect((await http.call('POST', `/api/console/cases/${b}/duplicates/${b}/dismiss`, { token, body: {} })).status).toBe(404);

    const r = await http.call('POST', `/api/console/cases/${b}/duplicates/${a}/dismiss`, { token, body: { note: '一件是营业执照变更，一件是窗口服务态度' } });
    expect(r.status).toBe(200);
    // Twice is once (a retried click).
    expect((await http.call('POST', `/api/console/cases/${b}/duplicates/${a}/dismiss`, { token, body: {} })).status).toBe(200);
    for (const [id, other] of [
      [b, a],
      [a, b],
    ] as const) {
      const items = (await dups(id)).items;
      expect(items).toEqual([expect.objectContaining({ candidate: expect.objectContaining({ caseId: other }), dismissed: expect.objectContaining({ by: 'agency1' }), mayRestore: true })]);
      const record = (await http.call('GET', `/api/cases/${id}`, { token })).body as { flags: { possibleDuplicateOf?: string[] }; duplicateSuspects?: unknown[] };
      expect(record.flags.possibleDuplicateOf ?? []).toEqual([]);
      expect(record.duplicateSuspects ?? []).toEqual([]);
      const audit = (await http.call('GET', `/api/cases/${id}/audit`, { token })).body.items as { what: string }[];
      expect(audit.filter((x) => x.what === 'action:dismiss-duplicate')).toHaveLength(1);
    }
    expect(await queue()).not.toContain(b);

    const undo = await http.call('POST', `/api/console/cases/${a}/duplicates/${b}/restore`, { token });
    expect(undo.status).toBe(200);
    expect((await dups(b)).items).toEqual([expect.objectContaining({ candidate: expect.objectContaining({ caseId: a }), mayDismiss: true })]);
    expect((await dups(b)).items[0]!.dismissed).toBeUndefined();
    expect(await queue()).toContain(b);
  });
});
