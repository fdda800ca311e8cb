/**
 * Loading and validating jurisdiction configurations (`config/jurisdictions/<code>.json`) and rules
 * versions (`config/rules/*.json`). One validation path serves the runtime loader and
 * `tousu config validate`, so what the validator accepts is exactly what the system runs with.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../domain/errors';
import { checkJurisdiction, JurisdictionConfig } from '../domain/jurisdiction';
import type { RulesRegistry } from '../domain/rules';
import { chineseErrors, parseJsonWithPositions, unknownKeyProblems, zodProblems } from './json';
import type { ConfigProblem, ParsedJson } from './json';

export type { ConfigProblem } from './json';
export { loadRulesRegistry, validateRulesDir, validateRulesFile, rulesStatus, defaultRulesDir } from './rules';
export type { RulesDirResult, RulesFileResult, RulesStatus } from './rules';

const DEFAULT_JURISDICTION_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/jurisdictions');

export function defaultJurisdictionDir(): string {
  return DEFAULT_JURISDICTION_DIR;
}

export interface JurisdictionValidation {
  file: string;
  ok: boolean;
  /** Every problem, each with its dotted path (`departments.3.chiefRepresentative.email`) and position. */
  problems: ConfigProblem[];
  /** Things that work but look wrong; they do not fail validation. */
  warnings: string[];
  /** The parsed configuration, when `ok`. */
  config?: JurisdictionConfig;
}

export interface ValidateOptions {
  /** When given, a pinned `rulesVersion` must exist in it. */
  registry?: RulesRegistry;
}

const domainOf = (address: string) => address.slice(address.lastIndexOf('@') + 1).toLowerCase();
const withinDomain = (address: string, domain: string) => {
  const d = domainOf(address);
  const base = domain.toLowerCase();
  return d === base || d.endsWith(`.${base}`);
};

/** Checks beyond the schema and checkJurisdiction: ambiguous mailboxes, dates, level and code, mail domain. */
function extraChecks(c: JurisdictionConfig, opts: ValidateOptions): { problems: ConfigProblem[]; warnings: string[] } {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];

  // A forwarding address maps forwarded mail to one department (receivedBy); two owners make it ambiguous.
  const forwarders = new Map<string, string>();
  c.departments.forEach((d, i) => {
    d.forwardingAddresses.forEach((a, j) => {
      const key = a.toLowerCase();
      const prev = forwarders.get(key);
      if (prev !== undefined) {
        problems.push({ path: `departments.${i}.forwardingAddresses.${j}`, message: `转发邮箱 ${a} 已属于 ${prev}，无法判断转发单位` });
      } else forwarders.set(key, d.code);
      if (key === c.intakeAddress.toLowerCase()) {
        problems.push({ path: `departments.${i}.forwardingAddresses.${j}`, message: `转发邮箱不能与投诉受理邮箱 intakeAddress 相同` });
      }
    });
    if (!d.belongsToThisLevel && !d.note) {
      warnings.push(`departments.${i}（${d.code}）不属于本级（belongsToThisLevel=false），建议在 note 中说明其归属和投诉的转交去向。`);
    }
  });

  const seenDates = new Map<string, number>();
  c.calendarOverrides.forEach((o, i) => {
    const prev = seenDates.get(o.date);
    if (prev !== undefined) problems.push({ path: `calendarOverrides.${i}.date`, message: `日期 ${o.date} 与 calendarOverrides.${prev} 重复` });
    seenDates.set(o.date, i);
  });

  if (c.rulesVersion !== undefined && opts.registry && !opts.registry.all().some((v) => v.id === c.rulesVersion)) {
    const known = opts.registry
      .all()
      .map((v) => v.id)
      .join('、');
    problems.push({ path: 'rulesVersion', message: `未登记的规则版本“${c.rulesVersion}”（已登记：${known}）` });
  }

  const base = c.code.slice(0, 6);
  if (c.level === 'city' && !/^\d{4}00$/.test(base)) warnings.push(`code ${c.code}：市级行政区划代码通常以 00 结尾。`);
  if ((c.level === 'county' || c.level === 'district') && base.endsWith('00')) {
    warnings.push(`code ${c.code}：县级行政区划代码通常不以 00 结尾，请核对 level。`);
  }
  if (c.level === 'park' && !c.code.includes('-')) warnings.push(`code ${c.code}：园区没有自己的行政区划代码，建议用上级代码加后缀（如 510900-JK）。`);
  if (c.level !== 'city' && c.parent === undefined) warnings.push('未填写 parent（上级行政区划代码）：不属于本级管辖的投诉无法告知上级去向（第九条）。');

  for (const [path, address] of [
    ['intakeAddress', c.intakeAddress],
    ['mail.from', c.mail.from],
    ['mail.replyTo', c.mail.replyTo],
  ] as const) {
    if (address !== undefined && !withinDomain(address, c.mail.domain)) {
      warnings.push(`${path} ${address} 不在发信域名 ${c.mail.domain} 下，需在 SES 上另行验证该身份。`);
    }
  }
  return { problems, warnings };
}

const locateDotted = (parsed: ParsedJson, path: string) => parsed.locate(path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))) ?? {};

/** In file order, so the report reads top to bottom. */
const sortProblems = (problems: ConfigProblem[]) => [...problems].sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));

