/**
 * `tousu calendar import`: the State Council's holiday notice as published → config/calendar/<year>.json, after
 * the administrator saw what was read and confirmed. The parsing and comparison are importNoticeText
 * (shared/calendar/notice-import.ts), which an admin API can call the same way; this is the terminal around it.
 */
import { mkdir } from 'node:fs/promises';
import { dataPaths } from '../../local/runtime';
import { adminRequest } from './users';
import type { RecomputeReport } from '../../../shared/services/calendar-recompute';
import type { Command } from 'commander';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_BLOCK_DAYS, noticeDate } from '../../../shared/domain/calendar-notice';
import type { NoticeFinding } from '../../../shared/domain/calendar-notice';
import { ConfigError, ValidationError } from '../../../shared/domain/errors';
import { sharedCalendarYears } from '../../../shared/composition/jurisdiction';
import { describeDifferences, importNoticeText } from '../../../shared/calendar/notice-import';
import type { ImportNoticeResult } from '../../../shared/calendar/notice-import';
import { writeImportedYear } from '../../local/calendar-year-file';
import { UsageError } from '../usage-error';
import type { CalendarOpts } from './calendar';

interface ImportOpts extends CalendarOpts {
  year?: string;
  url?: string;
  yes?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
  maxBlockDays?: string;
  dataDir?: string;
}

/** A date as the notice writes it; with its year when it falls outside the notice's year (2022年12月31日). */
function shown(date: string, year: number): string {
  return Number(date.slice(0, 4)) === year ? noticeDate(date) : `${date.slice(0, 4)}年${noticeDate(date)}`;
}

function span(start: string, end: string, year: number): string {
  return start === end ? shown(start, year) : `${shown(start, year)}至${shown(end, year)}`;
}

