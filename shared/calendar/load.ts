/**
 * Builds the WorkingCalendar from its data: the chinese-days package (checked against the State Council
 * notices 2023 to 2026) plus administrator year files `config/calendar/<year>.json`. A year file replaces
 * the package's data for its year, so the next year can be added when the State Council publishes it,
 * without a release.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CalendarYearSchema, WorkingCalendar } from '../domain/calendar';
import type { CalendarOverride, CalendarYearData } from '../domain/calendar';
import { ConfigError } from '../domain/errors';
import type { FieldProblem } from '../domain/errors';

/**
 * The notices behind the package's data for the years we take from it. Each year was checked by hand
 * against its notice (test/unit/calendar.test.ts); a year not listed here is not taken from the package.
 */
export const PACKAGE_YEAR_SOURCES: Readonly<Record<number, string>> = {
  2023: '国务院办公厅关于2023年部分节假日安排的通知（国办发明电〔2022〕16号） http://www.gov.cn/zhengce/content/2022-12/08/content_5730844.htm',
  2024: '国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号） https://www.gov.cn/zhengce/content/202310/content_6911527.htm',
  2025: '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号） https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm',
  2026: '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号） https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm',
};

/** The package names festivals in short form; the notices use these. */
const FESTIVAL_NAMES: Readonly<Record<string, string>> = {
  元旦: '元旦',
  春节: '春节',
  清明: '清明节',
  劳动节: '劳动节',
  端午: '端午节',
  中秋: '中秋节',
  国庆节: '国庆节',
};

/** Shape of node_modules/chinese-days/dist/chinese-days.json: date → "English name,中文名,days". */
export interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const DEFAULT_YEAR_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/calendar');

export function defaultCalendarDir(): string {
  return DEFAULT_YEAR_DIR;
}

export function readChineseDaysData(): ChineseDaysData {
  const require = createRequire(import.meta.url);
  return require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
}

/** The year of the notice a package entry comes from: 2022-12-31 (元旦) belongs to the 2023 notice. */
function noticeYear(date: string, festival: string): number {
  const year = Number(date.slice(0, 4));
  return festival === '元旦' && date.slice(5, 7) === '12' ? year + 1 : year;
}

/** Year data from the package for the given years (default: every year in PACKAGE_YEAR_SOURCES). */
export function packageYears(data: ChineseDaysData, years: number[] = Object.keys(PACKAGE_YEAR_SOURCES).map(Number)): CalendarYearData[] {
  const out = new Map<number, CalendarYearData>();
  for (const year of years) {
    const source = PACKAGE_YEAR_SOURCES[year];
    if (!source) throw new Error(`no source notice recorded for package year ${year}`);
    out.set(year, { year, source, holidays: [], workdays: [], labels: {} });
  }
  const add = (map: Record<string, string>, kind: 'holidays' | 'workdays') => {
    for (const [date, value] of Object.entries(map)) {
      const short = value.split(',')[1] ?? '';
      const y = out.get(noticeYear(date, short));
      if (!y) continue;
      y[kind].push(date);
      const name = FESTIVAL_NAMES[short];
      if (name) y.labels![date] = name;
    }
  };
  add(data.holidays, 'holidays');
  add(data.workdays, 'workdays');
  for (const y of out.values()) {
    y.holidays.sort();
    y.workdays.sort();
  }
  return [...out.values()];
}

/** Reads and validates every `<year>.json` in a directory. Problems are collected, then thrown together. */
export function readYearFiles(dir: string): CalendarYearData[] {
  const problems: FieldProblem[] = [];
  const years: CalendarYearData[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith('.json')) continue;
    const m = /^(\d{4})\.json$/.exec(name);
    if (!m) {
      problems.push({ field: name, message: '日历文件名应为“年份.json”，例如 2027.json', code: 'bad_file_name' });
      continue;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    } catch (err) {
      problems.push({ field: name, message: `不是有效的 JSON：${err instanceof Error ? err.message : String(err)}`, code: 'bad_json' });
      continue;
    }
    const parsed = CalendarYearSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ field: [name, ...issue.path.map(String)].join('.'), message: issue.message, code: issue.code });
      }
      continue;
    }
    if (parsed.data.year !== Number(m[1])) {
      problems.push({ field: `${name}.year`, message: `文件名是 ${m[1]} 年，内容却是 ${parsed.data.year} 年`, code: 'year_mismatch' });
      continue;
    }
    years.push(parsed.data);
  }
  if (problems.length > 0) {
    throw new ConfigError(problems, `日历目录 ${dir} 中的年度文件有误：${problems.map((p) => `${p.field}: ${p.message}`).join('；')}`);
  }
  return years;
}

export interface LoadCalendarOptions {
  /** Directory of administrator year files. Default: the repository's config/calendar (absent is fine). */
  yearDir?: string;
  /** Single-date adjustments, e.g. a jurisdiction's `calendarOverrides`. */
  overrides?: CalendarOverride[];
  /** Package data to use instead of node_modules/chinese-days (tests, bundles). */
  packageData?: ChineseDaysData;
}

/** The calendar in force: package years, each replaced by an administrator file for the same year if present. */
export function loadCalendar(opts: LoadCalendarOptions = {}): WorkingCalendar {
  const years = new Map<number, CalendarYearData>();
  for (const y of packageYears(opts.packageData ?? readChineseDaysData())) years.set(y.year, y);
  const dir = opts.yearDir ?? DEFAULT_YEAR_DIR;
  if (opts.yearDir !== undefined && !(existsSync(dir) && statSync(dir).isDirectory())) {
    throw new ConfigError([{ field: 'calendarDir', message: `日历目录不存在：${dir}` }], `日历目录不存在：${dir}`);
  }
  if (existsSync(dir)) for (const y of readYearFiles(dir)) years.set(y.year, y);
  return new WorkingCalendar([...years.values()], opts.overrides ?? []);
}
