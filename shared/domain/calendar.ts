/**
 * Working-day calendar of mainland China, in Asia/Shanghai (SPEC.md, Deadlines).
 *
 * Pure: no fs, no process.env, no process-local time zone. Every instant is converted to its Shanghai
 * calendar date (UTC+8, no daylight saving since 1991) before any look-up, so a server in UTC or
 * America/Los_Angeles gives the same answers as one in Chengdu.
 *
 * Counting rule (Civil Code arts. 201 and 203, as SPEC.md applies them): the day of the triggering event
 * is not counted; counting starts on the next day; only working days count; the period ends at
 * 23:59:59 (Shanghai) of the Nth working day. A date in a year without calendar data is an error naming
 * the year (CalendarDataMissingError), never a guess, except in the deadline view (`forDeadlines()`): case
 * deadlines must keep running when next year's notice is not published or not loaded yet, so there such a
 * year counts provisionally by the statutory holidays alone (see `PROVISIONAL_WEEKEND_REACH_DAYS`), and every
 * answer says it is provisional.
 */
import * as z from 'zod';
import { CalendarDataMissingError, ValidationError } from './errors';
import { holidayLawOf, statutoryHolidays } from './statutory-holidays';

/** One year's arrangement as announced by the State Council (国务院办公厅关于YYYY年部分节假日安排的通知). */
export interface CalendarYearData {
  year: number;
  /** The notice the data comes from: title and document number, e.g. `国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）`. */
  source: string;
  /** Days off (放假), weekend days inside a holiday block included. `YYYY-MM-DD`. */
  holidays: string[];
  /** Adjusted working weekend days (调休上班日). `YYYY-MM-DD`. */
  workdays: string[];
  /** Optional festival name per date (`2025-10-01` → `国庆节`), for explanations only. */
  labels?: Record<string, string>;
}

/** A local adjustment of one date, e.g. from a jurisdiction's configuration, with the notice it follows. */
export interface CalendarOverride {
  date: string;
  workday: boolean;
  source: string;
}

export interface DueTime {
  /** Shanghai calendar date of the due day, `YYYY-MM-DD`. */
  dueDate: string;
  /** End of the due day: `YYYY-MM-DDT23:59:59+08:00`. */
  dueAt: string;
  /** Set when the count ran through a year without its State Council notice (deadline view only). */
  provisional?: ProvisionalNote;
}

/** Why a date is provisional: the years counted without their notice, and a plain Chinese reason. */
export interface ProvisionalNote {
  years: number[];
  reason: string;
}

/**
 * How far from a statutory holiday a weekend day may be an adjusted working day (调休上班). In the notices of
 * 2023 to 2026 the farthest was 10 days (2024-05-11 after 劳动节); 12 leaves a margin. A provisional count takes
 * such weekend days as working days, so that a provisional due date is never later than the official one
 * turns out to be: the notice can only add working days there (adjusted weekends) or remove weekdays
 * (bridge days and days in lieu), and both only move the official date later than the provisional one.
 */
export const PROVISIONAL_WEEKEND_REACH_DAYS = 12;

/** The reason shown with every provisional date. */
export function provisionalReason(years: readonly number[]): string {
  const list = years.map((y) => `${y} 年`).join('、');
  return `${list}的国务院办公厅节假日安排通知尚未导入，期限按${holidayLawOf(years[0] ?? 2025).title}规定的法定节假日暂定（法定节假日前后 ${PROVISIONAL_WEEKEND_REACH_DAYS} 天内的周末可能调休上班，暂按工作日计，故暂定期限不会晚于正式期限）；导入通知后自动重新计算。`;
}

export interface DayExplanation {
  workday: boolean;
  /** Plain Chinese reason: `国庆节放假`, `调休上班`, `周末`, `工作日`, `本地调整为工作日`, … */
  reason: string;
  /** The notice behind the answer, when the answer comes from one. */
  source?: string;
  /** Festival the date belongs to (holiday or adjusted working day), when known. */
  festival?: string;
  /** The year has no notice loaded: the answer follows the statutory holidays (deadline view only). */
  provisional?: boolean;
}

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;
/** Upper bound on a single count: far beyond any deadline in the rules; stops runaway input. */
const MAX_WORKING_DAYS = 3660;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An instant must carry its offset: a bare local time would be read in the process's own zone. */
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

