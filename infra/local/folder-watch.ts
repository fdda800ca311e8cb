/**
 * Watched inbox folders of the embedded runtime (scanning staff drop their work here):
 *
 *   <data-dir>/inbox/letters/<batch>/manifest.csv + the scans it names  → one case per row (letters)
 *   <data-dir>/inbox/box/<opening>.csv, or <opening>/ with a .csv + scans → one case per slip (suggestion box)
 *
 * An item is taken once it has stopped changing (two polls with the same sizes and times), moved to
 * `processing/`, and each row is submitted through the staff intake service (the same code as
 * `POST /api/intake/letter|box`). Then it moves to `done/` (every row became a case) or `failed/` (some row
 * did not), next to a report `<item>.report.json` and a readable `<item>.report.txt` naming each row's case
 * or problems. Intake is idempotent per source key, so dropping a corrected batch again creates only the
 * missing cases. A valid row that cannot be filed because the system failed (the store, the engine) is parked as
 * a dead letter by the runtime's submit (`tousu dead-letters list|replay`): the report names its dead-letter id,
 * and the item still goes to `done/` when every other row is a case (nothing is left for staff to correct). An item left in `processing/` by a crash is processed again on the next start.
 *
 * Letters without keyed fields (issue 24): a letter batch without manifest.csv, or a manifest row without the
 * matter, is read by OCR when the runtime has an engine (`ocr`). Each letter's fields are proposed and the
 * letter waits in the review store for a clerk's check (shared/services/letter-review.ts); it becomes a case
 * only when the clerk confirms. Without a manifest, the scans of one letter share a stem: `张三.jpg`,
 * `张三-p2.jpg` … for its pages, `张三-envelope.jpg` or `张三-信封.jpg` for its envelope. Without an engine such a
 * batch fails loudly (`ocr_unavailable`), nothing is guessed.
 */
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from './private-dir';
import { basename, join } from 'node:path';
import type { Actor } from '../../shared/domain/case';
import { isTousuError, ValidationError, errorName } from '../../shared/domain/errors';
import type { FieldProblem } from '../../shared/domain/errors';
import { resolveScanFiles, scanNames } from '../../shared/intake/scan-files';
import { folderScanFiles } from '../../shared/adapters/local/folder-scan-files';
import { readCsv } from '../../shared/intake/csv';
import type { UploadedFile } from '../../shared/intake/evidence';
import type { IntakeResult } from '../../shared/intake/core';
import { IntakeParkedError } from '../../shared/services/dead-letters';
import type { RuntimeLogger } from './log';
import { OcrUnavailableError } from '../../shared/ports/ocr';
import type { LetterReviewStore } from '../../shared/ports/letter-review';
import { readLetter } from '../../shared/services/letter-review';
import { DEFAULT_PROPOSAL_THRESHOLD } from '../../shared/domain/extraction/letter-fields';
import type { LetterReading } from '../../shared/services/letter-review';

export type FolderKind = 'letters' | 'box';
export const FOLDER_KINDS: readonly FolderKind[] = ['letters', 'box'];

/** `staffSubmit` of functions/staff-intake/service.ts, bound to the runtime's intake ports. */
export type RowSubmit = (channel: 'letter' | 'box', entry: unknown, files: UploadedFile[], actor: Actor) => Promise<IntakeResult>;

export interface RowReport {
  row: number;
  ok: boolean;
  caseId?: string;
  duplicate?: boolean;
  /** "可能重复" (art. 11): the cases the row's complaint may repeat, for staff to check in the console. */
  possibleDuplicateOf?: string[];
  problems?: FieldProblem[];
  /** The row was valid but could not be filed (store or engine failure): parked as this dead letter, not lost. */
  deadLetterId?: string;
  /** Read by OCR: the letter waits for the clerk's check under this review id (not a case yet). */
  review?: string;
  /** The letter's name in a batch without manifest (the scans' stem). */
  letter?: string;
}

export interface ItemReport {
  kind: FolderKind;
  item: string;
  processedAt: string;
  ok: boolean;
  rows: RowReport[];
  /** A problem with the item as a whole (no CSV, unreadable CSV). */
  problems?: FieldProblem[];
}

export interface FolderWatchOptions {
  root: string;
  submit: RowSubmit;
  pollMs?: number;
  logger?: RuntimeLogger;
  actor?: Actor;
  /** OCR for letters without keyed fields; absent: such batches fail with `ocr_unavailable`. */
  ocr?: { reading: LetterReading; store: LetterReviewStore };
}

const IMAGE = /\.(?:jpe?g|png|webp)$/i;
const ENVELOPE = /[-_ ](?:envelope|信封)$/i;
const PAGE_N = /[-_ ]p(\d{1,3})$/i;
const safeId = (s: string): string =>
  s
    .replace(/[^\p{L}\p{N}_.-]+/gu, '_')
    .replace(/^\.+/, '_')
    .slice(0, 90);

