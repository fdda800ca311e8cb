import type { Command } from 'commander';
import type { WorkingCalendar } from '../../../shared/domain/calendar';
import { isCalendarDate, shanghaiDate } from '../../../shared/domain/calendar';
import { isTousuError } from '../../../shared/domain/errors';
import { DEFAULT_JURISDICTION, loadJurisdiction } from '../../../shared/config/load';
import { jurisdictionCalendar } from '../../../shared/composition/jurisdiction';
import { UsageError } from '../usage-error';
import { registerCalendarImport } from './calendar-import';

export interface CalendarOpts {
  calendarDir?: string;
  jurisdiction?: string;
  jurisdictionDir?: string;
}

/**
 * The calendar the commands compute with: the jurisdiction's, as every composition root builds it
 * (shared/composition/jurisdiction.ts: shipped and administrator years plus its `calendarOverrides`), so the CLI
 * gives the deadline the runtime and the Lambdas give a case of that jurisdiction.
 */
export function cliCalendar(opts: CalendarOpts): WorkingCalendar {
  let jurisdiction;
  try {
    jurisdiction = loadJurisdiction(opts.jurisdiction ?? DEFAULT_JURISDICTION, opts.jurisdictionDir ? { dir: opts.jurisdictionDir } : {});
  } catch (err) {
    // An unknown or invalid --jurisdiction is the caller's to fix: exit 2 like any bad option.
    if (isTousuError(err)) throw new UsageError(`--jurisdiction ${err.message}`);
    throw err;
  }
  return jurisdictionCalendar(jurisdiction, opts.calendarDir ? { calendarDir: opts.calendarDir } : {});
}

export interface DueResult {
  due: string;
  dueDate: string;
  from: string;
  fromDate: string;
  days: number;
  calendarSources: { year: number; source: string }[];
}

/** `tousu calendar due` without the I/O: what the command prints with --json. */
export function computeDue(calendar: WorkingCalendar, from: string, days: number): DueResult {
  const { dueDate, dueAt } = calendar.addWorkingDays(from, days);
  const fromDate = shanghaiDate(from, 'from');
  return { due: dueAt, dueDate, from, fromDate, days, calendarSources: calendar.sourcesBetween(fromDate, dueDate) };
}

function parseDays(value: string): number {
  if (!/^\d{1,4}$/.test(value.trim())) throw new UsageError(`--days 应为非负整数（工作日数），收到“${value}”。`);
  return Number(value.trim());
}

function checkFrom(value: string): string {
  try {
    shanghaiDate(value, 'from');
  } catch (err) {
    if (isTousuError(err)) throw new UsageError(`--from ${err.message}`);
    throw err;
  }
  return value;
}

const calendarOption = ['--calendar-dir <dir>', '管理员年度日历文件目录（默认 config/calendar）'] as const;
const jurisdictionOption = ['--jurisdiction <code>', `辖区代码：按该辖区的日历调整（calendarOverrides）计算（默认 ${DEFAULT_JURISDICTION}）`] as const;
const jurisdictionDirOption = ['--jurisdiction-dir <dir>', '辖区配置文件目录（默认 config/jurisdictions）'] as const;

export function registerCalendar(program: Command): void {
  const calendar = program.command('calendar').description('工作日历（Asia/Shanghai）：期限计算与工作日查询 (working-day calendar)');

  calendar
    .command('due')
    .description('计算期限：受理当日不计，自次日起第 N 个工作日的 23:59:59（上海时间）为届满时间')
    .requiredOption('--from <instant>', '起算时间，带时区的 ISO 8601，如 2023-09-28T17:00:00+08:00')
    .requiredOption('--days <n>', '工作日数 N（0 表示当日 23:59:59 届满）')
    .option('--json', '输出 JSON：{"due","dueDate","from","fromDate","days","calendarSources"}')
    .option(...calendarOption)
    .option(...jurisdictionOption)
    .option(...jurisdictionDirOption)
    .addHelpText('after', '\n示例：\n  tousu calendar due --from 2023-09-28T17:00:00+08:00 --days 3   # → 2023-10-09\n')
    .action((opts: CalendarOpts & { from: string; days: string; json?: boolean }) => {
      const from = checkFrom(opts.from);
      const days = parseDays(opts.days);
      const result = computeDue(cliCalendar(opts), from, days);
      process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${result.dueDate}\n`);
    });

  calendar
    .command('is-workday')
    .description('判断某日（YYYY-MM-DD，上海日期）是否为工作日，输出 true 或 false')
    .argument('<date>', '日期 YYYY-MM-DD')
    .option('--json', '输出 JSON，含原因与依据的通知')
    .option(...calendarOption)
    .option(...jurisdictionOption)
    .option(...jurisdictionDirOption)
    .addHelpText('after', '\n示例：\n  tousu calendar is-workday 2026-02-14   # → true（春节调休上班）\n')
    .action((date: string, opts: CalendarOpts & { json?: boolean }) => {
      if (!isCalendarDate(date)) throw new UsageError(`日期“${date}”无效，应为 YYYY-MM-DD 格式的公历日期。`);
      const cal = cliCalendar(opts);
      const explanation = cal.explain(date);
      process.stdout.write(opts.json ? `${JSON.stringify({ date, ...explanation })}\n` : `${explanation.workday}\n`);
    });

  registerCalendarImport(calendar, calendarOption);

  calendar
    .command('years')
    .description('列出已有日历数据的年份及其依据的国务院办公厅通知')
    .option('--json', '输出 JSON')
    .option(...calendarOption)
    .option(...jurisdictionOption)
    .option(...jurisdictionDirOption)
    .action((opts: CalendarOpts & { json?: boolean }) => {
      const cal = cliCalendar(opts);
      const rows = cal.years().map((year) => ({ year, source: cal.sourceOf(year) }));
      process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : rows.map((r) => `${r.year}\t${r.source}\n`).join(''));
    });
}