function invalid(field: string, message: string): ValidationError {
  return new ValidationError([{ field, message, code: 'invalid_date' }], message);
}

/** True when `s` is a real calendar date `YYYY-MM-DD` (rejects 2023-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function assertDate(s: string, field = 'date'): string {
  if (typeof s !== 'string' || !isCalendarDate(s)) {
    throw invalid(field, `日期“${String(s)}”无效，应为 YYYY-MM-DD 格式的公历日期。`);
  }
  return s;
}

function parseInstant(instant: Date | string, field: string): number {
  if (instant instanceof Date) {
    const t = instant.getTime();
    if (Number.isNaN(t)) throw invalid(field, '时间无效。');
    return t;
  }
  if (typeof instant === 'string') {
    const m = INSTANT_RE.exec(instant.trim());
    if (m && isCalendarDate(`${m[1]}-${m[2]}-${m[3]}`) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6] ?? 0) < 60) {
      const t = Date.parse(instant.trim());
      if (!Number.isNaN(t)) return t;
    }
  }
  throw invalid(field, `时间“${String(instant)}”无效，应为带时区的 ISO 8601 时间，例如 2023-09-28T17:00:00+08:00，或 YYYY-MM-DD 日期。`);
}

/**
 * The Asia/Shanghai calendar date (`YYYY-MM-DD`) of an instant. A bare `YYYY-MM-DD` is taken as a Shanghai
 * date already; a date-time must carry `Z` or an offset. Anything else is a ValidationError.
 */
export function shanghaiDate(instant: Date | string, field = 'instant'): string {
  if (typeof instant === 'string' && DATE_RE.test(instant.trim())) return assertDate(instant.trim(), field);
  const t = parseInstant(instant, field);
  return new Date(t + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant (epoch ms) of a Shanghai wall-clock time on a Shanghai date. */
function shanghaiWallTime(date: string, hour: number, minute = 0, second = 0): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d, hour, minute, second) - SHANGHAI_OFFSET_MS;
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, of the calendar date itself (no zone involved). */
function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** End of a Shanghai day, the form every due time takes. */
export function endOfShanghaiDay(date: string): string {
  return `${assertDate(date)}T23:59:59+08:00`;
}

/** zod schema of one year's data, shared by the administrator year files and the loader. */
export const CalendarYearSchema = z
  .object({
    year: z.number().int().min(1991).max(2200),
    source: z.string().min(4, '请写明数据来源：国务院办公厅通知的标题和文号'),
    holidays: z.array(z.string().refine(isCalendarDate, '日期无效，应为 YYYY-MM-DD')),
    workdays: z.array(z.string().refine(isCalendarDate, '日期无效，应为 YYYY-MM-DD')),
    labels: z.record(z.string().refine(isCalendarDate, '日期无效，应为 YYYY-MM-DD'), z.string().min(1)).optional(),
  })
  .superRefine((v, ctx) => {
    // A notice may name a date of the neighbouring year (the 2023 notice starts New Year on 2022-12-31).
    const inRange = (d: string) => Math.abs(Number(d.slice(0, 4)) - v.year) <= 1;
    const holidays = new Set(v.holidays);
    v.holidays.forEach((d, i) => {
      if (isCalendarDate(d) && !inRange(d)) {
        ctx.addIssue({ code: 'custom', path: ['holidays', i], message: `${d} 不属于 ${v.year} 年（或相邻年份）` });
      }
    });
    v.workdays.forEach((d, i) => {
      if (!isCalendarDate(d)) return;
      if (!inRange(d)) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${d} 不属于 ${v.year} 年（或相邻年份）` });
      if (holidays.has(d)) ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${d} 同时列为放假日和调休上班日` });
      const wd = weekday(d);
      if (wd !== 0 && wd !== 6) {
        ctx.addIssue({ code: 'custom', path: ['workdays', i], message: `${d} 不是周末：调休上班日只能是周六或周日` });
      }
    });
  });

