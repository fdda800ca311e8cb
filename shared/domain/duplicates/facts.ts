/**
 * Key facts of a complaint text: dates, window numbers, amounts, staff numbers and reference numbers. Two texts
 * about the same matter agree on the facts both state; texts about the same kind of problem on another day or
 * another file disagree. The facts also decide whether a repeated complaint brings something new (art. 8(5)).
 */
import { fold } from './normalize';

export type FactKind = 'date' | 'window' | 'amount' | 'staff' | 'reference';

export const FACT_LABELS: Record<FactKind, string> = {
  date: '日期',
  window: '窗口号',
  amount: '金额',
  staff: '工号',
  reference: '业务编号',
};

export type Facts = Record<FactKind, string[]>;

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Chinese numerals from 0 to 99 (一, 十二, 二十, 三十一); arabic digits pass through. */
export function chineseNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  if (!/^[零〇一二两三四五六七八九十]+$/.test(s)) return undefined;
  const ten = s.indexOf('十');
  if (ten < 0) return s.length === 1 ? DIGIT[s] : undefined;
  const tens = ten === 0 ? 1 : DIGIT[s.slice(0, ten)];
  const unitsPart = s.slice(ten + 1);
  const units = unitsPart === '' ? 0 : DIGIT[unitsPart];
  if (tens === undefined || units === undefined) return undefined;
  return tens * 10 + units;
}

const NUM = '(\\d{1,2}|[零〇一二两三四五六七八九十]{1,3})';
const DATE_RE = new RegExp(`${NUM}月${NUM}[日号]`, 'g');
const SLASH_DATE_RE = /(?<!\d)(\d{1,2})[/.](\d{1,2})(?!\d)/g;
const WINDOW_RE = /(\d{1,3}|[一二三四五六七八九十]{1,3})号(?:综合)?窗口/g;
const AMOUNT_RE = /(\d+(?:\.\d+)?)\s*(元|块钱|块)/g;
const STAFF_RE = /工号\s*[:：]?\s*([a-z0-9]{2,12})/gi;
const REFERENCE_RE = /(?<![\d+])([a-z]{0,4}\d{6,24})(?!\d)/gi;

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Extracts the key facts. Mobile numbers are identity, not facts, and are skipped. */
export function extractFacts(raw: string): Facts {
  const s = fold(raw);
  const facts: Facts = { date: [], window: [], amount: [], staff: [], reference: [] };
  const add = (kind: FactKind, v: string): void => {
    if (!facts[kind].includes(v)) facts[kind].push(v);
  };
  for (const m of s.matchAll(DATE_RE)) {
    const month = chineseNumber(m[1] ?? '');
    const day = chineseNumber(m[2] ?? '');
    if (month && day && month <= 12 && day <= 31) add('date', `${pad2(month)}-${pad2(day)}`);
  }
  for (const m of s.matchAll(SLASH_DATE_RE)) {
    const month = Number(m[1]);
    const day = Number(m[2]);
    // Only forms that cannot be amounts or versions: a valid month and day, written with a slash.
    if (m[0].includes('/') && month >= 1 && month <= 12 && day >= 1 && day <= 31) add('date', `${pad2(month)}-${pad2(day)}`);
  }
  for (const m of s.matchAll(WINDOW_RE)) {
    const n = chineseNumber(m[1] ?? '');
    if (n !== undefined) add('window', String(n));
  }
  for (const m of s.matchAll(AMOUNT_RE)) add('amount', String(Number(m[1])));
  for (const m of s.matchAll(STAFF_RE)) add('staff', (m[1] ?? '').toLowerCase());
  for (const m of s.matchAll(REFERENCE_RE)) {
    const v = (m[1] ?? '').toLowerCase();
    if (/^1[3-9]\d{9}$/.test(v) || /^0\d{9,11}$/.test(v)) continue; // phone numbers
    if (/^(19|20)\d{2}$/.test(v)) continue;
    add('reference', v);
  }
  return facts;
}

export interface FactComparison {
  /** Kinds both texts state with at least one common value. */
  agree: { kind: FactKind; values: string[] }[];
  /** Kinds both texts state with no common value: a sign of another occasion or another file. */
  conflict: { kind: FactKind; a: string[]; b: string[] }[];
}

export function compareFacts(a: Facts, b: Facts): FactComparison {
  const out: FactComparison = { agree: [], conflict: [] };
  for (const kind of Object.keys(a) as FactKind[]) {
    const va = a[kind];
    const vb = b[kind];
    if (va.length === 0 || vb.length === 0) continue;
    const common = va.filter((v) => vb.includes(v));
    if (common.length > 0) out.agree.push({ kind, values: common });
    else out.conflict.push({ kind, a: va, b: vb });
  }
  return out;
}

/** Facts stated in `next` that `before` does not state (new circumstances for art. 8(5)). */
export function newFacts(next: Facts, before: Facts): { kind: FactKind; values: string[] }[] {
  const out: { kind: FactKind; values: string[] }[] = [];
  for (const kind of Object.keys(next) as FactKind[]) {
    const fresh = next[kind].filter((v) => !before[kind].includes(v));
    if (fresh.length > 0) out.push({ kind, values: fresh });
  }
  return out;
}

/** `03-05` → `3月5日` for explanations. */
export function describeFact(kind: FactKind, value: string): string {
  if (kind === 'date') {
    const [m, d] = value.split('-').map(Number);
    return `${m}月${d}日`;
  }
  if (kind === 'window') return `${value}号窗口`;
  if (kind === 'amount') return `${value}元`;
  return value;
}
