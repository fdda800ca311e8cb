/**
 * Writes an imported notice as an administrator year file, atomically (a reader such as a starting runtime
 * never sees half a file).
 */
import { describeDifferences, YearFileExistsError } from '../../shared/calendar/notice-import';
import type { ImportNoticeResult } from '../../shared/calendar/notice-import';
import { writeFileAtomic } from './atomic-file';

export type YearFileOutcome = 'written' | 'replaced' | 'unchanged';

/**
 * `unchanged` when the file already holds exactly this data; `replaced` only with `force` when it holds
 * something else (or is unreadable); otherwise YearFileExistsError naming the differences.
 */
export async function writeImportedYear(result: ImportNoticeResult, opts: { force?: boolean } = {}): Promise<YearFileOutcome> {
  const existing = result.existingFile;
  if (existing?.data && existing.differences.length === 0) return 'unchanged';
  if (existing && !opts.force) {
    const what = existing.problem ? `现有文件无法读取（${existing.problem}）` : `现有文件与通知不同（${describeDifferences(existing.differences).join('；')}）`;
    throw new YearFileExistsError(result.file, existing.differences, `${result.file} 已存在。${what}。确认以通知为准替换时加 --force。`);
  }
  await writeFileAtomic(result.file, `${JSON.stringify(result.data, null, 2)}\n`, { durable: true });
  return existing ? 'replaced' : 'written';
}
