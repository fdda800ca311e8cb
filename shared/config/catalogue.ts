/**
 * The service catalogues (config/jurisdictions/catalogue/<code>.json, issue 15): loading, validation (the same
 * path for the runtime and `tousu config validate`) and the routing index of a deployment, built once per
 * configuration object so that routing an intake reads nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ConfigError } from '../domain/errors';
import type { JurisdictionConfig } from '../domain/jurisdiction';
import { buildRoutingIndex, normalise, ServiceCatalogue } from '../domain/routing';
import type { RoutingIndex } from '../domain/routing';
import { chineseErrors, parseJsonWithPositions, unknownKeyProblems, zodProblems } from './json';
import type { ConfigProblem } from './json';
import { defaultJurisdictionDir, listJurisdictions, loadJurisdiction } from './load';

export function catalogueDir(jurisdictionDir: string = defaultJurisdictionDir()): string {
  return join(jurisdictionDir, 'catalogue');
}

export function catalogueFile(code: string, jurisdictionDir?: string): string {
  return join(catalogueDir(jurisdictionDir), `${code}.json`);
}

export interface CatalogueValidation {
  file: string;
  ok: boolean;
  problems: ConfigProblem[];
  warnings: string[];
  catalogue?: ServiceCatalogue;
}

/** Checks against the jurisdiction's directory: known departments, unique ids, no synonym owned by two departments. */
export function checkCatalogue(c: ServiceCatalogue, j: JurisdictionConfig | undefined): { problems: { path: string; message: string }[]; warnings: string[] } {
  const problems: { path: string; message: string }[] = [];
  const warnings: string[] = [];
  const codes = new Set(j?.departments.map((d) => d.code) ?? []);
  const known = (code: string, path: string) => {
    if (j && !codes.has(code)) problems.push({ path, message: `部门编码 ${code} 不在 ${j.name}（${j.code}）的部门名录中` });
  };
  if (j && c.jurisdiction !== j.code) problems.push({ path: 'jurisdiction', message: `事项目录属于 ${c.jurisdiction}，与辖区配置 ${j.code} 不符` });
  const ids = new Map<string, number>();
  const synonyms = new Map<string, { dept: string; at: string }>();
  c.items.forEach((it, i) => {
    known(it.department, `items.${i}.department`);
    const prev = ids.get(it.id);
    if (prev !== undefined) problems.push({ path: `items.${i}.id`, message: `事项编号 ${it.id} 与 items.${prev} 重复` });
    ids.set(it.id, i);
    [it.name, ...it.synonyms].forEach((s, k) => {
      const key = normalise(s);
      const owner = synonyms.get(key);
      if (owner && owner.dept !== it.department) {
        problems.push({
          path: k === 0 ? `items.${i}.name` : `items.${i}.synonyms.${k - 1}`,
          message: `“${s}”同时指向 ${owner.dept}（${owner.at}）和 ${it.department}，无法据此判断承办单位；共用的旧称请写在 sharedNames 中`,
        });
      } else if (!owner) synonyms.set(key, { dept: it.department, at: `items.${i}` });
    });
  });
  const placeNames = new Map<string, string>();
  c.places.forEach((pl, i) => {
    known(pl.department, `places.${i}.department`);
    pl.names.forEach((n, k) => {
      const owner = placeNames.get(normalise(n));
      if (owner && owner !== pl.department) problems.push({ path: `places.${i}.names.${k}`, message: `地点“${n}”同时属于 ${owner} 和 ${pl.department}` });
      placeNames.set(normalise(n), pl.department);
    });
  });
  c.sharedNames.forEach((s, i) => s.departments.forEach((d, k) => known(d, `sharedNames.${i}.departments.${k}`)));
  if (j) {
    for (const d of j.departments) {
      if (d.belongsToThisLevel && !c.items.some((it) => it.department === d.code)) {
        warnings.push(`部门 ${d.code}（${d.name}）在事项目录中没有事项：只描述事项、不写单位名称的投诉无法分到该部门。`);
      }
    }
  }
  return { problems, warnings };
}