/** The letters of a batch without manifest: scans grouped by stem, pages in order, the envelope apart. */
export function groupScans(names: string[]): { letter: string; pages: string[]; envelope?: string }[] {
  const letters = new Map<string, { pages: { n: number; name: string }[]; envelope?: string }>();
  for (const name of names.filter((n) => IMAGE.test(n)).sort()) {
    const stem = name.replace(/\.[^.]+$/, '');
    const env = ENVELOPE.exec(stem);
    const page = PAGE_N.exec(stem);
    const key = env ? stem.slice(0, env.index) : page ? stem.slice(0, page.index) : stem;
    const l = letters.get(key) ?? { pages: [] };
    if (env) l.envelope = name;
    else l.pages.push({ n: page ? Number(page[1]) : 1, name });
    letters.set(key, l);
  }
  return [...letters.entries()].map(([letter, l]) => ({ letter, pages: l.pages.sort((a, b) => a.n - b.n).map((p) => p.name), ...(l.envelope ? { envelope: l.envelope } : {}) }));
}

/** A letter batch whose scans are being read by OCR now: how many letters it has and how many are read. */
export interface BatchReading {
  batch: string;
  letters: number;
  read: number;
  startedAt: string;
}

export const FOLDER_ACTOR: Actor = { role: 'system', id: 'folder-watch' };
const RESERVED = new Set(['processing', 'done', 'failed', 'review']);

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Sizes and times of everything under a path: equal on two polls = the copy has finished. */
async function fingerprint(path: string): Promise<string> {
  const st = await stat(path);
  if (!st.isDirectory()) return `${st.size}:${st.mtimeMs}`;
  const parts: string[] = [];
  for (const n of (await readdir(path)).sort()) parts.push(`${n}=${await fingerprint(join(path, n))}`);
  return `${st.mtimeMs}[${parts.join(',')}]`;
}

function problemsOf(err: unknown): FieldProblem[] {
  if (err instanceof ValidationError) return err.problems;
  if (isTousuError(err)) return [{ field: '(row)', code: err.code, message: err.message }];
  return [{ field: '(row)', code: 'internal', message: '处理该行时系统出错，请稍后把该批次重新放入收件文件夹。' }];
}

export function reportText(r: ItemReport): string {
  const lines = [
    `${r.kind === 'letters' ? '来信批次' : '意见箱开箱'}：${r.item}`,
    `处理时间：${r.processedAt}`,
    `结果：${r.ok ? '全部成功' : '有错误，请修改后重新放入收件文件夹（已成功的行不会重复立案）'}`,
    '',
  ];
  for (const p of r.problems ?? []) lines.push(`整体问题：${p.message}`);
  for (const row of r.rows) {
    if (row.review && !row.caseId)
      lines.push(`第 ${row.row} ${row.letter ? `封（${row.letter}）` : '行'}：已自动识别，等待工作人员在工作台核对后立案（待核对 ${row.review}；请在工作台“来信核对”页面逐封核对）`);
    else if (row.ok)
      lines.push(
        `第 ${row.row} 行：已立案 ${row.caseId}${row.duplicate ? '（此前已登记）' : ''}${row.possibleDuplicateOf?.length ? `（可能重复：可能与 ${row.possibleDuplicateOf.join('、')} 为同一投诉事项，请在工作台核对）` : ''}`,
      );
    else if (row.deadLetterId) lines.push(`第 ${row.row} 行：系统故障，暂未立案，内容已保存为死信 ${row.deadLetterId}（系统恢复后自动重放，或运行 tousu dead-letters replay ${row.deadLetterId}）`);
    else lines.push(`第 ${row.row} 行：未立案：${(row.problems ?? []).map((p) => `${p.field} ${p.message}`).join('；')}`);
  }
  return lines.join('\n') + '\n';
}

