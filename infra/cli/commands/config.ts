import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { sharedCalendarYears } from '../../../shared/composition/jurisdiction';
import { shanghaiDate } from '../../../shared/domain/calendar';
import { ConfigError } from '../../../shared/domain/errors';
import type { JurisdictionConfig } from '../../../shared/domain/jurisdiction';
import { parseJsonWithPositions } from '../../../shared/config/json';
import type { ConfigProblem } from '../../../shared/config/json';
import { defaultJurisdictionDir, defaultRulesDir, listJurisdictions, rulesStatus, validateJurisdictionFile, validateRulesDir, validateRulesFile } from '../../../shared/config/load';
import type { RulesRegistry } from '../../../shared/domain/rules';
import { UsageError } from '../usage-error';
import { catalogueDir, validateCatalogueFile } from '../../../shared/config/catalogue';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HttpLimits } from '../../../functions/api/limits';
import { HandoverConfig } from '../../../shared/domain/handover';
import { workOrderConfigProblems } from '../../../shared/services/workorder-outbound';
import { parseSmtpLimits } from '../../local/smtp-limits';
import { parseIntakeBacklog } from '../../local/intake-backlog';
import { parseDeployConfig } from '../../config';

const LEVEL_NAMES: Record<JurisdictionConfig['level'], string> = { city: '市级', county: '县级', district: '区级', park: '园区' };

interface FileReport {
  file: string;
  kind: 'jurisdiction' | 'rules' | 'calendar' | 'catalogue' | 'runtime' | 'deploy';
  ok: boolean;
  summary?: string;
  problems: ConfigProblem[];
  warnings: string[];
}

interface ValidateOptions {
  json?: boolean;
  dir?: string;
  rulesDir?: string;
  calendarDir?: string;
  date?: string;
}

const show = (file: string) => {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
};

/** A rules version file is recognised by its content, so `validate FILE` takes either kind. */
function looksLikeRulesFile(file: string): boolean {
  try {
    const { value } = parseJsonWithPositions(readFileSync(file, 'utf8'));
    return value !== null && typeof value === 'object' && 'effectiveFrom' in value && 'deadlines' in value;
  } catch {
    return false;
  }
}

/** A service catalogue (config/jurisdictions/catalogue/<code>.json) is recognised by its `items` and `version`. */
function looksLikeCatalogueFile(file: string): boolean {
  try {
    const { value } = parseJsonWithPositions(readFileSync(file, 'utf8'));
    return value !== null && typeof value === 'object' && 'items' in value && 'version' in value;
  } catch {
    return false;
  }
}

/** `<data-dir>/tousu.config.json` (embedded runtime) or `config/deploy/<code>.json` (AWS), by name or place. */
function settingsKind(file: string): 'runtime' | 'deploy' | undefined {
  if (basename(file) === 'tousu.config.json') return 'runtime';
  if (basename(dirname(file)) === 'deploy') return 'deploy';
  return undefined;
}

/**
 * The limits (evidence caps on the form, body sizes, rates) and the hand-over peers of a runtime's
 * tousu.config.json, or a stack's deploy settings, checked as the runtime (at start) and synth would.
 */