interface DayEntry {
  workday: boolean;
  source: string;
  festival?: string;
  override: boolean;
}

/**
 * The working-day calendar over the years it has data for. Construct it with `loadCalendar()`
 * (shared/calendar/load.ts) in production, or directly with year data in tests.
 */
export interface WorkingCalendarOptions {
  /** Count years without a notice provisionally (the deadline view). Default false: such a year is an error. */
  provisional?: boolean;
  /** How far from a statutory holiday a weekend may be an adjusted working day (default PROVISIONAL_WEEKEND_REACH_DAYS; the bench compares others). */
  weekendReachDays?: number;
}

/** The data both views of one calendar share, so that a year loaded later reaches every holder at once. */
interface CalendarState {
  byYear: Map<number, CalendarYearData>;
  entries: Map<string, DayEntry>;
  overrides: CalendarOverride[];
}

function validYear(y: CalendarYearData): CalendarYearData {
  const parsed = CalendarYearSchema.safeParse(y);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw invalid(`calendar.${y.year}.${first?.path.join('.') ?? ''}`, `${y.year} 年日历数据无效：${first?.message ?? ''}`);
  }
  return y;
}

function rebuildEntries(state: CalendarState): void {
  state.entries.clear();
  // Ascending years: a later notice's word on a neighbouring year's date (2022-12-31) wins.
  for (const year of [...state.byYear.keys()].sort((a, b) => a - b)) {
    const y = state.byYear.get(year)!;
    for (const d of y.holidays) state.entries.set(d, { workday: false, source: y.source, festival: y.labels?.[d], override: false });
    for (const d of y.workdays) state.entries.set(d, { workday: true, source: y.source, festival: y.labels?.[d], override: false });
  }
  for (const o of state.overrides) state.entries.set(o.date, { workday: o.workday, source: o.source, override: true });
}

export class WorkingCalendar {
  /** Shared with the deadline view (assigned once, in the constructor or by forDeadlines). */
  private state: CalendarState;
  private readonly provisional: boolean;
  private readonly reach: number;
  private readonly statutory = new Map<string, string>();
  private readonly statutoryYears = new Set<number>();
  private deadlineView?: WorkingCalendar;

  constructor(years: CalendarYearData[], overrides: CalendarOverride[] = [], options: WorkingCalendarOptions = {}) {
    this.provisional = options.provisional === true;
    this.reach = options.weekendReachDays ?? PROVISIONAL_WEEKEND_REACH_DAYS;
    const byYear = new Map<number, CalendarYearData>();
    for (const y of years) {
      validYear(y);
      if (byYear.has(y.year)) throw invalid(`calendar.${y.year}`, `${y.year} 年的日历数据重复。`);
      byYear.set(y.year, y);
    }
    for (const o of overrides) assertDate(o.date, 'overrides.date');
    this.state = { byYear, entries: new Map(), overrides: [...overrides] };
    rebuildEntries(this.state);
  }

  private get byYear(): Map<number, CalendarYearData> {
    return this.state.byYear;
  }

  private get entries(): Map<string, DayEntry> {
    return this.state.entries;
  }

  /**
   * Loads (or replaces) one year's notice in place: every holder of this calendar and of its deadline view
   * sees it at once (an administrator imported the State Council notice while the system runs). Validated
   * like a year file. Deadlines already computed are not touched here: see shared/services/calendar-recompute.ts.
   */
  loadYear(y: CalendarYearData): void {
    this.state.byYear.set(y.year, validYear(y));
    rebuildEntries(this.state);
  }

  /**
   * The same calendar for case deadlines: a year without its notice counts provisionally (statutory holidays,
   * weekends near them as possible adjusted working days) instead of failing, and says so in every answer.
   */
  forDeadlines(): WorkingCalendar {
    if (this.provisional) return this;
    if (!this.deadlineView) {
      const view = new WorkingCalendar([], [], { provisional: true, weekendReachDays: this.reach });
      view.state = this.state;
      this.deadlineView = view;
    }
    return this.deadlineView;
  }

