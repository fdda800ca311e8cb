/**
 * Fields proposed from the OCR reading of a scanned letter (issue 24): name, phone, address, respondent unit
 * and person, matter, facts, and the postmark date from the envelope scan. Pure: the reading comes in as lines
 * with the engine's confidence, the jurisdiction's departments for unit recognition.
 *
 * Proposed, never guessed silently: every field has a confidence (the confidence of the lines it was read
 * from, times how well the value fits what such a field looks like). A field under the threshold, or not
 * found, is left empty for the clerk, with the raw reading beside it as a hint and a reason code. No field is
 * ever filled from anything but the letter's own text.
 */
import type { Department } from '../jurisdiction';
import { extractLabelledFields } from './labels';
import { findLandlines, findMobiles } from './phones';
import { recogniseUnit } from './respondent';
import { maskIdCards } from './idcard';

export const LETTER_FIELDS = ['name', 'phone', 'address', 'respondentUnit', 'respondentPerson', 'matter', 'facts', 'envelopeDate'] as const;
export type LetterField = (typeof LETTER_FIELDS)[number];

/** Why a field is left empty: nothing found, read with low confidence, or what was read cannot be such a field. */
export type EmptyReason = 'not_found' | 'low_confidence' | 'invalid';

export interface FieldProposal {
  /** The proposed value; absent when the clerk has to fill the field. */
  value?: string;
  /** 0..1 */
  confidence: number;
  /** What the letter seems to say when the value is left empty (a hint for the clerk, never filed as is). */
  reading?: string;
  reason?: EmptyReason;
}

export interface LetterProposal {
  fields: Record<LetterField, FieldProposal>;
  /** The department the respondent unit names, by the jurisdiction's names and aliases. */
  respondentUnitCode?: string;
  /** The letter is signed by nobody: the clerk decides whether it is anonymous. */
  unsigned: boolean;
  /** The letter's transcript (page text, then the envelope text), identity card numbers masked. */
  transcript: string;
}

export interface ReadLine {
  text: string;
  confidence: number;
}

export interface ProposeInput {
  /** Lines of the letter's pages, in reading order (pages one after the other). */
  pageLines: readonly ReadLine[];
  /** Lines of the envelope scan, when there is one. */
  envelopeLines?: readonly ReadLine[];
  departments: readonly Pick<Department, 'code' | 'name' | 'aliases'>[];
  /** Today (YYYY-MM-DD, the office's calendar day): a postmark after it cannot be right. */
  today: string;
  /** Fields under this confidence are left for the clerk (default 0.9). */
  threshold?: number;
}

export const DEFAULT_PROPOSAL_THRESHOLD = 0.9;

