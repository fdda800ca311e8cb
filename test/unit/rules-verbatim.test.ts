/**
 * Every article a notice quotes is the regulation's own text: the art. 8 and art. 19 labels of the rules data are
 * checked against the published text (a copy kept in the repository, test/fixtures/regulation/suining-2023.txt),
 * and every quotation (“……”) in the refusal and termination notices of every reason is either such a text or a
 * name (the hotline).
 */
import { readFileSync } from 'node:fs';
import { applyAction } from '../../shared/domain/lifecycle';
import { SUINING_2023 } from '../../shared/domain/rules';
import { AGENCY, DEPT, caseIn, ctxAt, jurisdiction } from '../fixtures/lifecycle';

const SEED = readFileSync(new URL('../fixtures/regulation/suining-2023.txt', import.meta.url), 'utf8').replace(/\s+/g, '');

/** The item of an article (`（一）…；`) in the published text, without its closing punctuation. */
function item(article: string, nextArticle: string, n: string): string {
  const body = SEED.slice(SEED.indexOf(`第${article}条`), SEED.indexOf(`第${nextArticle}条`));
  const m = new RegExp(`（${n}）([^；。]*)[；。]`).exec(body);
  if (!m) throw new Error(`item ${n} of article ${article} not found`);
  return m[1]!;
}

const quotes = (s: string) => [...s.matchAll(/“([^”]+)”/g)].map((m) => m[1]!);

describe('rules data quotes the regulation verbatim', () => {
  const numerals = ['一', '二', '三', '四', '五', '六'];
  it.each(Object.entries(SUINING_2023.notAcceptedReasons))('art. 8 %s', (code, r) => {
    const n = numerals[Number(code.split('-')[1]) - 1]!;
    expect(r.article).toBe(`第八条第（${n}）项`);
    expect(r.label).toBe(item('八', '九', n));
  });
  it.each(Object.entries(SUINING_2023.terminationReasons))('art. 19 %s', (code, r) => {
    const n = numerals[Number(code.split('-')[1]) - 1]!;
    expect(r.article).toBe(`第十九条第（${n}）项`);
    expect(r.label).toBe(item('十九', '二十', n));
  });

  const allowed = (q: string) => SEED.includes(q) || q === jurisdiction.referral.hotline;

  it.each(Object.keys(SUINING_2023.notAcceptedReasons))('the refusal notice for %s quotes only the regulation', (reason) => {
    const w = caseIn('acceptance');
    const t = applyAction(w.c, { action: 'reject', reason, referral: '遂宁市住房公积金管理中心', transferTo12345: true, explanation: '请按有关程序办理。' }, DEPT, ctxAt('2025-03-04T10:00:00+08:00'));
    const texts = [...t.notices.map((n) => n.text), ...(t.record.contacts ?? []).map((x) => x.text)];
    expect(texts.length).toBeGreaterThan(0);
    const qs = texts.flatMap(quotes);
    expect(qs).toContain(SUINING_2023.notAcceptedReasons[reason]!.label);
    expect(qs.filter((q) => !allowed(q))).toEqual([]);
  });

  it.each(Object.keys(SUINING_2023.terminationReasons))('the termination notice for %s quotes only the regulation', (reason) => {
    const w = caseIn('handling');
    // Each ground with what it rests on (art. 19 preconditions): a lapsed 补正 reminder for (一).
    w.c.correctionRequests = [{ id: 'B1', content: '补充材料', channel: 'phone', sentOn: '2025-03-03', correctBy: '2025-03-04', at: '2025-03-03T02:00:00.000Z', by: AGENCY }];
    const grounds: Record<string, Record<string, string>> = {
      'art19-2': { refusal: '拒绝配合调查' },
      'art19-3': { withdrawal: '来电放弃' },
      'art19-4': { circumstance: 'other', note: '同一事项已由上级督办' },
    };
    const t = applyAction(w.c, { action: 'terminate', reason, ...grounds[reason] }, AGENCY, ctxAt('2025-03-05T10:00:00+08:00'));
    const complainant = [...t.notices.filter((n) => n.audience === 'complainant').map((n) => n.text), ...(t.record.contacts ?? []).filter((x) => x.kind === 'termination').map((x) => x.text)];
    expect(complainant.length).toBeGreaterThan(0);
    const qs = complainant.flatMap(quotes);
    expect(qs).toContain(SUINING_2023.terminationReasons[reason]!.label);
    expect(qs.filter((q) => !allowed(q))).toEqual([]);
  });
});
