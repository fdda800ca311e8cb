import { loadJurisdiction } from '../../shared/config/load';
import { LETTER_FIELDS, postmarkDate, proposeLetterFields } from '../../shared/domain/extraction/letter-fields';
import type { ReadLine } from '../../shared/domain/extraction/letter-fields';
import { makeLetterSet } from '../fixtures/letters/labelled-set';

const departments = loadJurisdiction('510900').departments;
const today = '2026-12-04';

/** The true text as an OCR engine returns it: paragraphs wrapped every `width` characters. */
function wrapped(text: string, width = 31, confidence = 0.99): ReadLine[] {
  const out: ReadLine[] = [];
  for (const p of text.split('\n')) for (let i = 0; i < p.length; i += width) out.push({ text: p.slice(i, i + width), confidence });
  return out;
}

describe('fields proposed from a letter reading', () => {
  const set = makeLetterSet(24, 100);

  it('proposes every labelled field of all 100 letters of the set from a faithful reading, wrapped as OCR wraps', () => {
    for (const l of set) {
      const p = proposeLetterFields({ pageLines: wrapped(l.text), envelopeLines: wrapped(l.envelopeText), departments, today });
      const got = Object.fromEntries(LETTER_FIELDS.map((f) => [f, p.fields[f].value]).filter(([, v]) => v !== undefined));
      expect({ id: l.id, ...got }).toEqual({ id: l.id, ...l.fields });
      expect(p.respondentUnitCode).toBeDefined();
      expect(p.unsigned).toBe(false);
    }
  });

  it('leaves a field read with low confidence empty, with the reading as a hint and a reason', () => {
    const l = set[0]!;
    const lines = wrapped(l.text).map((x) => (x.text.startsWith('联系电话') ? { ...x, confidence: 0.6 } : x));
    const p = proposeLetterFields({ pageLines: lines, departments, today });
    expect(p.fields.phone).toEqual({ confidence: 0.6, reading: l.fields.phone, reason: 'low_confidence' });
    expect(p.fields.name.value).toBe(l.fields.name);
    expect(p.fields.envelopeDate).toEqual({ confidence: 0, reason: 'not_found' });
  });

  it('never proposes a phone that is not one number (a digit lost, two numbers)', () => {
    const base = set[1]!;
    const short = base.text.replace(base.fields.phone, base.fields.phone.slice(0, 10));
    expect(proposeLetterFields({ pageLines: wrapped(short), departments, today }).fields.phone).toMatchObject({ reason: 'invalid' });
    const two = base.text.replace(base.fields.phone, `${base.fields.phone}、13900001111`);
    expect(proposeLetterFields({ pageLines: wrapped(two), departments, today }).fields.phone.value).toBeUndefined();
    const letterO = base.text.replace(base.fields.phone, base.fields.phone.replace(/0/g, 'O'));
    const p = proposeLetterFields({ pageLines: wrapped(letterO), departments, today, threshold: 0.5 });
    // Repaired (O read for 0), but less sure than a clean reading.
    if (base.fields.phone.includes('0')) expect(p.fields.phone).toMatchObject({ value: base.fields.phone, confidence: 0.792 });
  });

  it('doubts a name the signature contradicts and refuses one that cannot be a name', () => {
    const l = set[2]!;
    const other = l.text.replace(/投诉人：[^\n]+\n(?=[^\n]*年)/, '投诉人：赵四\n');
    expect(proposeLetterFields({ pageLines: wrapped(other), departments, today }).fields.name).toMatchObject({ reason: 'low_confidence', reading: l.fields.name });
    const junk = l.text.replace(`：${l.fields.name}\n联系电话`, '：A3#x\n联系电话');
    expect(proposeLetterFields({ pageLines: wrapped(junk), departments, today }).fields.name).toMatchObject({ reason: 'invalid' });
  });

  it('marks an unsigned letter without a name for the clerk', () => {
    const p = proposeLetterFields({ pageLines: wrapped('投诉事项：小区门口占道经营严重。\n此致\n敬礼'), departments, today });
    expect(p.unsigned).toBe(true);
    expect(p.fields.name).toEqual({ confidence: 0, reason: 'not_found' });
    expect(p.fields.matter.value).toBe('小区门口占道经营严重。');
    expect(p.fields.facts.reason).toBe('not_found');
  });

  it('reads the postmark date and refuses impossible ones', () => {
    expect(postmarkDate([{ text: '遂宁 2026.11.08', confidence: 0.98 }], today)).toEqual({ value: '2026-11-08', confidence: 0.98 });
    expect(postmarkDate([{ text: '2026年3月1日', confidence: 0.98 }], today).value).toBe('2026-03-01');
    expect(postmarkDate([{ text: '遂宁 2026.12.25', confidence: 0.98 }], today)).toMatchObject({ reading: '2026.12.25', confidence: 0 });
    expect(postmarkDate([{ text: '2026.02.30', confidence: 0.98 }], today).value).toBeUndefined();
  });

  it('masks identity card numbers in the transcript and the fields', () => {
    const p = proposeLetterFields({ pageLines: wrapped('投诉人：王伟\n身份证号：510903199001011237\n投诉事项：我的身份证510903199001011237被冒用办理了业务。'), departments, today });
    expect(p.transcript).not.toContain('510903199001011237');
    expect(p.fields.matter.value).not.toContain('510903199001011237');
  });
});