function describeFinding(f: NoticeFinding, result: ImportNoticeResult): string[] {
  const { year, data } = result;
  const lines = [`${f.number}、${f.festivals.join('、')}`];
  const total = f.ranges.reduce((n, r) => n + r.days, 0);
  const off = f.ranges.map((r) => span(r.start, r.end, year)).join('，');
  const extra = [
    f.withWeekend.length ? `与周末连休：${span([...f.withWeekend, ...f.holidays].sort()[0]!, [...f.withWeekend, ...f.holidays].sort().at(-1)!, year)}` : '',
    f.noAdjustment ? '不调休' : '',
  ].filter(Boolean);
  lines.push(`    放假：${off}，共${total}天${extra.length ? `（${extra.join('；')}）` : ''}`);
  if (f.festivals.length > 1) {
    // The block is named after its main festival; a lunar festival's own day inside it keeps its name.
    const count = new Map<string, number>();
    for (const d of f.holidays) count.set(data.labels?.[d] ?? '', (count.get(data.labels?.[d] ?? '') ?? 0) + 1);
    const main = [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    for (const d of f.holidays.filter((x) => data.labels?.[x] !== main)) lines.push(`    其中${shown(d, year)}为${data.labels?.[d]}`);
  }
  lines.push(`    调休上班：${f.workdays.length ? f.workdays.map((d) => shown(d, year)).join('、') : '无'}`);
  for (const n of f.notes) lines.push(`    未作为放假或上班读取的说明：${n}`);
  return lines;
}

/** What `tousu calendar import` shows before asking: every paragraph as read, then warnings and differences. */
export function describeImport(result: ImportNoticeResult): string {
  const lines = [`${result.data.source}`, '', '读出的安排：'];
  for (const f of result.findings) lines.push(...describeFinding(f, result));
  lines.push('', `合计：放假 ${result.data.holidays.length} 天，调休上班 ${result.data.workdays.length} 天。`);
  for (const w of result.warnings) lines.push(`注意：${w}`);
  if (result.shipped) {
    lines.push(
      result.shipped.differences.length === 0
        ? `与程序自带的 ${result.year} 年数据一致（${result.shipped.source}）。`
        : `与程序自带的 ${result.year} 年数据不同：${describeDifferences(result.shipped.differences).join('；')}`,
    );
  }
  const ex = result.existingFile;
  if (ex) {
    lines.push(
      ex.problem
        ? `已有文件 ${result.file} 无法读取：${ex.problem}`
        : ex.differences.length === 0
          ? `已有文件 ${result.file} 的内容与通知相同。`
          : `已有文件 ${result.file} 与通知不同：${describeDifferences(ex.differences).join('；')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Asks a yes/no question on a terminal; only "y", "yes" or "是" is yes. */
export async function askYesNo(question: string, input: Readable, output: NodeJS.WritableStream): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: false });
  try {
    output.write(question);
    const answer = await new Promise<string>((resolve) => {
      rl.once('line', resolve);
      rl.once('close', () => resolve(''));
    });
    return /^(y|yes|是)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** The person's answer: on standard input when it is a terminal, on /dev/tty when the notice was pasted there. */
async function confirm(question: string, stdinConsumed: boolean): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new UsageError('标准输入不是终端，无法确认写入：请核对上面读出的安排，确认无误后加 --yes 重新运行（只查看不写入用 --dry-run）。');
  }
  if (!stdinConsumed) return askYesNo(question, process.stdin, process.stderr);
  let tty: Readable;
  try {
    tty = createReadStream('/dev/tty');
    await new Promise<void>((resolve, reject) => tty.once('open', () => resolve()).once('error', reject));
  } catch {
    throw new UsageError('无法在终端上确认：请把通知保存为文件后运行 tousu calendar import 文件名，或核对后加 --yes。');
  }
  try {
    return await askYesNo(question, tty, process.stderr);
  } finally {
    tty.destroy();
  }
}

function parseYear(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{4}$/.test(value.trim())) throw new UsageError(`--year 应为四位年份，收到“${value}”。`);
  return Number(value.trim());
}

function parseMaxBlockDays(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,2}$/.test(value.trim()) || Number(value) < 1) throw new UsageError(`--max-block-days 应为 1 到 99 的整数，收到“${value}”。`);
  return Number(value.trim());
}

function parseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    const u = new URL(value);
    if (u.protocol === 'https:' || u.protocol === 'http:') return value;
  } catch {
    // reported below
  }
  throw new UsageError(`--url 应为通知的网址（http:// 或 https:// 开头），收到“${value}”。`);
}

async function runImport(file: string | undefined, options: ImportOpts): Promise<void> {
  if (options.dataDir && options.calendarDir) throw new UsageError('--data-dir 与 --calendar-dir 只能选一个。');
  // Into a runtime's data directory: the year file goes to <data-dir>/calendar, where the runtime reads it.
  const opts: ImportOpts = options.dataDir ? { ...options, calendarDir: dataPaths(options.dataDir).calendar } : options;
  if (options.dataDir) await mkdir(opts.calendarDir!, { recursive: true });
  const fromStdin = file === undefined || file === '-';
  const year = parseYear(opts.year);
  const maxBlockDays = parseMaxBlockDays(opts.maxBlockDays);
  const url = parseUrl(opts.url);
  if (fromStdin && process.stdin.isTTY) process.stderr.write('请粘贴通知全文（含标题），粘贴完后另起一行按 Ctrl-D 结束：\n');
  let text: string;
  try {
    text = fromStdin ? await readAll(process.stdin) : await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`无法读取通知文件 ${file}：${err instanceof Error ? err.message : String(err)}`);
  }
  if (text.trim() === '') throw new UsageError('没有读到通知内容：请给出通知文本文件，或用 - 从标准输入读取。');

  let result: ImportNoticeResult;
  try {
    result = importNoticeText(text, { year, url, maxBlockDays, calendarDir: opts.calendarDir });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    if (err instanceof ValidationError) {
      throw new UsageError(`无法读取通知，未写入任何文件：\n${err.problems.map((p) => `  - ${p.message}${p.code ? ` [${p.code}]` : ''}`).join('\n')}`);
    }
    throw err;
  }
  const name = basename(result.file);
  const report = (status: string) => ({
    status,
    file: result.file,
    year: result.year,
    data: result.data,
    title: result.title,
    documentNumber: result.documentNumber,
    findings: result.findings,
    warnings: result.warnings,
    existingFile: result.existingFile,
    shipped: result.shipped,
  });
  if (!opts.json) process.stdout.write(describeImport(result));

  const ex = result.existingFile;
  if (ex?.data && ex.differences.length === 0) {
    process.stdout.write(opts.json ? `${JSON.stringify(report('unchanged'))}\n` : `${name} 已是这些内容，未改动。\n`);
    return;
  }
  if (ex && !opts.force) {
    const what = ex.problem ? `无法读取（${ex.problem}）` : `与通知不同（${describeDifferences(ex.differences).join('；')}）`;
    throw new UsageError(`${result.file} 已存在且${what}，未写入。确认以通知为准替换时加 --force。`);
  }
  if (opts.dryRun) {
    process.stdout.write(opts.json ? `${JSON.stringify(report('dry-run'))}\n` : `（--dry-run：未写入 ${name}）\n`);
    return;
  }
  if (!opts.yes && !(await confirm(`确认写入 ${name}？(y/N) `, fromStdin))) {
    process.stderr.write('已取消，未写入。\n');
    process.exitCode = 1;
    return;
  }
  // A runtime running on the data directory writes the year file itself, loads it at once and recomputes its
  // provisional deadlines; otherwise the file is written here and read at the next start.
  const live = options.dataDir ? ((await adminRequest(options.dataDir, 'POST', '/admin/calendar', { year: result.data })) as { recompute: RecomputeReport } | undefined) : undefined;
  const outcome = live ? (ex ? 'replaced' : 'written') : await writeImportedYear(result, { force: opts.force });
  const cal = sharedCalendarYears(opts.calendarDir ? { calendarDir: opts.calendarDir } : {});
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ ...report(outcome), ...(live ? { recompute: live.recompute } : {}) })}\n`);
    return;
  }
  const effect = live
    ? `  运行中的 tousu start 已载入该年度，并重新计算了 ${live.recompute.casesRecomputed} 件在办投诉的暂定期限。`
    : options.dataDir
      ? '  tousu start 下次启动时载入该年度，并自动重新计算在办投诉的暂定期限。'
      : '  tousu start 重启后读到新的年度文件并重新计算暂定期限（或改用 --data-dir 数据目录，运行中即时生效）；AWS 上用管理接口 POST /api/admin/calendar 导入。';
  process.stdout.write(
    [
      `${outcome === 'replaced' ? '已替换' : '已写入'} ${result.file}。现在 ${result.year} 年的依据：${cal.sourceOf(result.year)}`,
      '下一步：',
      `  npx tousu calendar years${opts.calendarDir ? ` --calendar-dir ${opts.calendarDir}` : ''}            # 核对已有年份及依据`,
      `  npx tousu calendar is-workday ${result.data.workdays[0] ?? `${result.year}-01-01`} --json   # 抽查某日`,
      effect,
      '',
    ].join('\n'),
  );
}