  /** Whether this is the deadline view (provisional counting of years without a notice). */
  countsProvisionally(): boolean {
    return this.provisional;
  }

  /** Years without a notice among those the Shanghai dates from..to (inclusive) touch. */
  missingYearsBetween(fromDate: string, toDate: string): number[] {
    const out: number[] = [];
    for (let y = Number(fromDate.slice(0, 4)); y <= Number(toDate.slice(0, 4)); y += 1) if (!this.byYear.has(y)) out.push(y);
    return out;
  }

  /** Years with data, ascending. */
  years(): number[] {
    return [...this.byYear.keys()].sort((a, b) => a - b);
  }

  hasYear(year: number): boolean {
    return this.byYear.has(year);
  }

  /** The notice a year's data comes from. */
  sourceOf(year: number): string {
    const y = this.byYear.get(year);
    if (!y) throw new CalendarDataMissingError(year);
    return y.source;
  }

  explain(date: string): DayExplanation {
    assertDate(date);
    const year = Number(date.slice(0, 4));
    // Overrides adjust single dates; they never stand in for a missing year.
    if (!this.byYear.has(year)) {
      if (!this.provisional) throw new CalendarDataMissingError(year);
      return this.explainProvisional(date, year);
    }
    const entry = this.entries.get(date);
    if (entry?.override) {
      return { workday: entry.workday, reason: entry.workday ? '本地调整为工作日' : '本地调整为休息日', source: entry.source };
    }
    if (entry) {
      const festival = entry.festival;
      if (entry.workday) return { workday: true, reason: '调休上班', source: entry.source, ...(festival ? { festival } : {}) };
      return { workday: false, reason: `${festival ?? '法定节假日'}放假`, source: entry.source, ...(festival ? { festival } : {}) };
    }
    const wd = weekday(date);
    if (wd === 0 || wd === 6) return { workday: false, reason: '周末', source: this.byYear.get(year)!.source };
    return { workday: true, reason: '工作日', source: this.byYear.get(year)!.source };
  }

  /** A date of a year without its notice, by the statutory holidays (the deadline view only). */
  private explainProvisional(date: string, year: number): DayExplanation {
    const entry = this.entries.get(date);
    if (entry?.override) {
      return { workday: entry.workday, reason: entry.workday ? '本地调整为工作日' : '本地调整为休息日', source: entry.source, provisional: true };
    }
    const source = holidayLawOf(year).title;
    const festival = this.statutoryFestival(date);
    if (festival) return { workday: false, reason: `${festival}放假（法定节假日，暂定）`, source, festival, provisional: true };
    const wd = weekday(date);
    if (wd !== 0 && wd !== 6) return { workday: true, reason: '工作日（暂定）', source, provisional: true };
    for (let k = 1; k <= this.reach; k += 1) {
      const near = this.statutoryFestival(addDays(date, -k)) ?? this.statutoryFestival(addDays(date, k));
      if (near) return { workday: true, reason: `周末，临近${near}可能调休上班，暂按工作日计`, source, festival: near, provisional: true };
    }
    return { workday: false, reason: '周末（暂定）', source, provisional: true };
  }

  /** The festival of a statutory holiday on a date (the law, not a notice), if it is one. */
  private statutoryFestival(date: string): string | undefined {
    const year = Number(date.slice(0, 4));
    if (!this.statutoryYears.has(year)) {
      const days = statutoryHolidays(year);
      if (!days) throw new CalendarDataMissingError(year);
      for (const h of days) this.statutory.set(h.date, h.festival);
      this.statutoryYears.add(year);
    }
    return this.statutory.get(date);
  }

  /** Whether a Shanghai date is a working day. Throws CalendarDataMissingError for a year without data. */
  isWorkday(date: string): boolean {
    return this.explain(date).workday;
  }