export class FolderWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly seen = new Map<string, string>();
  private readonly reading = new Map<string, BatchReading>();

  constructor(private readonly opts: FolderWatchOptions) {}

  dirOf(kind: FolderKind, sub?: 'processing' | 'done' | 'failed'): string {
    return sub ? join(this.opts.root, kind, sub) : join(this.opts.root, kind);
  }

  async start(): Promise<void> {
    for (const kind of FOLDER_KINDS) for (const sub of ['processing', 'done', 'failed'] as const) await mkdir(this.dirOf(kind, sub), { recursive: true, mode: PRIVATE_DIR_MODE });
    // Crash recovery: whatever was being processed is processed again (idempotent intake).
    for (const kind of FOLDER_KINDS) {
      for (const name of await readdir(this.dirOf(kind, 'processing'))) await this.process(kind, name);
    }
    this.schedule();
  }

  /** Letter batches being read by OCR at this moment (the review screen's progress while letters still arrive). */
  readingNow(): BatchReading[] {
    return [...this.reading.values()].map((r) => ({ ...r }));
  }

  /** One scan of the inbox folders (also what the timer runs). */
  poll(): Promise<void> {
    this.running ??= this.scan().finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.poll()
        .catch((err: unknown) => this.opts.logger?.error('folder watch scan failed', { error: errorName(err) }))
        .finally(() => this.schedule());
    }, this.opts.pollMs ?? 1000);
    this.timer.unref?.();
  }

  private async scan(): Promise<void> {
    for (const kind of FOLDER_KINDS) {
      const dir = this.dirOf(kind);
      for (const name of await readdir(dir)) {
        if (this.stopped) return;
        if (RESERVED.has(name) || name.startsWith('.') || name.endsWith('.tmp') || name.endsWith('.part')) continue;
        const path = join(dir, name);
        const st = await stat(path).catch(() => undefined);
        if (!st) continue;
        if (kind === 'letters' && !st.isDirectory()) continue;
        if (kind === 'box' && !st.isDirectory() && !name.toLowerCase().endsWith('.csv')) continue;
        const fp = await fingerprint(path).catch(() => undefined);
        if (!fp) continue;
        const key = `${kind}/${name}`;
        if (this.seen.get(key) !== fp) {
          this.seen.set(key, fp);
          continue;
        }
        this.seen.delete(key);
        const target = join(this.dirOf(kind, 'processing'), name);
        if (await exists(target)) continue;
        await rename(path, target);
        await this.process(kind, name);
      }
    }
  }

  private async process(kind: FolderKind, name: string): Promise<ItemReport> {
    const path = join(this.dirOf(kind, 'processing'), name);
    const report: ItemReport = { kind, item: name, processedAt: new Date().toISOString(), ok: false, rows: [] };
    try {
      const isDir = (await stat(path)).isDirectory();
      let csvPath: string | undefined;
      if (!isDir) csvPath = path;
      else {
        const csvs = (await readdir(path)).filter((n) => n.toLowerCase().endsWith('.csv'));
        csvPath = csvs.includes('manifest.csv') ? join(path, 'manifest.csv') : csvs.length === 1 ? join(path, csvs[0]!) : undefined;
      }
      if (!csvPath && kind === 'letters' && isDir) {
        const letters = groupScans(await readdir(path));
        if (letters.length === 0)
          report.problems = [{ field: 'manifest', code: 'manifest_missing', message: '批次文件夹中既没有 manifest.csv（扫描件清单），也没有可识别的扫描图片（JPG、PNG、WebP）。' }];
        const progress: BatchReading = { batch: name, letters: letters.length, read: 0, startedAt: new Date().toISOString() };
        if (letters.length > 0) this.reading.set(name, progress);
        try {
          for (const [i, l] of letters.entries()) {
            if (report.problems?.length) break;
            const r = await this.queueForReview(name, path, i + 1, l.letter, l.pages, l.envelope);
            progress.read += 1;
            if (r.problems?.some((p) => p.code === 'ocr_unavailable')) report.problems = r.problems;
            else report.rows.push(r);
          }
        } finally {
          this.reading.delete(name);
        }
      } else if (!csvPath) {
        report.problems = [{ field: 'manifest', code: 'manifest_missing', message: kind === 'letters' ? '批次文件夹中缺少 manifest.csv（扫描件清单）。' : '文件夹中应有且只有一个开箱 CSV 文件。' }];
      } else {
        const rows = readCsv(await readFile(csvPath, 'utf8'));
        if (rows.length === 0) report.problems = [{ field: 'csv', code: 'empty', message: 'CSV 文件没有数据行。' }];
        const baseDir = isDir ? path : this.dirOf(kind, 'processing');
        for (const [i, raw] of rows.entries()) report.rows.push(await this.processRow(kind, i + 1, raw, baseDir));
      }
    } catch (err) {
      report.problems = problemsOf(err);
    }
    report.ok = !report.problems?.length && report.rows.every((r) => r.ok || r.deadLetterId !== undefined);
    const dest = this.dirOf(kind, report.ok ? 'done' : 'failed');
    const finalName = (await exists(join(dest, name))) ? `${report.processedAt.replace(/[-:.]/g, '')}-${name}` : name;
    await writeFile(join(dest, `${finalName}.report.json`), JSON.stringify(report, null, 2) + '\n', { mode: PRIVATE_FILE_MODE });
    await writeFile(join(dest, `${finalName}.report.txt`), reportText(report), { mode: PRIVATE_FILE_MODE });
    await rename(path, join(dest, finalName));
    const created = report.rows.filter((r) => r.ok && r.caseId).length;
    const review = report.rows.filter((r) => r.review && !r.caseId).length;
    const parked = report.rows.filter((r) => r.deadLetterId !== undefined).length;
    this.opts.logger?.say(
      `${kind === 'letters' ? '来信批次' : '意见箱开箱'} ${name}：${created}/${report.rows.length} 行已立案${parked ? `，${parked} 行暂存为死信（tousu dead-letters list）` : ''}${review ? `，${review} 封已自动识别、等待工作人员核对` : ''}${report.ok ? '' : '，有错误，见 failed/ 中的报告'}`,
      'folder item processed',
      { kind, ok: report.ok, rows: report.rows.length, created, parked, review },
    );
    return report;
  }

  /** OCR of one letter and its proposal saved for the clerk; the same letter read again is found, not read twice. */
  private async queueForReview(batch: string, dir: string, row: number, letter: string, pages: string[], envelope: string | undefined, keyed?: Record<string, string>): Promise<RowReport> {
    const base = { row, ...(keyed ? {} : { letter }) };
    if (!this.opts.ocr) return { ...base, ok: false, problems: [{ field: 'file', code: 'ocr_unavailable', message: new OcrUnavailableError('no OCR engine configured').message }] };
    const id = `${safeId(batch)}--${safeId(letter)}`;
    const existing = await this.opts.ocr.store.get(id);
    if (existing) return { ...base, ok: true, review: id, ...(existing.caseId ? { caseId: existing.caseId } : {}) };
    const { files, problems } = await resolveScanFiles([...pages, ...(envelope ? [envelope] : [])], folderScanFiles(dir));
    if (problems.length > 0) return { ...base, ok: false, problems };
    const pageFiles = files.slice(0, pages.length);
    const envFile = envelope ? files[pages.length] : undefined;
    try {
      const { proposal, engine } = await readLetter(this.opts.ocr.reading, pageFiles, envFile);
      const keyedFields = keyed ? Object.fromEntries(Object.entries(keyed).filter(([k, v]) => k !== 'file' && typeof v === 'string' && v.trim() !== '')) : undefined;
      await this.opts.ocr.store.put(
        {
          id,
          batch,
          letter,
          pages: pageFiles.map((f) => f.filename),
          ...(envFile ? { envelope: envFile.filename } : {}),
          ...(keyedFields && Object.keys(keyedFields).length ? { keyed: keyedFields } : {}),
          proposal,
          threshold: this.opts.ocr.reading.threshold ?? DEFAULT_PROPOSAL_THRESHOLD,
          engine,
          readAt: new Date().toISOString(),
          status: 'pending',
        },
        files.map((f) => ({ name: f.filename, bytes: f.bytes })),
      );
      return { ...base, ok: true, review: id };
    } catch (err) {
      if (err instanceof OcrUnavailableError) {
        this.opts.logger?.error('OCR unavailable', { detail: err.detail.slice(0, 300) });
        return { ...base, ok: false, problems: [{ field: 'file', code: err.code, message: err.message }] };
      }
      this.opts.logger?.error('letter OCR failed', { row, error: errorName(err) });
      return { ...base, ok: false, problems: [{ field: 'file', code: 'ocr_failed', message: '扫描件无法识别（图片损坏或格式不支持），请重新扫描后放入收件文件夹，或在 manifest.csv 中录入。' }] };
    }
  }

  private async processRow(kind: FolderKind, row: number, raw: Record<string, string>, dir: string): Promise<RowReport> {
    try {
      const names = scanNames(raw.file);
      const { files, problems } = await resolveScanFiles(names, folderScanFiles(dir));
      if (problems.length > 0) return { row, ok: false, problems };
      if (kind === 'letters' && !raw.matter?.trim() && names.length > 0) {
        const envelope = names.find((n) => ENVELOPE.test(n.replace(/\.[^.]+$/, '')));
        return await this.queueForReview(
          basename(dir),
          dir,
          row,
          `row${row}`,
          names.filter((n) => n !== envelope),
          envelope,
          raw,
        );
      }
      const r = await this.opts.submit(kind === 'letters' ? 'letter' : 'box', raw, files, this.opts.actor ?? FOLDER_ACTOR);
      return {
        row,
        ok: true,
        caseId: r.caseId,
        ...(r.duplicate ? { duplicate: true } : {}),
        ...(r.possibleDuplicates?.length ? { possibleDuplicateOf: r.possibleDuplicates.map((d) => d.caseId) } : {}),
      };
    } catch (err) {
      if (err instanceof IntakeParkedError) return { row, ok: false, deadLetterId: err.deadLetterId };
      if (!(err instanceof ValidationError)) this.opts.logger?.error('folder row failed', { kind, row, error: errorName(err) });
      return { row, ok: false, problems: problemsOf(err) };
    }
  }
}