function settingsReport(file: string, kind: 'runtime' | 'deploy'): FileReport {
  const report: FileReport = { file, kind, ok: false, problems: [], warnings: [] };
  let value: unknown;
  try {
    value = parseJsonWithPositions(readFileSync(file, 'utf8')).value;
  } catch (err) {
    report.problems.push({ path: '', message: err instanceof Error ? err.message : 'JSON 语法错误' });
    return report;
  }
  const cfg = (value ?? {}) as { limits?: unknown; handover?: unknown; workOrderOutbound?: unknown; smtp?: unknown; intakeBacklog?: unknown; api?: { limits?: unknown } };
  const add = (prefix: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]) => {
    for (const i of issues) report.problems.push({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message });
  };
  if (kind === 'runtime') {
    const limits = HttpLimits.safeParse(cfg.limits ?? {});
    if (!limits.success) add('limits', limits.error.issues);
    if (cfg.handover !== undefined) {
      const h = HandoverConfig.safeParse(cfg.handover);
      if (!h.success) add('handover', h.error.issues);
    }
    // The 12345 webhook (art. 7(2)); its secret is read from `secretFile` at start, never written here.
    if (cfg.workOrderOutbound !== undefined) for (const p of workOrderConfigProblems(cfg.workOrderOutbound, 'runtime')) report.problems.push({ path: p.field, message: p.message });
    // The SMTP listener's limits and the intake back-pressure bound, as the runtime checks them at start.
    for (const [key, parse] of [
      ['smtp', (v: unknown) => parseSmtpLimits(v)],
      ['intakeBacklog', (v: unknown) => parseIntakeBacklog(v)],
    ] as const) {
      try {
        parse((cfg as Record<string, unknown>)[key] ?? {});
      } catch (err) {
        const problems = (err as { problems?: { path: string; message: string }[] }).problems;
        if (!problems) throw err;
        for (const p of problems) report.problems.push({ path: p.path, message: p.message });
      }
    }
    const ev = limits.success ? limits.data.sizes.evidence : undefined;
    report.summary = ev
      ? `运行配置：证明材料最多 ${ev.maxFiles} 个文件，每个 ≤ ${ev.maxFileBytes} 字节，合计 ≤ ${ev.maxTotalBytes} 字节${cfg.handover ? '；已配置移交' : ''}${cfg.workOrderOutbound ? '；已配置 12345 工单回传' : ''}`
      : undefined;
  } else {
    const code = basename(file, '.json');
    try {
      const d = parseDeployConfig(code, value);
      const ev = (d.api.limits ?? HttpLimits.parse({})).sizes.evidence;
      report.summary = `部署配置 ${code}：证明材料最多 ${ev.maxFiles} 个文件，合计 ≤ ${ev.maxTotalBytes} 字节${d.handover ? `；移交 ${d.handover.peers.map((p) => p.jurisdiction).join('、')}` : ''}${d.workOrderOutbound ? '；12345 工单回传' : ''}`;
    } catch (err) {
      for (const line of (err instanceof Error ? err.message : String(err)).split('\n').slice(1)) {
        const m = /^\s*([^:]+): (.*)$/.exec(line);
        report.problems.push(m ? { path: m[1]!, message: m[2]! } : { path: '', message: line.trim() });
      }
      if (report.problems.length === 0) report.problems.push({ path: '', message: err instanceof Error ? err.message : String(err) });
    }
  }
  report.ok = report.problems.length === 0;
  return report;
}

function catalogueReport(file: string, jurisdictionDir?: string): FileReport {
  const r = validateCatalogueFile(file, jurisdictionDir ? { jurisdictionDir } : {});
  const c = r.catalogue;
  return {
    file,
    kind: 'catalogue',
    ok: r.ok,
    summary: c ? `事项目录 ${c.jurisdiction}，版本 ${c.version}，${c.items.length} 个事项、${c.places.length} 个窗口、${c.sharedNames.length} 组共用名称` : undefined,
    problems: r.problems,
    warnings: r.warnings,
  };
}

function jurisdictionReport(file: string, registry: RulesRegistry): FileReport {
  const r = validateJurisdictionFile(file, { registry });
  const c = r.config;
  if (c && !existsSync(join(catalogueDir(dirname(file)), `${c.code}.json`))) {
    r.warnings.push(`没有事项目录 catalogue/${c.code}.json：只能按单位名称和别名分派，只描述事项的投诉一律转人工分派（格式见 docs/ROUTING.md）。`);
  }
  return {
    file,
    kind: 'jurisdiction',
    ok: r.ok,
    summary: c ? `${c.name}（${c.code}，${LEVEL_NAMES[c.level]}，${c.departments.length} 个部门）` : undefined,
    problems: r.problems,
    warnings: r.warnings,
  };
}

function calendarWarnings(today: string, calendarDir: string | undefined): { warnings: string[]; report?: FileReport } {
  try {
    const calendar = sharedCalendarYears(calendarDir ? { calendarDir } : {});
    const year = Number(today.slice(0, 4));
    const missing = [year, year + 1].filter((y) => !calendar.hasYear(y));
    return {
      warnings: missing.map(
        (y) =>
          `工作日历缺少 ${y} 年的数据：投诉件落在 ${y} 年的期限按法定节假日暂定（不晚于正式期限），其他计算会报错。` +
          `国务院办公厅公布 ${y} 年节假日安排后，请导入：npx tousu calendar import 通知全文.txt（或新增 config/calendar/${y}.json，格式见 config/calendar/README.md）。`,
      ),
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      warnings: [],
      report: {
        file: calendarDir ?? 'config/calendar',
        kind: 'calendar',
        ok: false,
        problems: err.problems.map((p) => ({ path: p.field, message: p.message })),
        warnings: [],
      },
    };
  }
}

