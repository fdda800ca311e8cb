/**
 * One resolver of the scan files a letter row or a box slip names, for every way a batch arrives (S3 on AWS, the
 * watched folder of the embedded runtime, the CLI reading a local folder): the same path rule, the same problems.
 */
import type { FieldProblem } from '../domain/errors';
import type { ScanFileSource } from '../ports/scan-files';
import type { UploadedFile } from './evidence';

/** The names in a row's `file` cell: several pages separated by `;` (or the full-width `；`). */
export function scanNames(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[;；]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A name that stays inside the batch: relative, no `..` segment, no drive letter, no NUL. */
export function isBatchRelative(name: string): boolean {
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || name.includes('\0')) return false;
  return !name.split(/[/\\]/).some((segment) => segment === '..');
}

export interface ResolvedScan extends UploadedFile {
  /** The name as the row gave it (relative to the batch). */
  name: string;
  ref?: string;
}

/** Reads the named scans; every bad or missing name is reported at once (field `file`), nothing is read for a bad name. */
export async function resolveScanFiles(names: readonly string[], source: ScanFileSource): Promise<{ files: ResolvedScan[]; problems: FieldProblem[] }> {
  const bad = names.filter((n) => !isBatchRelative(n));
  if (bad.length > 0) return { files: [], problems: [{ field: 'file', code: 'invalid_path', message: `扫描件文件名无效（不能指向批次文件夹之外）：${bad.join('、')}。` }] };
  const files: ResolvedScan[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const bytes = await source.read(name);
    if (bytes === undefined) {
      missing.push(name);
      continue;
    }
    const ref = source.refOf?.(name);
    files.push({ name, filename: name.split(/[/\\]/).pop() ?? name, bytes, ...(ref ? { ref } : {}) });
  }
  if (missing.length > 0) return { files: [], problems: [{ field: 'file', code: 'scan_missing', message: `找不到扫描件：${missing.join('、')}。` }] };
  return { files, problems: [] };
}