/**
 * The department directory of a file that failed the schema, as far as checkJurisdiction needs it (codes,
 * names, aliases). Entries without a usable code or name get a unique placeholder so indexes stay true.
 */
function bestEffortDirectory(value: unknown): JurisdictionConfig {
  const raw = (value as { departments?: unknown } | null)?.departments;
  const list = Array.isArray(raw) ? raw : [];
  const departments = list.map((d: unknown, i) => {
    const o = (d ?? {}) as Record<string, unknown>;
    const placeholder = `\u0000${i}`;
    return {
      code: typeof o.code === 'string' ? o.code : placeholder,
      name: typeof o.name === 'string' ? o.name : placeholder,
      aliases: Array.isArray(o.aliases) ? o.aliases.filter((a): a is string => typeof a === 'string') : [],
    };
  });
  const trusted = (value as { mail?: { trustedForwarders?: { domains?: unknown } } } | null)?.mail?.trustedForwarders?.domains;
  const domains = Array.isArray(trusted) ? trusted.filter((d): d is string => typeof d === 'string').map((d) => d.trim().toLowerCase()) : [];
  // checkJurisdiction reads only `departments[].code/name/aliases` and `mail.trustedForwarders.domains`.
  return { departments, mail: { trustedForwarders: { addresses: [], domains } } } as unknown as JurisdictionConfig;
}

function validateParsed(file: string, parsed: ParsedJson, opts: ValidateOptions): JurisdictionValidation {
  if (parsed.problems.length > 0) return { file, ok: false, problems: parsed.problems, warnings: [] };
  const problems: ConfigProblem[] = unknownKeyProblems(JurisdictionConfig, parsed.value, parsed);
  const result = JurisdictionConfig.safeParse(parsed.value, { error: chineseErrors });
  if (!result.success) {
    problems.push(...zodProblems(result.error, parsed));
    // Report the directory's code and alias clashes too, so one run lists every problem in the file.
    for (const p of checkJurisdiction(bestEffortDirectory(parsed.value))) problems.push({ ...p, ...locateDotted(parsed, p.path) });
    return { file, ok: false, problems: sortProblems(problems), warnings: [] };
  }
  const config = result.data;
  for (const p of checkJurisdiction(config)) problems.push({ ...p, ...locateDotted(parsed, p.path) });
  const extra = extraChecks(config, opts);
  for (const p of extra.problems) problems.push({ ...p, ...locateDotted(parsed, p.path) });
  const warnings = [...extra.warnings];
  if (basename(file, '.json') !== config.code) warnings.push(`文件名应为 ${config.code}.json，才能按代码找到该配置。`);
  const ok = problems.length === 0;
  return { file, ok, problems: sortProblems(problems), warnings, config: ok ? config : undefined };
}

/** Validates one jurisdiction file: JSON syntax (line/column), zod schema with dotted paths, semantic checks. */
export function validateJurisdictionFile(path: string, opts: ValidateOptions = {}): JurisdictionValidation {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { file: path, ok: false, problems: [{ path: '', message: code === 'ENOENT' ? '文件不存在' : `无法读取文件（${code ?? String(err)}）` }], warnings: [] };
  }
  return validateParsed(path, parseJsonWithPositions(text), opts);
}

export interface JurisdictionListing {
  code: string;
  file: string;
}

/** The jurisdiction files in a directory (default: the shipped config/jurisdictions), by code. */
export function listJurisdictions(dir: string = DEFAULT_JURISDICTION_DIR): JurisdictionListing[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => ({ code: basename(n, '.json'), file: join(dir, n) }));
}

const looksLikePath = (s: string) => s.endsWith('.json') || s.includes('/') || s.includes('\\');

/**
 * A jurisdiction by code (`510903`, looked up as `<dir>/<code>.json`) or by file path. Any problem is a
 * ConfigError whose `problems` name each field.
 */
export function loadJurisdiction(codeOrPath: string, opts: { dir?: string } & ValidateOptions = {}): JurisdictionConfig {
  const dir = opts.dir ?? DEFAULT_JURISDICTION_DIR;
  const file = looksLikePath(codeOrPath) ? resolve(codeOrPath) : join(dir, `${codeOrPath}.json`);
  if (!existsSync(file)) {
    const known = listJurisdictions(dir).map((j) => j.code);
    const message = looksLikePath(codeOrPath) ? `辖区配置文件不存在：${file}` : `没有行政区划代码为 ${codeOrPath} 的辖区配置（目录 ${dir}${known.length ? `，已有：${known.join('、')}` : '为空'}）`;
    throw new ConfigError([{ field: 'code', message }], message);
  }
  const result = validateJurisdictionFile(file, opts);
  if (!result.ok || !result.config) {
    const problems = result.problems.map((p) => ({ field: p.path, message: p.line ? `${p.message}（第 ${p.line} 行第 ${p.column} 列）` : p.message }));
    throw new ConfigError(problems, `辖区配置 ${file} 有 ${problems.length} 处错误：${problems.map((p) => `${p.field || '(文件)'}：${p.message}`).join('；')}`);
  }
  return result.config;
}

/** The jurisdiction a command uses when none is given and several are configured (船山区). */
export const DEFAULT_JURISDICTION = '510903';
