/**
 * Rules versions registered by administrators as data (art. 22: "上级有新规定时，以新规定要求为准"):
 * the built-in suining-2023 plus every `config/rules/*.json`, so a successor needs no code change.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../domain/errors';
import { RulesRegistry, RulesVersion, SUINING_2023 } from '../domain/rules';
import { chineseErrors, parseJsonWithPositions, unknownKeyProblems, zodProblems } from './json';
import type { ConfigProblem } from './json';

const DEFAULT_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../config/rules');

export function defaultRulesDir(): string {
  return DEFAULT_RULES_DIR;
}

/** Versions compiled into the code; a file may not reuse their ids. */
export const BUILT_IN_RULES: readonly RulesVersion[] = [SUINING_2023];

export interface RulesFileResult {
  file: string;
  ok: boolean;
  problems: ConfigProblem[];
  warnings: string[];
  version?: RulesVersion;
}

/** Validates one rules version file on its own (shape, dates, reason codes the code relies on). */
export function validateRulesFile(file: string): RulesFileResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { file, ok: false, problems: [{ path: '', message: `无法读取文件：${(err as NodeJS.ErrnoException).code ?? String(err)}` }], warnings: [] };
  }
  return validateRulesText(file, text);
}

export function validateRulesText(file: string, text: string): RulesFileResult {
  const parsed = parseJsonWithPositions(text);
  if (parsed.problems.length > 0) return { file, ok: false, problems: parsed.problems, warnings: [] };
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const result = RulesVersion.safeParse(parsed.value, { error: chineseErrors });
  problems.push(...unknownKeyProblems(RulesVersion, parsed.value, parsed));
  if (!result.success) {
    problems.push(...zodProblems(result.error, parsed));
    return { file, ok: false, problems, warnings };
  }
  const v = result.data;
  const at = (path: (string | number)[]) => parsed.locate(path) ?? {};
  if (v.validUntil !== undefined && v.validUntil < v.effectiveFrom) {
    problems.push({ path: 'validUntil', message: `有效期截止日 ${v.validUntil} 早于施行日 ${v.effectiveFrom}`, ...at(['validUntil']) });
  }
  // The case model knows exactly these reason codes (arts. 8 and 19): a successor must define each of them.
  for (const [field, builtIn] of [
    ['notAcceptedReasons', SUINING_2023.notAcceptedReasons],
    ['terminationReasons', SUINING_2023.terminationReasons],
  ] as const) {
    const defined = v[field];
    for (const code of Object.keys(builtIn)) {
      if (!(code in defined)) problems.push({ path: `${field}.${code}`, message: `缺少理由代码 ${code}（系统按该代码办理，新版本须保留）`, ...at([field]) });
    }
    for (const code of Object.keys(defined)) {
      if (!(code in builtIn)) warnings.push(`${basename(file)}：${field}.${code} 是系统尚不认识的理由代码，办理界面不会提供该选项。`);
    }
  }
  if (basename(file, '.json') !== v.id) {
    warnings.push(`${basename(file)}：文件名与版本标识 id“${v.id}”不一致，建议命名为 ${v.id}.json。`);
  }
  return { file, ok: problems.length === 0, problems, warnings, version: problems.length === 0 ? v : undefined };
}

export interface RulesDirResult {
  dir: string;
  /** Each file's result; clashes between files (same id or effective date) are reported on the later file. */
  files: RulesFileResult[];
  /** The registry from built-in and valid files (present even when some files are broken). */
  registry: RulesRegistry;
}

/** Validates every `*.json` in the rules directory (absent directory = built-in versions only). */
export function validateRulesDir(dir: string = DEFAULT_RULES_DIR): RulesDirResult {
  const files: RulesFileResult[] = [];
  if (existsSync(dir) && statSync(dir).isDirectory()) {
    for (const name of readdirSync(dir).sort()) {
      if (name.endsWith('.json')) files.push(validateRulesFile(join(dir, name)));
    }
  }
  const versions: RulesVersion[] = [...BUILT_IN_RULES];
  const owner = new Map<string, string>(BUILT_IN_RULES.map((v) => [v.id, '内置版本']));
  const byDate = new Map<string, string>(BUILT_IN_RULES.map((v) => [v.effectiveFrom, v.id]));
  for (const f of files) {
    const v = f.version;
    if (!v) continue;
    const idOwner = owner.get(v.id);
    if (idOwner !== undefined) {
      f.problems.push({ path: 'id', message: `版本标识“${v.id}”已被${idOwner}使用，新版本须另起标识（例如 suining-2025）` });
    }
    const sameDay = byDate.get(v.effectiveFrom);
    if (idOwner === undefined && sameDay !== undefined) {
      f.problems.push({ path: 'effectiveFrom', message: `施行日 ${v.effectiveFrom} 与版本 ${sameDay} 相同，无法判断哪一版本施行` });
    }
    if (f.problems.length > 0) {
      f.ok = false;
      f.version = undefined;
      continue;
    }
    owner.set(v.id, basename(f.file));
    byDate.set(v.effectiveFrom, v.id);
    versions.push(v);
  }
  return { dir, files, registry: new RulesRegistry(versions) };
}

/** SUINING_2023 plus every valid `config/rules/*.json`; any broken file is a ConfigError naming each problem. */
export function loadRulesRegistry(dir: string = DEFAULT_RULES_DIR): RulesRegistry {
  const result = validateRulesDir(dir);
  const problems = result.files.flatMap((f) => f.problems.map((p) => ({ field: `${basename(f.file)}${p.path ? `#${p.path}` : ''}`, message: p.message })));
  if (problems.length > 0) {
    throw new ConfigError(problems, `规则版本目录 ${dir} 中有错误：${problems.map((p) => `${p.field}：${p.message}`).join('；')}`);
  }
  return result.registry;
}

// The rules situation on a date is pure and lives with the registry (the console API shows it too).
export { LAPSE_NOTICE_DAYS, rulesStatus } from '../domain/rules';
export type { RulesStatus } from '../domain/rules';