function printHuman(reports: FileReport[], rulesLine: string): void {
  for (const r of reports) {
    if (r.ok) {
      process.stdout.write(`✔ ${show(r.file)}${r.summary ? `  ${r.summary}` : ''}\n`);
      continue;
    }
    process.stdout.write(`✘ ${show(r.file)}：${r.problems.length} 处错误\n`);
    for (const p of r.problems) {
      const where = p.line !== undefined ? `（第 ${p.line} 行第 ${p.column} 列）` : '';
      process.stdout.write(`    ${p.path || '(整个文件)'}${where}：${p.message}\n`);
    }
  }
  process.stdout.write(`${rulesLine}\n`);
}

async function validate(files: string[], opts: ValidateOptions): Promise<void> {
  const today = opts.date ? shanghaiDate(opts.date, '--date') : shanghaiDate(new Date());
  const rulesDir = opts.rulesDir ?? defaultRulesDir();
  const rules = validateRulesDir(rulesDir);
  const registry = rules.registry;
  const reports: FileReport[] = [];

  if (files.length > 0) {
    for (const file of files) {
      const settings = settingsKind(file);
      if (settings) {
        reports.push(settingsReport(file, settings));
      } else if (looksLikeCatalogueFile(file)) {
        reports.push(catalogueReport(file, opts.dir));
      } else if (looksLikeRulesFile(file)) {
        const r = validateRulesFile(file);
        reports.push({ file, kind: 'rules', ok: r.ok, summary: r.version ? `规则版本 ${r.version.id}，自 ${r.version.effectiveFrom} 起施行` : undefined, problems: r.problems, warnings: r.warnings });
      } else {
        reports.push(jurisdictionReport(file, registry));
      }
    }
  } else {
    const dir = opts.dir ?? defaultJurisdictionDir();
    const listed = listJurisdictions(dir);
    if (listed.length === 0) throw new UsageError(`目录 ${dir} 中没有辖区配置文件（<行政区划代码>.json）`);
    for (const j of listed) reports.push(jurisdictionReport(j.file, registry));
    const catalogues = catalogueDir(dir);
    if (existsSync(catalogues)) {
      for (const f of readdirSync(catalogues)
        .filter((n) => n.endsWith('.json'))
        .sort())
        reports.push(catalogueReport(join(catalogues, f), dir));
    }
    for (const r of rules.files) {
      reports.push({
        file: r.file,
        kind: 'rules',
        ok: r.ok,
        summary: r.version ? `规则版本 ${r.version.id}，自 ${r.version.effectiveFrom} 起施行` : undefined,
        problems: r.problems,
        warnings: r.warnings,
      });
    }
  }

  const status = rulesStatus(registry, today);
  const calendar = calendarWarnings(today, opts.calendarDir);
  if (calendar.report && files.length === 0) reports.push(calendar.report);
  const globalWarnings = [...status.warnings, ...calendar.warnings];
  const fileWarnings = reports.flatMap((r) => r.warnings.map((w) => `${show(r.file)}：${w}`));
  const broken = reports.filter((r) => !r.ok);

  if (opts.json) {
    const out = {
      ok: broken.length === 0,
      date: today,
      files: reports.map((r) => ({ ...r, file: show(r.file) })),
      rules: {
        versions: registry.all().map((v) => ({ id: v.id, effectiveFrom: v.effectiveFrom, validUntil: v.validUntil ?? null })),
        inForce: status.inForce.id,
        lapsed: status.lapsed,
        next: status.next?.id ?? null,
      },
      warnings: globalWarnings,
    };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    const versions = registry
      .all()
      .map((v) => v.id)
      .join('、');
    printHuman(reports, `规则版本：${versions}；${today} 施行：${status.inForce.id}${status.lapsed ? '（有效期已届满，继续适用）' : ''}`);
  }
  for (const w of [...fileWarnings, ...globalWarnings]) process.stderr.write(`警告：${w}\n`);
  if (broken.length > 0) {
    throw new UsageError(`${broken.length} 个文件有错误：${broken.map((r) => show(r.file)).join('、')}`);
  }
}

