/**
 * The art. 18 dossier (shared/domain/dossier.ts): an archived case walked through the real transitions prints as
 * one volume with a cover, a table of contents and every section; the slip and the notices are those kept when
 * they were issued (a later change of the configuration does not change them); a department reading a
 * confidential case sees no trace of the complainant's identity, and only documents addressed to units.
 */
import type { Actor, CaseRecord, TimelineEvent } from '../../shared/domain/case';
import { renderDossier } from '../../shared/domain/dossier';
import { PhaseConflictError } from '../../shared/domain/errors';
import { archive } from '../../shared/domain/lifecycle';
import type { Walk } from '../fixtures/lifecycle';
import { AGENCY, ADDRESS, DEPT, EMAIL, NAME, PHONE, caseIn, ctxAt, jurisdiction, rules } from '../fixtures/lifecycle';

const ARCHIVED_AT = '2025-03-07T10:05:00+08:00';

function archivedWalk(opts: { confidential?: boolean } = {}): { c: CaseRecord; timeline: TimelineEvent[] } {
  const w: Walk = caseIn('follow_up', opts);
  w.act(AGENCY, { action: 'record-follow-up', satisfaction: 'basically_satisfied', note: '投诉人认可整改。' }, '2025-03-07T10:00:00+08:00');
  w.take(archive(w.c, ctxAt(ARCHIVED_AT)));
  const timeline = w.events.map((e, i) => ({ ...e, caseId: w.c.caseId, seq: i + 1 }));
  return { c: { ...w.c, timelineLength: timeline.length }, timeline };
}

const print = (c: CaseRecord, timeline: TimelineEvent[], viewer: Actor, j = jurisdiction) =>
  renderDossier({ case: c, timeline, viewer, jurisdiction: j, rules, printedAt: '2025-03-10T09:00:00+08:00' });

const slipPart = (html: string) => html.slice(html.indexOf('id="slips"'), html.indexOf('id="notices"'));

describe('the archive dossier (art. 18)', () => {
  const { c, timeline } = archivedWalk();

  it('has a cover, a table of contents and every section, in order', () => {
    const html = print(c, timeline, AGENCY);
    expect(html).toContain('<h1>投诉处理工作档案</h1>');
    const titles = ['一、投诉登记', '二、交办单', '三、告知书和通知', '四、办理结论', '五、整改报备', '六、答复记录', '七、回访记录', '八、办理过程记录'];
    const toc = html.slice(html.indexOf('id="toc"'), html.indexOf('id="record"'));
    let at = 0;
    for (const t of titles) {
      const i = toc.indexOf(t);
      expect(i).toBeGreaterThan(at);
      at = i;
    }
    for (const id of ['record', 'slips', 'notices', 'conclusion', 'rectification', 'reply', 'follow-up', 'timeline']) expect(html).toContain(`<section class="sheet" id="${id}">`);
    // Print CSS: A4 pages, one section per page, no console chrome and no script.
    expect(html).toContain('@page { size: A4;');
    expect(html).toContain('break-after: page');
    expect(html).not.toMatch(/<script|<nav/i);
  });

  it('prints the slip as issued, inside its own shadow root, with its hash', () => {
    const html = print(c, timeline, AGENCY);
    const slips = slipPart(html);
    expect(slips).toContain('<template shadowrootmode="open">');
    expect(slips).toContain(`JB-${c.trackingNo}`);
    expect(slips).toContain('政务服务投诉交办单');
    const issued = timeline.flatMap((e) => (e.data?.issued as { kind: string; sha256: string }[] | undefined) ?? []).find((d) => d.kind === 'assignment_slip')!;
    expect(slips).toContain(`SHA-256 ${issued.sha256}`);
  });

  it('does not re-render: a renamed agency changes the cover, not the slip or the notices already sent', () => {
    const renamed = { ...jurisdiction, agency: { ...jurisdiction.agency, name: '遂宁市船山区政务服务和大数据管理局' } };
    const html = print(c, timeline, AGENCY, renamed);
    expect(html.slice(0, html.indexOf('id="toc"'))).toContain('遂宁市船山区政务服务和大数据管理局');
    expect(slipPart(html)).toContain(`交办单位（盖章）：${jurisdiction.agency.name}`);
    expect(slipPart(html)).not.toContain('政务服务和大数据管理局');
  });

  it('holds the notices to the complainant (mail, call script, letter) and to the agency', () => {
    const html = print(c, timeline, AGENCY);
    const notices = html.slice(html.indexOf('id="notices"'), html.indexOf('id="conclusion"'));
    for (const t of c.contacts ?? []) expect(notices).toContain(`id="contact-${t.id}"`);
    expect(notices).toContain('投诉受理告知');
    expect(notices).toContain('【电话告知】');
    expect(notices).toContain('整改情况报备');
    expect(notices).toContain('办理结果及答复记录');
    // The agency reads the complainant's contacts as filed.
    expect(html).toContain(NAME);
  });

  it('records the conclusion, rectification, reply, follow-up and the whole timeline', () => {
    const html = print(c, timeline, AGENCY);
    expect(html).toContain('经核查，窗口未一次性告知材料清单，已批评教育。');
    expect(html).toContain('已在窗口公示一次性告知清单。');
    expect(html).toContain('电话告知核查结果和整改情况。');
    expect(html).toContain('基本满意');
    const rows = html.slice(html.indexOf('id="timeline"')).match(/<tr><td>\d+<\/td>/g) ?? [];
    expect(rows).toHaveLength(timeline.length);
  });

  it('refuses a case that is not archived yet', () => {
    const open = caseIn('reply');
    expect(() => print(open.c, [], AGENCY)).toThrow(PhaseConflictError);
  });

  it('says loudly when a slip was not kept as issued, and does not make one up', () => {
    const legacy = timeline.map(({ data, ...e }) => ({ ...e, ...(data ? { data: Object.fromEntries(Object.entries(data).filter(([k]) => k !== 'issued')) } : {}) }));
    const html = print(c, legacy, AGENCY);
    expect(slipPart(html)).toContain('未留存发出时的原文');
    expect(slipPart(html)).not.toContain('shadowrootmode');
  });
});

describe('the dossier of a confidential case, printed by the department', () => {
  const { c, timeline } = archivedWalk({ confidential: true });

  it('hides the complainant’s identity everywhere, notices to the complainant included (art. 13)', () => {
    const html = print(c, timeline, DEPT);
    for (const secret of [NAME, PHONE, EMAIL, ADDRESS]) expect(html).not.toContain(secret);
    expect(html).toContain('告知书中投诉人的身份信息已隐去');
    // Still the slip and the complainant notices, redacted.
    expect(slipPart(html)).toContain('shadowrootmode');
    expect(html).toContain('投诉受理告知');
  });

  it('leaves out what was addressed to the agency only', () => {
    const html = print(c, timeline, DEPT);
    expect(html).not.toContain('整改情况报备：');
    expect(print(c, timeline, AGENCY)).toContain('整改情况报备：');
  });

  it('the agency prints it whole', () => {
    expect(print(c, timeline, AGENCY)).toContain(NAME);
  });
});
