/**
 * Reads the State Council General Office's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) as it is
 * published, into one year of calendar data (SPEC.md, Deadlines: the calendar is data with its source, and the
 * next year's notice is imported by an administrator without a release).
 *
 * Pure: the text in, the year data and what was read out. The notice is written for people, so the parser is
 * strict where a misreading would move a deadline: every festival must be there once, every range must run
 * forwards and agree with its "共N天", every weekday or lunar date in parentheses must agree with the date it
 * annotates, and an adjusted working day must be a weekend day. Anything else is an error naming the paragraph.
 *
 * Forms read (2019 to 2026 notices): "1月1日放假，与周末连休"; "2022年12月31日至2023年1月2日放假调休，共3天";
 * "1月21日至27日放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。"; "1月28日（农历除夕、周二）至
 * 2月4日（农历正月初七、周二）放假调休，共8天"; "1月1日（周三）放假1天，不调休"; full-width or half-width
 * punctuation and digits, spaces anywhere, the whole notice on one line or one paragraph per line.
 */
import chineseDays from 'chinese-days';
import { CalendarYearSchema } from './calendar';
import type { CalendarYearData } from './calendar';
import { ValidationError } from './errors';
import type { FieldProblem } from './errors';

/** The festivals of the holiday rules (全国年节及纪念日放假办法, art. 2), by the names the notices use. */
export const NOTICE_FESTIVALS = ['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节'] as const;
export type NoticeFestival = (typeof NOTICE_FESTIVALS)[number];

const FESTIVAL_ALIASES: Readonly<Record<string, NoticeFestival>> = {
  元旦: '元旦',
  春节: '春节',
  清明节: '清明节',
  清明: '清明节',
  劳动节: '劳动节',
  五一劳动节: '劳动节',
  国际劳动节: '劳动节',
  端午节: '端午节',
  端午: '端午节',
  中秋节: '中秋节',
  中秋: '中秋节',
  国庆节: '国庆节',
  国庆: '国庆节',
};

/**
 * Festivals on a fixed lunar date. In a combined block ("中秋节、国庆节") their own day carries their name and
 * every other day the other festival's, as the shipped data labels 2023-09-29 and 2025-10-06 中秋节.
 */
const LUNAR_FESTIVAL_DAY: Readonly<Partial<Record<NoticeFestival, { month: number; day: number; text: string }>>> = {
  端午节: { month: 5, day: 5, text: '农历五月初五' },
  中秋节: { month: 8, day: 15, text: '农历八月十五' },
};

/** No holiday block of the notices 2008 to 2026 is longer than 9 days; a longer one is far more likely a typo. */
export const DEFAULT_MAX_BLOCK_DAYS = 15;

export interface NoticeParseOptions {
  /** The year the caller expects; must agree with the title when the text has one. */
  year?: number;
  /** Address of the published notice, appended to `source`. */
  url?: string;
  /** Longest holiday block accepted (days). Default DEFAULT_MAX_BLOCK_DAYS. */
  maxBlockDays?: number;
}

export interface NoticeRange {
  start: string;
  end: string;
  days: number;
}

/** What one numbered paragraph ("二、春节：…") said, for showing to the administrator before writing. */
export interface NoticeFinding {
  /** The paragraph's number as written: 一, 二, … */
  number: string;
  festivals: NoticeFestival[];
  ranges: NoticeRange[];
  /** Every day off of the paragraph, sorted. */
  holidays: string[];
  /** "共N天" / "放假N天" as written (checked against the ranges). */
  statedDays?: number;
  /** Adjusted working weekend days (…上班), sorted. */
  workdays: string[];
  /**
   * "与周末连休": the adjacent weekend days the holiday joins. Shown, not stored: they are days off anyway,
   * and the shipped data lists only the holiday itself (2024-01-01, 2024-06-10).
   */
  withWeekend: string[];
  /** "不调休": the notice says there is no adjusted working day. */
  noAdjustment: boolean;
  /** Sentences with a date that are neither a 放假 nor a 上班 arrangement (e.g. 2024's advice on 除夕), shown as read. */
  notes: string[];
}

export interface ParsedNotice {
  data: CalendarYearData;
  title?: string;
  documentNumber?: string;
  findings: NoticeFinding[];
  /** Things worth a look that do not stop the import, in Chinese. */
  warnings: string[];
}