/** Closing formulas of a letter: they end the facts, they are not part of them. */
const CLOSING = /^(?:以上(?:情况|内容|所述|反映)|此致|敬礼|特此(?:投诉|反映|申请)|恳请|望(?:尽快|早日|予以)|谢谢)/;
/** A date line (the letter's own date under the signature). */
const DATE_LINE = /^\s*(?:20\d{2}|二〇[〇一二三四五六七八九]{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$/;
const NAME_RE = /^(?:[\u4e00-\u9fa5]{1,2}[\u4e00-\u9fa5]{1,3}|[\u4e00-\u9fa5]{1,4}·[\u4e00-\u9fa5]{1,8})$/;
const ADDRESS_HINT = /[省市区县镇乡村街路道巷号栋楼室组]/;

interface Located {
  value: string;
  confidence: number;
}

/** Length-weighted mean confidence of the lines the span [start, end) of `text` touches. */
function spanConfidence(starts: number[], lines: readonly ReadLine[], start: number, end: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    const s = starts[i]!;
    const e = s + lines[i]!.text.length;
    const overlap = Math.min(e, end) - Math.max(s, start);
    if (overlap <= 0) continue;
    sum += overlap * lines[i]!.confidence;
    n += overlap;
  }
  return n === 0 ? 0 : sum / n;
}

function locate(text: string, starts: number[], lines: readonly ReadLine[], raw: string | undefined, from = 0): Located | undefined {
  if (raw === undefined) return undefined;
  const at = text.indexOf(raw, from);
  const confidence = at < 0 ? Math.min(...lines.map((l) => l.confidence)) : spanConfidence(starts, lines, at, at + raw.length);
  return { value: raw, confidence };
}

function decide(found: Located | undefined, fit: number, threshold: number, value?: string): FieldProposal {
  if (!found) return { confidence: 0, reason: 'not_found' };
  const confidence = Math.round(found.confidence * fit * 1000) / 1000;
  if (fit === 0 || value === undefined || value === '') return { confidence, reading: found.value, reason: 'invalid' };
  if (confidence < threshold) return { confidence, reading: value, reason: 'low_confidence' };
  return { value, confidence };
}

/** Wrapped lines of one paragraph joined (Chinese has no spaces between words), up to a closing formula. */
function paragraph(raw: string, stopAtClosing: boolean): string {
  const out: string[] = [];
  for (const line of raw.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    if (stopAtClosing && (CLOSING.test(line) || DATE_LINE.test(line))) break;
    out.push(line);
  }
  return out.join('').replace(/[；;，,]$/, '');
}

/** Digits the recogniser may read as letters inside a phone number (O for 0, l or I for 1). */
function phoneDigits(raw: string): { text: string; repaired: boolean } {
  const text = raw.replace(/[Oo]/g, '0').replace(/[lI|]/g, '1');
  return { text, repaired: text !== raw };
}

/** The postmark date on the envelope: `2026.11.20`, `2026-11-20`, `2026年11月20日`, spaces allowed. */
export function postmarkDate(lines: readonly ReadLine[], today: string): { value?: string; reading?: string; confidence: number } {
  for (const l of lines) {
    const m = l.text.replace(/\s+/g, '').match(/(20\d{2})[.\-/年](\d{1,2})[.\-/月](\d{1,2})/);
    if (!m) continue;
    const iso = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
    const d = new Date(`${iso}T00:00:00Z`);
    const valid = !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso && iso <= today && Number(m[1]) >= Number(today.slice(0, 4)) - 2;
    return valid ? { value: iso, confidence: l.confidence } : { reading: m[0], confidence: 0 };
  }
  return { confidence: 0 };
}

/** A line that starts with a field label (`联系地址：`), as labels.ts reads them. */
const LABEL_START = /^\s*(?:[0-9]{1,2}[、.．]\s*)?[\u4e00-\u9fa5]{2,7}\s*[:：]/;

/**
 * OCR returns the page's printed lines: a paragraph or a long field value wrapped at the right margin comes as
 * several lines. A line nearly as long as the longest on the page reached the margin; the next line, unless it
 * starts a label, a closing formula or a date, continues it.
 */
export function unwrapLines(lines: readonly ReadLine[]): ReadLine[] {
  const width = Math.max(0, ...lines.map((l) => [...l.text].length));
  const out: (ReadLine & { full: boolean })[] = [];
  for (const l of lines) {
    const prev = out[out.length - 1];
    const continues = prev !== undefined && prev.full && !LABEL_START.test(l.text) && !CLOSING.test(l.text.trim()) && !DATE_LINE.test(l.text);
    if (continues) {
      const a = [...prev.text].length;
      const b = [...l.text].length;
      prev.confidence = (prev.confidence * a + l.confidence * b) / (a + b);
      prev.text += l.text.trim();
      prev.full = b >= width * 0.85;
    } else out.push({ text: l.text.trim(), confidence: l.confidence, full: width >= 12 && [...l.text].length >= width * 0.85 });
  }
  return out.map(({ text, confidence }) => ({ text, confidence }));
}

export function proposeLetterFields(input: ProposeInput): LetterProposal {
  const threshold = input.threshold ?? DEFAULT_PROPOSAL_THRESHOLD;
  const lines = unwrapLines(input.pageLines.map((l) => ({ text: maskIdCards(l.text).text, confidence: l.confidence })));
  const text = lines.map((l) => l.text).join('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const l of lines) {
    starts.push(offset);
    offset += l.text.length + 1;
  }
  const labelled = extractLabelledFields(text);
  const fields = {} as Record<LetterField, FieldProposal>;

  // Name: the labelled name; the signature under the letter (the last labelled name line) must agree.
  const nameAt = locate(text, starts, lines, labelled.name);
  const signature = [...text.matchAll(/(?:^|\n)\s*(?:投诉人|来信人|反映人|具名人)\s*[:：]\s*([^\n]+)/g)].pop()?.[1]?.trim();
  const name = labelled.name?.replace(/\s+/g, '');
  const nameFit = !name || !NAME_RE.test(name) ? 0 : signature && signature.replace(/\s+/g, '') !== name ? 0.6 : 1;
  fields.name = decide(nameAt, nameFit, threshold, name);

  // Phone: exactly one mobile or landline in the labelled value (else the first in the letter, less sure).
  const phoneRaw = labelled.phone ?? (findMobiles(text)[0] ? text.split('\n').find((l) => findMobiles(l).length > 0) : undefined);
  const phoneAt = locate(text, starts, lines, phoneRaw);
  if (phoneRaw === undefined) fields.phone = decide(undefined, 0, threshold);
  else {
    const { text: digits, repaired } = phoneDigits(phoneRaw);
    const found = [...findMobiles(digits), ...findLandlines(digits)];
    const labelledFit = labelled.phone ? 1 : 0.92;
    fields.phone = decide(phoneAt, found.length === 1 ? labelledFit * (repaired ? 0.8 : 1) : 0, threshold, found.length === 1 ? found[0] : undefined);
  }

  const address = labelled.address?.replace(/\s+/g, '');
  fields.address = decide(locate(text, starts, lines, labelled.address), address && ADDRESS_HINT.test(address) && address.length >= 6 ? 1 : 0, threshold, address);

  // Respondent unit: as written; a unit the directory knows by its full name is surer than one it does not know.
  const unit = labelled.respondentUnit?.replace(/\s+/g, '');
  const hit = unit ? recogniseUnit(unit, input.departments) : undefined;
  const unitFit = !unit ? 0 : hit && hit.matched === unit ? 1 : hit ? 0.95 : 0.9;
  fields.respondentUnit = decide(locate(text, starts, lines, labelled.respondentUnit), unitFit, threshold, unit);
  const person = labelled.respondentPerson?.replace(/\s+/g, '');
  fields.respondentPerson =
    labelled.respondentPerson === undefined
      ? { confidence: 0, reason: 'not_found' }
      : decide(locate(text, starts, lines, labelled.respondentPerson), person && person.length <= 30 ? 1 : 0, threshold, person);

  // The labelled value loses its final full stop (labels.ts); the letter's own words keep it (art. 12).
  const sentence = (raw: string | undefined): string | undefined => {
    if (raw === undefined) return undefined;
    const p = paragraph(raw, true);
    const at = text.indexOf(raw);
    return p !== '' && at >= 0 && p === paragraph(raw, false) && text[at + raw.length] === '。' ? `${p}。` : p;
  };
  const matter = sentence(labelled.matter);
  fields.matter = decide(locate(text, starts, lines, labelled.matter), matter && matter.length >= 4 ? 1 : 0, threshold, matter);
  const facts = sentence(labelled.facts);
  fields.facts = labelled.facts === undefined ? { confidence: 0, reason: 'not_found' } : decide(locate(text, starts, lines, labelled.facts), facts ? 1 : 0, threshold, facts);

  const pm = postmarkDate(input.envelopeLines ?? [], input.today);
  fields.envelopeDate = pm.value
    ? decide({ value: pm.value, confidence: pm.confidence }, 1, threshold, pm.value)
    : pm.reading
      ? { confidence: 0, reading: pm.reading, reason: 'invalid' }
      : { confidence: 0, reason: 'not_found' };

  const envelopeText = (input.envelopeLines ?? []).map((l) => maskIdCards(l.text).text).join('\n');
  return {
    fields,
    ...(hit ? { respondentUnitCode: hit.code } : {}),
    unsigned: !labelled.name && !signature,
    transcript: envelopeText ? `${text}\n\n【信封】\n${envelopeText}` : text,
  };
}