/** Validates one catalogue file; the jurisdiction is looked up by the file's `jurisdiction` code unless given. */
export function validateCatalogueFile(path: string, opts: { jurisdiction?: JurisdictionConfig; jurisdictionDir?: string } = {}): CatalogueValidation {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { file: path, ok: false, problems: [{ path: '', message: code === 'ENOENT' ? '文件不存在' : `无法读取文件（${code ?? String(err)}）` }], warnings: [] };
  }
  const parsed = parseJsonWithPositions(text);
  if (parsed.problems.length > 0) return { file: path, ok: false, problems: parsed.problems, warnings: [] };
  const problems: ConfigProblem[] = unknownKeyProblems(ServiceCatalogue, parsed.value, parsed);
  const result = ServiceCatalogue.safeParse(parsed.value, { error: chineseErrors });
  if (!result.success) return { file: path, ok: false, problems: [...problems, ...zodProblems(result.error, parsed)], warnings: [] };
  const c = result.data;
  let j = opts.jurisdiction;
  const warnings: string[] = [];
  if (!j) {
    try {
      j = loadJurisdiction(c.jurisdiction, opts.jurisdictionDir ? { dir: opts.jurisdictionDir } : {});
    } catch {
      problems.push({ path: 'jurisdiction', message: `找不到行政区划代码为 ${c.jurisdiction} 的辖区配置，无法核对部门编码` });
    }
  }
  const checked = checkCatalogue(c, j);
  const locate = (p: string) => parsed.locate(p.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))) ?? {};
  for (const p of checked.problems) problems.push({ ...p, ...locate(p.path) });
  warnings.push(...checked.warnings);
  if (basename(path, '.json') !== c.jurisdiction) warnings.push(`文件名应为 ${c.jurisdiction}.json，才能按代码找到该事项目录。`);
  const ok = problems.length === 0;
  return { file: path, ok, problems, warnings, ...(ok ? { catalogue: c } : {}) };
}

/** The catalogue of a jurisdiction, or undefined when none is configured; an invalid one is a ConfigError. */
export function loadCatalogue(j: JurisdictionConfig, jurisdictionDir?: string): ServiceCatalogue | undefined {
  const file = catalogueFile(j.code, jurisdictionDir);
  if (!existsSync(file)) return undefined;
  const r = validateCatalogueFile(file, { jurisdiction: j });
  if (!r.ok || !r.catalogue) {
    const problems = r.problems.map((p) => ({ field: p.path, message: p.line ? `${p.message}（第 ${p.line} 行第 ${p.column} 列）` : p.message }));
    throw new ConfigError(problems, `事项目录 ${file} 有 ${problems.length} 处错误：${problems.map((p) => `${p.field || '(文件)'}：${p.message}`).join('；')}`);
  }
  return r.catalogue;
}

/** Routing with names and aliases only, for a jurisdiction that has no catalogue (yet). */
export function emptyCatalogue(j: JurisdictionConfig): ServiceCatalogue {
  return { jurisdiction: j.code, version: '（无事项目录）', halls: [], items: [], places: [], sharedNames: [], notGovernment: [], outside: [], routing: { confidentAt: 0.75, autoDispatch: false } };
}

const directories = new Map<string, JurisdictionConfig[]>();

/** Every jurisdiction configured in the directory (loaded once per process; broken files are skipped). */
export function allJurisdictions(dir: string = defaultJurisdictionDir()): JurisdictionConfig[] {
  let list = directories.get(dir);
  if (!list) {
    list = [];
    for (const { code } of listJurisdictions(dir)) {
      try {
        list.push(loadJurisdiction(code, { dir }));
      } catch {
        // `tousu config validate` reports it; routing goes on with the others.
      }
    }
    directories.set(dir, list);
  }
  return list;
}

const indexes = new WeakMap<JurisdictionConfig, RoutingIndex>();

/**
 * The routing index of a deployment (cached per configuration object): its catalogue from the shipped directory
 * (or `jurisdictionDir`), the other jurisdictions of the directory. Reads files once, never the store.
 */
export function routingIndexFor(j: JurisdictionConfig, opts: { jurisdictionDir?: string; catalogue?: ServiceCatalogue } = {}): RoutingIndex {
  let index = indexes.get(j);
  if (!index) {
    const catalogue = opts.catalogue ?? loadCatalogue(j, opts.jurisdictionDir) ?? emptyCatalogue(j);
    index = buildRoutingIndex(j, allJurisdictions(opts.jurisdictionDir), catalogue);
    indexes.set(j, index);
  }
  return index;
}

/**
 * What duplicate matching takes from the configuration (issue 22): the catalogue's service items and halls, and
 * the county-level places of the directory (districts, counties, parks) with the forms people write.
 */
export function duplicateEvidenceFor(j: JurisdictionConfig, jurisdictionDir?: string): { services: ServiceCatalogue['items']; halls: string[]; places: { name: string; forms: string[] }[] } {
  const catalogue = loadCatalogue(j, jurisdictionDir);
  const places = allJurisdictions(jurisdictionDir)
    .filter((x) => x.level !== 'city')
    .map((x) => ({ name: x.name, forms: x.nameForms ?? [] }));
  return { services: catalogue?.items ?? [], halls: catalogue?.halls ?? [], places };
}