const DAY_MS = 24 * 3600 * 1000;
const WEEKDAY_NAMES = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'] as const;
const WEEKDAY_CHARS: Readonly<Record<string, number>> = { 日: 0, 天: 0, 七: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const CN_DIGITS: Readonly<Record<string, number>> = { 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

const pad2 = (n: number) => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number) => `${y}-${pad2(m)}-${pad2(d)}`;

function utc(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

function addDays(date: string, days: number): string {
  return new Date(utc(date) + days * DAY_MS).toISOString().slice(0, 10);
}

function weekdayOf(date: string): number {
  return new Date(utc(date)).getUTCDay();
}

const isWeekend = (date: string) => [0, 6].includes(weekdayOf(date));

function isRealDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** `2026-02-15` → `2月15日（周日）`, the way the notices write a date. */
export function noticeDate(date: string, withWeekday = true): string {
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${m}月${d}日${withWeekday ? `（${WEEKDAY_NAMES[weekdayOf(date)]}）` : ''}`;
}

export function weekdayName(date: string): string {
  return WEEKDAY_NAMES[weekdayOf(date)]!;
}

/** 1 to 99 written in Chinese numerals: 三, 十, 十五, 二十八, 廿八, 三十. */
function chineseNumber(s: string): number | undefined {
  if (/^\d+$/.test(s)) return Number(s);
  const m = /^(?:([一二三四五六七八九])?(十)|(廿)|(卅))?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === '') return undefined;
  const tens = m[2] ? (m[1] ? CN_DIGITS[m[1]]! : 1) : m[3] ? 2 : m[4] ? 3 : 0;
  const ones = m[5] ? CN_DIGITS[m[5]]! : 0;
  return tens * 10 + ones || undefined;
}

/**
 * The Chinese lunisolar month and day of a date, from the chinese-days tables (the published calendar of the
 * Purple Mountain Observatory). Not ICU's Chinese calendar: ICU's astronomy puts the 2027 new moon on the wrong
 * side of midnight and gives 春节 2027 as 02-07, where the published calendar (and the notice) has 02-06.
 */
export function lunarMonthDay(date: string): { month: number; day: number; leap: boolean } | undefined {
  try {
    const l = chineseDays.getLunarDate(date);
    if (!Number.isInteger(l.lunarMon) || !Number.isInteger(l.lunarDay)) return undefined;
    return { month: l.lunarMon, day: l.lunarDay, leap: l.isLeap };
  } catch {
    return undefined;
  }
}

const LUNAR_MONTHS: Readonly<Record<string, number>> = { 正: 1, 冬: 11, 腊: 12 };

/** "农历除夕", "农历正月初七", "腊月二十八", "八月十五" → what it claims; undefined when it is not a lunar date. */
function parseLunarNote(note: string): { eve: true } | { month: number; day: number } | undefined {
  const s = note.replace(/^农历/, '');
  if (s === '除夕' || s === '大年三十') return { eve: true };
  const m = /^(正|冬|腊|十[一二]?|[一二三四五六七八九])月(?:(初)([一二三四五六七八九十])|(.+))$/.exec(s);
  if (!m) return undefined;
  const month = LUNAR_MONTHS[m[1]!] ?? chineseNumber(m[1]!);
  const day = m[2] ? (m[3] === '十' ? 10 : CN_DIGITS[m[3]!]) : chineseNumber(m[4]!);
  if (!month || !day || day > 30) return undefined;
  return { month, day };
}

/** Horizontal white space of any kind, zero-width characters and the byte-order mark. */
const SPACE_RE = /[^\S\n]|[\u200b-\u200d\u2060\ufeff]/g;
/**
 * One date as the notices write it, optionally with year or month omitted (inherited) and a parenthesised
 * note: `2022年12月31日`, `1月28日(星期六)`, `27日`, `2月4日(农历正月初七、周二)`.
 */
const DATE_SRC = String.raw`(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^()]*)\))?`;
const RANGE_SEP_SRC = String.raw`(?:至|到|-|~|〜|—|–|―)`;
const RANGE_RE = new RegExp(`^${DATE_SRC}(?:${RANGE_SEP_SRC}${DATE_SRC})?$`);
const DATE_AT = new RegExp(DATE_SRC, 'y');
const HAS_DATE_RE = /\d{1,2}日/;
const STARTS_WITH_DATE_RE = /^(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日/;
/** A numbered paragraph: `二、春节:` at the start of a line or after a full stop (the notice pasted as one line). */
const HEADING_RE = /(^|\n|。|:)([一二三四五六七八九十]{1,3})、([^:\n。]{1,30}?):/g;
const TITLE_RE = /(国务院办公厅)?关于(\d{4})年部分节假日安排的通知/;
const PREAMBLE_YEAR_RE = /现将(\d{4})年元旦/;
const DOC_NO_RE = /国办发明电[〔[(【](\d{4})[〕\])】](\d{1,3})号/;
/** The signature at the end: 国务院办公厅 and the date it was issued, perhaps "(此件公开发布)". */
const SIGNATURE_RE = /国务院办公厅\n*\d{4}年\d{1,2}月\d{1,2}日(?:\n*\(此件[^)]*\))?\n*$/;

interface DateToken {
  year?: number;
  month?: number;
  day: number;
  note?: string;
  text: string;
}

function token(groups: (string | undefined)[], offset: number, text: string): DateToken {
  const [y, m, d, note] = groups.slice(offset, offset + 4);
  return { ...(y ? { year: Number(y) } : {}), ...(m ? { month: Number(m) } : {}), day: Number(d), ...(note !== undefined ? { note } : {}), text };
}

/** `1月28日(星期六)、1月29日(星期日)` or `4月23日、5月6日`: the dates of a list, or undefined when it is not one. */
function dateList(s: string): DateToken[] | undefined {
  const out: DateToken[] = [];
  let at = 0;
  while (at < s.length) {
    if (out.length > 0) {
      const sep = /^(?:、|,|和|及|以及|与)/.exec(s.slice(at));
      if (!sep) return undefined;
      at += sep[0].length;
    }
    DATE_AT.lastIndex = at;
    const m = DATE_AT.exec(s);
    if (!m) return undefined;
    out.push(token([...m], 1, m[0]));
    at = DATE_AT.lastIndex;
  }
  return out.length > 0 ? out : undefined;
}

interface ParagraphContext {
  year: number;
  field: string;
  newYear: boolean;
  problems: FieldProblem[];
  warnings: string[];
}

function problem(ctx: ParagraphContext, code: string, message: string): void {
  ctx.problems.push({ field: ctx.field, code, message: `${ctx.field}：${message}` });
}

/**
 * Resolves a written date to `YYYY-MM-DD`: a missing month is the previous date's, a missing year is the
 * notice's (a December date in the 元旦 paragraph is the year before, as in "2018年12月29日上班" of 2019),
 * and a range end in January after a December start is in the next year.
 */
function resolveDate(ctx: ParagraphContext, t: DateToken, prev?: { year: number; month: number }): string | undefined {
  const month = t.month ?? prev?.month;
  if (month === undefined) {
    problem(ctx, 'month_missing', `“${t.text}”没有写月份。`);
    return undefined;
  }
  let year = t.year;
  if (year === undefined) {
    if (prev) year = prev.month === 12 && month === 1 ? prev.year + 1 : prev.year;
    else year = ctx.newYear && month === 12 ? ctx.year - 1 : ctx.year;
  }
  if (!isRealDate(year, month, t.day)) {
    problem(ctx, 'invalid_date', `“${t.text}”不是有效的日期（${year}年${month}月${t.day}日不存在）。`);
    return undefined;
  }
  const date = iso(year, month, t.day);
  if (Math.abs(year - ctx.year) > 1) {
    problem(ctx, 'date_out_of_year', `${year}年${month}月${t.day}日不属于 ${ctx.year} 年（或相邻年份）的安排。`);
    return undefined;
  }
  checkNote(ctx, t, date);
  return date;
}

/** The parenthesised note of a date: its weekday and lunar date, when given, must be the date's. */
function checkNote(ctx: ParagraphContext, t: DateToken, date: string): void {
  if (!t.note) return;
  for (const piece of t.note.split(/[、,]/).filter(Boolean)) {
    const wd = /^(?:周|星期|礼拜)([一二三四五六日天七])$/.exec(piece);
    if (wd) {
      const claimed = WEEKDAY_CHARS[wd[1]!]!;
      if (claimed !== weekdayOf(date)) {
        problem(ctx, 'weekday_mismatch', `${noticeDate(date, false)}是${weekdayName(date)}，通知写的是“${piece}”，请核对日期。`);
      }
      continue;
    }
    const lunar = parseLunarNote(piece);
    if (lunar) {
      const actual = lunarMonthDay(date);
      if (!actual) {
        ctx.warnings.push(`${ctx.field}：本机无法计算农历，未核对“${piece}”。`);
        continue;
      }
      const next = lunarMonthDay(addDays(date, 1));
      const ok = 'eve' in lunar ? next?.month === 1 && next.day === 1 && !next.leap : !actual.leap && actual.month === lunar.month && actual.day === lunar.day;
      if (!ok) problem(ctx, 'lunar_mismatch', `${noticeDate(date, false)}不是${piece.startsWith('农历') ? piece : `农历${piece}`}，请核对日期。`);
      continue;
    }
    ctx.warnings.push(`${ctx.field}：未识别括注“${piece}”（${noticeDate(date, false)}），未核对。`);
  }
}

interface ParagraphResult {
  ranges: NoticeRange[];
  holidays: string[];
  workdays: string[];
  statedDays?: number;
  withWeekend: string[];
  noAdjustment: boolean;
  notes: string[];
}

function daysBetween(a: string, b: string): number {
  return Math.round((utc(b) - utc(a)) / DAY_MS) + 1;
}

/** `X至Y放假…`: the range, its day count check, "与周末连休" and "不调休". */
function readHolidaySentence(ctx: ParagraphContext, datesPart: string, rest: string, maxBlockDays: number, out: ParagraphResult): void {
  const m = RANGE_RE.exec(datesPart);
  if (!m) {
    problem(ctx, HAS_DATE_RE.test(datesPart) ? 'unreadable_dates' : 'no_dates', `无法读出放假日期：“${datesPart}放假”。应写作“1月1日至3日放假”或“4月5日放假”。`);
    return;
  }
  const startTok = token([...m], 1, m[0]);
  const endTok = m[7] !== undefined ? token([...m], 5, m[0]) : undefined;
  const start = resolveDate(ctx, startTok);
  if (!start) return;
  const [sy, sm] = start.split('-').map(Number) as [number, number];
  const end = endTok ? resolveDate(ctx, endTok, { year: sy, month: sm }) : start;
  if (!end) return;
  if (end < start) {
    problem(ctx, 'range_backwards', `放假区间${noticeDate(start, false)}至${noticeDate(end, false)}首尾颠倒。`);
    return;
  }
  const days = daysBetween(start, end);
  if (days > maxBlockDays) {
    problem(ctx, 'range_too_long', `放假区间${noticeDate(start, false)}至${noticeDate(end, false)}长达 ${days} 天，超过 ${maxBlockDays} 天，请核对日期。`);
    return;
  }
  // "…放假调休，共8天" or "…放假1天，不调休".
  const count = /共(\d{1,3}|[一二三四五六七八九十]{1,3})天/.exec(rest) ?? /^(?:调休)?(\d{1,3}|[一二三四五六七八九十]{1,3})天/.exec(rest);
  if (count) {
    const stated = chineseNumber(count[1]!);
    if (stated !== undefined) {
      out.statedDays = (out.statedDays ?? 0) + stated;
      if (stated !== days) {
        problem(ctx, 'count_mismatch', `${noticeDate(start, false)}至${noticeDate(end, false)}是 ${days} 天，通知写的是“共${count[1]}天”，请核对。`);
      }
    }
  }
  out.ranges.push({ start, end, days });
  for (let d = start; d <= end; d = addDays(d, 1)) out.holidays.push(d);
  if (/与周末连休/.test(rest)) {
    for (let d = addDays(start, -1); isWeekend(d); d = addDays(d, -1)) out.withWeekend.unshift(d);
    for (let d = addDays(end, 1); isWeekend(d); d = addDays(d, 1)) out.withWeekend.push(d);
    if (out.withWeekend.length === 0) ctx.warnings.push(`${ctx.field}：通知写“与周末连休”，但${noticeDate(start)}前后并不是周末，请核对。`);
  }
  if (/不调休/.test(rest)) out.noAdjustment = true;
}

function readWorkdaySentence(ctx: ParagraphContext, sentence: string, out: ParagraphResult): void {
  const idx = sentence.indexOf('上班');
  const list = dateList(sentence.slice(0, idx));
  if (!list) {
    problem(ctx, 'unreadable_workdays', `无法读出调休上班日期：“${sentence}”。应写作“1月28日（星期六）、1月29日（星期日）上班”。`);
    return;
  }
  let prev: { year: number; month: number } | undefined;
  for (const t of list) {
    const date = resolveDate(ctx, t, prev && t.month === undefined ? prev : undefined);
    if (!date) continue;
    const [y, mo] = date.split('-').map(Number) as [number, number];
    prev = { year: y, month: mo };
    if (!isWeekend(date)) {
      problem(ctx, 'workday_not_weekend', `${noticeDate(date)}不是周末：调休上班日只能是周六或周日，请核对。`);
      continue;
    }
    out.workdays.push(date);
  }
}

function readParagraph(ctx: ParagraphContext, body: string, maxBlockDays: number): ParagraphResult {
  const out: ParagraphResult = { ranges: [], holidays: [], workdays: [], withWeekend: [], noAdjustment: false, notes: [] };
  const sentences = body
    .replace(/\n/g, '')
    .split(/[。;]/)
    .filter((s) => s.length > 0);
  if (sentences.length === 0 || !sentences[0]!.includes('放假')) {
    problem(ctx, 'no_dates', '没有找到放假安排（应以“某月某日至某日放假”开头）。');
    return out;
  }
  sentences.forEach((raw, i) => {
    let s = raw;
    if (STARTS_WITH_DATE_RE.test(s) && s.includes('放假')) {
      const at = s.indexOf('放假');
      let rest = s.slice(at + 2);
      // "…放假调休,共7天,1月28日(星期六)上班" in one sentence: the working days start at the first date after 放假.
      const work = /[,、]((?:\d{4}年)?\d{1,2}月\d{1,2}日.*上班.*)$/.exec(rest);
      if (work) rest = rest.slice(0, work.index);
      readHolidaySentence(ctx, s.slice(0, at), rest, maxBlockDays, out);
      if (!work) return;
      s = work[1]!;
    } else if (i === 0) {
      problem(ctx, HAS_DATE_RE.test(s) ? 'unreadable_dates' : 'no_dates', `无法读出放假日期：“${s}”。`);
      return;
    }
    if (STARTS_WITH_DATE_RE.test(s) && s.includes('上班')) {
      readWorkdaySentence(ctx, s, out);
    } else if (/上班|放假/.test(s) && HAS_DATE_RE.test(s)) {
      problem(ctx, 'unreadable_sentence', `无法读出这句安排：“${s}”。`);
    } else if (HAS_DATE_RE.test(s) && !SIGNATURE_RE.test(s)) {
      out.notes.push(s);
    }
  });
  if (out.noAdjustment && out.workdays.length > 0) {
    problem(ctx, 'workdays_with_no_adjustment', '通知写“不调休”，却又列出了调休上班日，请核对。');
  }
  out.holidays.sort();
  out.workdays.sort();
  return out;
}

function noticeYearOf(text: string, opts: NoticeParseOptions, problems: FieldProblem[]): number | undefined {
  const title = TITLE_RE.exec(text);
  const preamble = PREAMBLE_YEAR_RE.exec(text);
  const found = title ? Number(title[2]) : preamble ? Number(preamble[1]) : undefined;
  if (opts.year !== undefined && found !== undefined && opts.year !== found) {
    problems.push({ field: 'year', code: 'year_mismatch', message: `通知是 ${found} 年的安排，与指定的年份 ${opts.year} 不一致。` });
    return undefined;
  }
  const year = found ?? opts.year;
  if (year === undefined) {
    problems.push({
      field: 'year',
      code: 'no_year',
      message: '没有找到年份：请粘贴包括标题“国务院办公厅关于YYYY年部分节假日安排的通知”在内的全文，或用 --year 指定年份。',
    });
  }
  return year;
}

/**
 * Parses the notice text. Throws ValidationError listing every problem found (each with a code and a Chinese
 * message naming the paragraph); otherwise returns the year data (validated by CalendarYearSchema) and what each
 * paragraph said.
 */
export function parseHolidayNotice(input: string, opts: NoticeParseOptions = {}): ParsedNotice {
  const problems: FieldProblem[] = [];
  const warnings: string[] = [];
  const maxBlockDays = opts.maxBlockDays ?? DEFAULT_MAX_BLOCK_DAYS;
  const text = input.normalize('NFKC').replace(/\r\n?/g, '\n').replace(SPACE_RE, '').replace(SIGNATURE_RE, '');

  const year = noticeYearOf(text, opts, problems);
  const titleMatch = TITLE_RE.exec(text);
  const title = titleMatch ? `国务院办公厅关于${titleMatch[2]}年部分节假日安排的通知` : undefined;
  const doc = DOC_NO_RE.exec(text);
  const documentNumber = doc ? `国办发明电〔${doc[1]}〕${doc[2]}号` : undefined;
  if (year !== undefined && !titleMatch) warnings.push(`未找到通知标题，来源按年份写作“国务院办公厅关于${year}年部分节假日安排的通知”。`);
  if (year !== undefined && !documentNumber) warnings.push('未找到文号（国办发明电〔YYYY〕N号），来源中将不含文号。');
  if (doc && year !== undefined && ![year - 1, year].includes(Number(doc[1]))) {
    warnings.push(`文号年份 ${doc[1]} 与通知年份 ${year} 不相邻，请核对。`);
  }
  if (year === undefined) throw new ValidationError(problems, problems.map((p) => p.message).join('；'));

  const headings = [...text.matchAll(HEADING_RE)];
  if (headings.length === 0) {
    problems.push({ field: 'text', code: 'no_festivals', message: '没有找到“一、元旦：……”这样的节日条目，请粘贴通知正文。' });
    throw new ValidationError(problems, problems.map((p) => p.message).join('；'));
  }

  const findings: NoticeFinding[] = [];
  const seenFestival = new Map<NoticeFestival, string>();
  const holidayOwner = new Map<string, string>();
  const workdayOwner = new Map<string, string>();
  const labels: Record<string, string> = {};
  headings.forEach((h, i) => {
    const number = h[2]!;
    const bodyStart = h.index + h[0].length;
    let bodyEnd = i + 1 < headings.length ? headings[i + 1]!.index + headings[i + 1]![1]!.length : text.length;
    // The last paragraph ends with its line: the closing paragraph ("节假日期间，……") follows on its own line.
    if (i + 1 === headings.length) {
      const lineEnd = text.slice(bodyStart).search(/。\n/);
      if (lineEnd >= 0) bodyEnd = bodyStart + lineEnd + 1;
    }
    const names = h[3]!.split(/、|和/).filter(Boolean);
    const field = `第${number}条（${h[3]}）`;
    const festivals: NoticeFestival[] = [];
    for (const name of names) {
      const f = FESTIVAL_ALIASES[name];
      if (!f) {
        problems.push({ field, code: 'unknown_festival', message: `${field}：“${name}”不是法定节日（元旦、春节、清明节、劳动节、端午节、中秋节、国庆节）。` });
        continue;
      }
      if (seenFestival.has(f)) {
        problems.push({ field, code: 'duplicate_festival', message: `${field}：${f}已在${seenFestival.get(f)}中出现过。` });
        continue;
      }
      seenFestival.set(f, field);
      festivals.push(f);
    }
    const ctx: ParagraphContext = { year, field, newYear: festivals.includes('元旦'), problems, warnings };
    const r = readParagraph(ctx, text.slice(bodyStart, bodyEnd), maxBlockDays);
    for (const d of r.holidays) {
      const other = holidayOwner.get(d);
      if (other) problem(ctx, 'duplicate_date', `${noticeDate(d)}已在${other}中列为放假日。`);
      else holidayOwner.set(d, field);
    }
    for (const d of r.workdays) {
      const other = workdayOwner.get(d);
      if (other) problem(ctx, 'duplicate_date', `${noticeDate(d)}已在${other}中列为调休上班日。`);
      else workdayOwner.set(d, field);
    }
    if (festivals.length > 0) labelParagraph(ctx, festivals, r, labels);
    findings.push({
      number,
      festivals,
      ranges: r.ranges,
      holidays: r.holidays,
      ...(r.statedDays !== undefined ? { statedDays: r.statedDays } : {}),
      workdays: r.workdays,
      withWeekend: r.withWeekend,
      noAdjustment: r.noAdjustment,
      notes: r.notes,
    });
  });
  for (const [d, field] of workdayOwner) {
    const other = holidayOwner.get(d);
    if (other) problems.push({ field, code: 'workday_is_holiday', message: `${field}：${noticeDate(d)}同时是${other}的放假日，不能又是调休上班日。` });
  }
  const missing = NOTICE_FESTIVALS.filter((f) => !seenFestival.has(f));
  if (missing.length > 0) {
    problems.push({ field: 'text', code: 'festival_missing', message: `通知中缺少${missing.join('、')}的安排：请粘贴完整的通知正文（七个节日都应有条目）。` });
  }
  if (problems.length > 0) throw new ValidationError(problems, problems.map((p) => p.message).join('；'));

  const source = `${title ?? `国务院办公厅关于${year}年部分节假日安排的通知`}${documentNumber ? `（${documentNumber}）` : ''}${opts.url ? ` ${opts.url}` : ''}`;
  const data: CalendarYearData = {
    year,
    source,
    holidays: [...holidayOwner.keys()].sort(),
    workdays: [...workdayOwner.keys()].sort(),
    labels: Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))),
  };
  const checked = CalendarYearSchema.safeParse(data);
  if (!checked.success) {
    const list = checked.error.issues.map((i) => ({ field: i.path.join('.'), code: i.code, message: i.message }));
    throw new ValidationError(list, list.map((p) => p.message).join('；'));
  }
  return { data, ...(title ? { title } : {}), ...(documentNumber ? { documentNumber } : {}), findings, warnings };
}

/** Labels every date of a paragraph with its festival; in a combined block a lunar festival's own day keeps its name. */
function labelParagraph(ctx: ParagraphContext, festivals: NoticeFestival[], r: ParagraphResult, labels: Record<string, string>): void {
  const primary = festivals.find((f) => !LUNAR_FESTIVAL_DAY[f]) ?? festivals[0]!;
  for (const d of [...r.holidays, ...r.workdays]) labels[d] = primary;
  if (festivals.length < 2 || r.holidays.length === 0) return;
  for (const f of festivals) {
    const own = LUNAR_FESTIVAL_DAY[f];
    if (!own || f === primary) continue;
    if (!lunarMonthDay(r.holidays[0] ?? `${ctx.year}-01-01`)) {
      problem(ctx, 'lunar_unavailable', `本机无法计算农历，无法确定合并放假中${f}（${own.text}）是哪一天。`);
      return;
    }
    const day = r.holidays.find((d) => {
      const l = lunarMonthDay(d);
      return l && !l.leap && l.month === own.month && l.day === own.day;
    });
    if (!day) problem(ctx, 'festival_day_not_in_block', `${f}（${own.text}）不在本条的放假日期内，请核对。`);
    else labels[day] = f;
  }
}

export interface YearDifference {
  field: 'holidays' | 'workdays' | 'labels' | 'source';
  /** Dates only in the new data (or, for labels/source, the new value). */
  added: string[];
  removed: string[];
}

/** How `next` differs from `current` (both of the same year): dates added and removed, labels and source changed. */
export function compareYearData(current: CalendarYearData, next: CalendarYearData): YearDifference[] {
  const out: YearDifference[] = [];
  for (const field of ['holidays', 'workdays'] as const) {
    const a = new Set(current[field]);
    const b = new Set(next[field]);
    const added = [...b].filter((d) => !a.has(d)).sort();
    const removed = [...a].filter((d) => !b.has(d)).sort();
    if (added.length || removed.length) out.push({ field, added, removed });
  }
  const la = current.labels ?? {};
  const lb = next.labels ?? {};
  const keys = [...new Set([...Object.keys(la), ...Object.keys(lb)])].sort();
  const changed = keys.filter((k) => la[k] !== lb[k]);
  if (changed.length) {
    out.push({
      field: 'labels',
      added: changed.filter((k) => lb[k] !== undefined).map((k) => `${k} ${lb[k]}`),
      removed: changed.filter((k) => la[k] !== undefined).map((k) => `${k} ${la[k]}`),
    });
  }
  if (current.source !== next.source) out.push({ field: 'source', added: [next.source], removed: [current.source] });
  return out;
}