export function registerCalendarImport(calendar: Command, calendarOption: readonly [string, string]): void {
  calendar
    .command('import')
    .description('导入国务院办公厅《关于YYYY年部分节假日安排的通知》全文，核对后写入年度日历文件 YYYY.json')
    .argument('[file]', '通知文本文件；- 或省略为从标准输入读取（可直接粘贴）')
    .option('--year <year>', '年份（通知没有标题时必填；有标题时须一致）')
    .option('--url <url>', '通知网址，写入来源（source）')
    .option('--yes', '不询问，直接写入（标准输入不是终端时必需）')
    .option('--force', '替换内容不同的已有年度文件')
    .option('--dry-run', '只读取、显示和比较，不写入')
    .option('--json', '输出 JSON：{"status","file","year","data","findings","warnings",…}')
    .option('--max-block-days <n>', `单个放假区间最多天数，超过视为笔误（默认 ${DEFAULT_MAX_BLOCK_DAYS}）`)
    .option(...calendarOption)
    .option('--data-dir <dir>', '导入到本机运行时的数据目录（写入 <dir>/calendar；运行中的 tousu start 立即载入并重新计算暂定期限）')
    .addHelpText(
      'after',
      '\n示例：\n  tousu calendar import 2027通知.txt --url https://www.gov.cn/…   # 显示读出的安排，确认后写入 config/calendar/2027.json\n  cat 2027通知.txt | tousu calendar import - --dry-run             # 只核对，不写入\n',
    )
    .action((file: string | undefined, opts: ImportOpts) => runImport(file, opts));
}
