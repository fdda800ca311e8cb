/**
 * Issue 15 on the real path: a raw mail parsed by the mail intake, submitted through the intake core on dynalite.
 * A mail naming 蓬溪县行政审批局 that reaches 船山区 is never filed against 船山区's own 行政审批局.
 */
import { ingestEmail } from '../../shared/email-intake/service';
import { submitIntake } from '../../shared/intake/core';
import { startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function rawMail(subject: string, body: string, id: string): Uint8Array {
  return Buffer.from(
    [
      'From: =?UTF-8?B?' + b64('王秀英') + '?= <wangxy@example.com>',
      'To: tousu@chuanshan.example.gov.cn',
      `Subject: =?UTF-8?B?${b64(subject)}?=`,
      `Message-ID: <${id}@example.com>`,
      'Date: Mon, 02 Mar 2026 09:00:00 +0800',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      '',
      b64(body),
      '',
    ].join('\r\n'),
  );
}

describe('routing on mail intake (parser + intake core + dynalite)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const file = async (subject: string, body: string, id: string) => {
    const r = await ingestEmail(rawMail(subject, body, id), 'cli', { clock: h.deps.clock, jurisdiction: h.deps.jurisdiction, dryRun: true });
    if (r.ignored) throw new Error(`ignored: ${r.reason}`);
    const res = await submitIntake(h.deps, r.intake);
    return { intake: r.intake, case: (await h.store.get(res.caseId))!, timeline: await h.store.timeline(res.caseId) };
  };

  it('another county named: routed to 蓬溪县 with the reason, no local unit code, the unit as written', async () => {
    const { intake, case: c, timeline } = await file('投诉蓬溪县行政审批局', '联系电话：13812345678\n我在蓬溪县行政审批局办理施工许可，窗口拒收材料，也不说明理由。', 'r1');
    // What extraction alone made of it (the generic 行政审批局): the local code — routing corrects it.
    expect(intake.respondent.unitCode).toBe('XZSPJ');
    expect(c.routing).toMatchObject({ kind: 'other_jurisdiction', jurisdiction: { code: '510921', name: '蓬溪县' }, confident: true, unitAsWritten: '蓬溪县行政审批局' });
    expect(c.intake.respondent.unitCode).toBeUndefined();
    expect(c.intake.respondent.unit).toBe('蓬溪县行政审批局');
    expect(c.department).toBeUndefined();
    const routed = timeline.find((e) => e.type === 'routed')!;
    expect(routed.summary).toContain('蓬溪县');
    expect(routed.summary).toContain('单位：蓬溪县行政审批局');
  });

  it('a service described without a unit: routed by the service item', async () => {
    const { case: c } = await file('公积金', '联系电话：13812345678\n我离职后去提取公积金被拒，说要原单位证明。', 'r2');
    expect(c.routing).toMatchObject({ kind: 'department', department: 'GJJ', reason: expect.stringContaining('事项：住房公积金提取') });
    expect(c.intake.respondent.unitCode).toBe('GJJ');
  });

  it('an old shared name with its service: 社保局 for a medical bill → 医保局', async () => {
    const { case: c } = await file('社保局', '联系电话：13812345678\n社保局的医疗报销拖了三个月还没到账。', 'r3');
    expect(c.routing).toMatchObject({ department: 'YBJ', confident: true });
    expect(c.routing!.candidates.map((x) => x.department)).toContain('RSJ');
  });
});
