/**
 * Importing a State Council holiday notice into an administrator year file (config/calendar/<year>.json):
 * parse the text (shared/domain/calendar-notice.ts), then compare it with what is in force for that year, the
 * year file already in the directory and the data shipped with the code, so that whoever imports sees what
 * changes before anything is written. Writing is the caller's (infra/local/calendar-year-file.ts), after that
 * person confirmed.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CalendarYearSchema } from '../domain/calendar';
import type { CalendarYearData } from '../domain/calendar';
import { compareYearData, parseHolidayNotice } from '../domain/calendar-notice';
import type { NoticeParseOptions, ParsedNotice, YearDifference } from '../domain/calendar-notice';
import { ConfigError, TousuError } from '../domain/errors';
import { defaultCalendarDir, packageYears, PACKAGE_YEAR_SOURCES, readChineseDaysData } from './load';
import type { ChineseDaysData } from './load';

export interface ImportNoticeOptions extends NoticeParseOptions {
  /** Directory of administrator year files. Default: the one loadCalendar reads (config/calendar). */
  calendarDir?: string;
  /** Package data to compare with instead of node_modules/chinese-days (tests). */
  packageData?: ChineseDaysData;
}

export interface ImportNoticeResult extends ParsedNotice {
  year: number;
  /** Absolute path of the year file to write. */
  file: string;
  /** The year file already there: its data (undefined when unreadable) and how the notice differs from it. */
  existingFile?: { data?: CalendarYearData; problem?: string; differences: YearDifference[] };
  /** The data shipped with the code for this year, and how the notice differs from it (source aside). */
  shipped?: { source: string; differences: YearDifference[] };
}

/** The year file exists and says something else; replacing it needs an explicit decision (HTTP 409, exit 2). */
export class YearFileExistsError extends TousuError {
  override readonly name = 'YearFileExistsError';
  readonly code = 'calendar_year_file_exists';
  readonly status = 409;
  constructor(
    readonly file: string,
    readonly differences: YearDifference[],
    message: string,
  ) {
    super(message);
  }
}

const DIFFERENCE_NAMES: Readonly<Record<YearDifference['field'], string>> = {
  holidays: '放假日',
  workdays: '调休上班日',
  labels: '节日名称',
  source: '来源',
};

/** Differences in plain Chinese, one line each: `放假日：新增 2027-10-08；删除 2027-10-01`. */
export function describeDifferences(differences: YearDifference[]): string[] {
  return differences.map((d) => {
    const parts = [d.added.length ? `新增 ${d.added.join('、')}` : '', d.removed.length ? `删除 ${d.removed.join('、')}` : ''].filter(Boolean);
    return `${DIFFERENCE_NAMES[d.field]}：${parts.join('；')}`;
  });
}

function readExisting(file: string): NonNullable<ImportNoticeResult['existingFile']> | undefined {
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return { problem: `不是有效的 JSON：${err instanceof Error ? err.message : String(err)}`, differences: [] };
  }
  const parsed = CalendarYearSchema.safeParse(raw);
  if (!parsed.success) return { problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('；'), differences: [] };
  return { data: parsed.data, differences: [] };
}

/**
 * Parses a notice and compares it with the calendar in force for its year. Throws ValidationError when the text
 * cannot be read (every problem listed, with codes), ConfigError when the calendar directory does not exist.
 */
export function importNoticeText(text: string, opts: ImportNoticeOptions = {}): ImportNoticeResult {
  const dir = resolve(opts.calendarDir ?? defaultCalendarDir());
  if (!(existsSync(dir) && statSync(dir).isDirectory())) {
    throw new ConfigError([{ field: 'calendarDir', message: `日历目录不存在：${dir}` }], `日历目录不存在：${dir}`);
  }
  const parsed = parseHolidayNotice(text, opts);
  const year = parsed.data.year;
  const file = join(dir, `${year}.json`);
  const result: ImportNoticeResult = { ...parsed, year, file };
  const existing = readExisting(file);
  if (existing) {
    result.existingFile = existing.data ? { ...existing, differences: compareYearData(existing.data, parsed.data) } : existing;
  }
  if (PACKAGE_YEAR_SOURCES[year]) {
    const [shipped] = packageYears(opts.packageData ?? readChineseDaysData(), [year]);
    result.shipped = { source: shipped!.source, differences: compareYearData(shipped!, parsed.data).filter((d) => d.field !== 'source') };
  }
  return result;
}