function list(opts: { json?: boolean; dir?: string }): void {
  const listed = listJurisdictions(opts.dir ?? defaultJurisdictionDir());
  const rows = listed.map((j) => {
    const r = validateJurisdictionFile(j.file);
    const c = r.config;
    return { code: j.code, file: show(j.file), ok: r.ok, name: c?.name ?? null, level: c?.level ?? null, agency: c?.agency.name ?? null, departments: c?.departments.length ?? null };
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  for (const r of rows) {
    process.stdout.write(r.ok ? `${r.code}\t${r.name}\t${LEVEL_NAMES[r.level!]}\t${r.agency}\t${r.departments} 个部门\n` : `${r.code}\t（配置有误，请运行 tousu config validate ${r.file}）\n`);
  }
}

function rules(opts: { json?: boolean; show?: string; rulesDir?: string; date?: string }): void {
  const result = validateRulesDir(opts.rulesDir ?? defaultRulesDir());
  const registry = result.registry;
  if (opts.show) {
    const v = registry.all().find((x) => x.id === opts.show);
    if (!v)
      throw new UsageError(
        `没有规则版本“${opts.show}”（已登记：${registry
          .all()
          .map((x) => x.id)
          .join('、')}）`,
      );
    process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
    return;
  }
  const today = opts.date ? shanghaiDate(opts.date, '--date') : shanghaiDate(new Date());
  const status = rulesStatus(registry, today);
  const rows = registry.all().map((v) => ({ id: v.id, title: v.title, effectiveFrom: v.effectiveFrom, validUntil: v.validUntil ?? null, inForce: v.id === status.inForce.id }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ date: today, versions: rows, lapsed: status.lapsed, warnings: status.warnings }, null, 2)}\n`);
  } else {
    for (const r of rows) {
      process.stdout.write(`${r.inForce ? '*' : ' '} ${r.id}\t${r.effectiveFrom} 至 ${r.validUntil ?? '（未定）'}\t${r.title}\n`);
    }
  }
  for (const f of result.files.filter((x) => !x.ok)) process.stderr.write(`警告：${show(f.file)} 有错误，未登记（运行 tousu config validate 查看）\n`);
  for (const w of status.warnings) process.stderr.write(`警告：${w}\n`);
}

export function registerConfig(program: Command): void {
  const config = program.command('config').description('辖区配置与规则版本：检查、列出 (jurisdiction configuration and rules versions)');

  config
    .command('validate')
    .description(
      '检查辖区配置文件并列出每一处错误（字段路径、行列号）；不带文件时检查全部内置辖区配置、事项目录、规则版本和工作日历。有错误时退出码为 2。\n' +
        'Validates jurisdiction (or rules version) files and prints every problem with its path; without FILE, every shipped one.',
    )
    .argument('[files...]', '辖区配置、事项目录、规则版本 JSON 文件，或运行配置 tousu.config.json（限额、移交）、部署配置 config/deploy/<代码>.json')
    .option('--json', '输出机器可读的 JSON 结果')
    .option('--dir <dir>', '辖区配置目录（默认 config/jurisdictions）')
    .option('--rules-dir <dir>', '规则版本目录（默认 config/rules）')
    .option('--calendar-dir <dir>', '工作日历年度文件目录（默认 config/calendar）')
    .option('--date <YYYY-MM-DD>', '按该日期（上海时间）判断规则版本和日历年份，默认今天')
    .action((files: string[], opts: ValidateOptions) => validate(files, opts));

  config
    .command('list')
    .description('列出辖区配置 (lists the jurisdiction configurations)')
    .option('--json', '输出 JSON')
    .option('--dir <dir>', '辖区配置目录（默认 config/jurisdictions）')
    .action((opts: { json?: boolean; dir?: string }) => list(opts));

  config
    .command('rules')
    .description('列出已登记的规则版本，或用 --show 导出某一版本的 JSON 作为登记后续版本的模板 (lists rules versions)')
    .option('--show <id>', '输出该版本的完整 JSON')
    .option('--json', '输出 JSON')
    .option('--rules-dir <dir>', '规则版本目录（默认 config/rules）')
    .option('--date <YYYY-MM-DD>', '按该日期判断施行版本，默认今天')
    .action((opts: { json?: boolean; show?: string; rulesDir?: string; date?: string }) => rules(opts));
}