  /**
   * The due time N working days after an instant: the instant's Shanghai date is not counted, counting
   * starts the next day, only working days count, due at 23:59:59 of the Nth working day.
   * n = 0 means "by the end of the same day": the instant's own Shanghai date, whatever kind of day it is.
   */
  addWorkingDays(from: Date | string, n: number): DueTime {
    const count = checkCount(n, 'days');
    const start = shanghaiDate(from, 'from');
    let date = start;
    for (let left = count; left > 0;) {
      date = addDays(date, 1);
      if (this.isWorkday(date)) left -= 1;
    }
    const due: DueTime = { dueDate: date, dueAt: endOfShanghaiDay(date) };
    if (this.provisional && count > 0) {
      const years = this.missingYearsBetween(addDays(start, 1), date);
      if (years.length > 0) due.provisional = { years, reason: provisionalReason(years) };
    }
    return due;
  }

  /** The working day N working days before a Shanghai date (strictly earlier days only); n = 0 is the date itself. */
  workingDaysBefore(date: string, n: number): string {
    const count = checkCount(n, 'days');
    let d = assertDate(date);
    for (let left = count; left > 0;) {
      d = addDays(d, -1);
      if (this.isWorkday(d)) left -= 1;
    }
    return d;
  }

  /**
   * When to send a reminder: `hour`:00 Shanghai time on the working day `leadWorkingDays` before the due
   * date (lead 0: on the due day itself). Returns an ISO instant with offset +08:00.
   */
  reminderAt(dueAt: string, leadWorkingDays: number, hour = 9): string {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw invalid('hour', '提醒时刻应为 0 至 23 的整数小时。');
    const day = this.workingDaysBefore(shanghaiDate(dueAt, 'dueAt'), leadWorkingDays);
    return `${day}T${pad2(hour)}:00:00+08:00`;
  }

  /**
   * Whole working days left after today (Shanghai) up to and including the due date: 0 on the due day,
   * negative when overdue (minus the working days elapsed since the due date, and at least -1 once the
   * due instant has passed, even on a weekend right after it).
   */
  workingDaysLeft(now: Date | string, dueAt: string): number {
    const nowMs = parseInstantOrDate(now, 'now');
    const dueMs = parseInstantOrDate(dueAt, 'dueAt');
    const today = shanghaiDate(now, 'now');
    const dueDate = shanghaiDate(dueAt, 'dueAt');
    if (today < dueDate) return this.countWorkdaysBetween(today, dueDate);
    if (nowMs <= dueMs) return 0;
    return -Math.max(1, this.countWorkdaysBetween(dueDate, today));
  }

  /** Working days in (after, upTo]. */
  private countWorkdaysBetween(after: string, upTo: string): number {
    let n = 0;
    for (let d = addDays(after, 1); d <= upTo; d = addDays(d, 1)) if (this.isWorkday(d)) n += 1;
    return n;
  }

  /** Sources of every year the dates from..to touch (for reports and `tousu calendar due --json`). */
  sourcesBetween(fromDate: string, toDate: string): { year: number; source: string }[] {
    const out: { year: number; source: string }[] = [];
    for (let y = Number(fromDate.slice(0, 4)); y <= Number(toDate.slice(0, 4)); y += 1) {
      if (this.byYear.has(y)) out.push({ year: y, source: this.byYear.get(y)!.source });
    }
    return out;
  }
}

function checkCount(n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 0 || n > MAX_WORKING_DAYS) {
    throw new ValidationError([{ field, message: `工作日数应为 0 至 ${MAX_WORKING_DAYS} 的整数。`, code: 'invalid_count' }], `工作日数“${String(n)}”无效，应为 0 至 ${MAX_WORKING_DAYS} 的整数。`);
  }
  return n;
}

/** Epoch ms of an instant; a bare date means the end of that Shanghai day (the form of every due time). */
function parseInstantOrDate(v: Date | string, field: string): number {
  if (typeof v === 'string' && DATE_RE.test(v.trim())) return shanghaiWallTime(assertDate(v.trim(), field), 23, 59, 59);
  return parseInstant(v, field);
}
