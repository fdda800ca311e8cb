/**
 * Shared by `tousu intake letters` and `tousu intake box`: progress bar, per-row results, error report CSV.
 * The CLI submits to a running instance (`tousu start` or the AWS API) over HTTP: simplest, and the only way
 * that also starts the workflow (the embedded runtime owns its engine and its dynalite files).
 */
import { writeFileSync } from 'node:fs';
import cliProgress from 'cli-progress';
import { stringify } from 'csv-stringify/sync';
import type { FieldProblem } from '../../../shared/domain/errors';
import type { StaffPostResult } from '../../../functions/staff-intake/client';

export interface BatchRow {
  row: number;
  problems?: FieldProblem[];
  submit?: () => Promise<StaffPostResult>;
}

export interface BatchSummary {
  created: number;
  duplicates: number;
  badRows: number;
  failedRows: number;
}

export const DEFAULT_API = 'http://127.0.0.1:8080';

export async function runBatch(rows: BatchRow[], reportFile: string, opts: { json?: boolean } = {}): Promise<BatchSummary> {
  const bar = new cliProgress.SingleBar({ format: '{bar} {value}/{total} 行 | 成功 {ok} | 出错 {bad}', stream: process.stderr, hideCursor: true }, cliProgress.Presets.shades_classic);
  const report: (string | number)[][] = [];
  const summary: BatchSummary = { created: 0, duplicates: 0, badRows: 0, failedRows: 0 };
  bar.start(rows.length, 0, { ok: 0, bad: 0 });
  for (const r of rows) {
    let result: StaffPostResult | undefined;
    if (r.problems && r.problems.length > 0) result = { ok: false, badInput: true, problems: r.problems };
    else if (r.submit) result = await r.submit();
    if (result?.ok) {
      if (result.duplicate) summary.duplicates++;
      else summary.created++;
      const maybe = result.possibleDuplicate?.candidates ?? [];
      process.stdout.write(
        opts.json
          ? `${JSON.stringify({ row: r.row, caseId: result.caseId, duplicate: result.duplicate, ...(result.possibleDuplicate ? { possibleDuplicate: result.possibleDuplicate } : {}) })}\n`
          : `第 ${r.row} 行：${result.caseId}${result.duplicate ? '（重复提交，已有投诉件）' : ''}${maybe.length ? `（可能重复：可能与 ${maybe.map((c) => c.caseId).join('、')} 为同一投诉事项，请在工作台核对）` : ''}\n`,
      );
    } else if (result) {
      if (result.badInput) summary.badRows++;
      else summary.failedRows++;
      for (const p of result.problems) report.push([r.row, p.field, p.code ?? '', p.message]);
    }
    bar.increment(1, { ok: summary.created + summary.duplicates, bad: summary.badRows + summary.failedRows });
  }
  bar.stop();
  if (report.length > 0) {
    writeFileSync(reportFile, '\uFEFF' + stringify([['row', 'field', 'code', 'message'], ...report]));
    process.stderr.write(`有 ${summary.badRows + summary.failedRows} 行未能登记，错误报告：${reportFile}\n`);
  }
  process.stderr.write(`新建 ${summary.created} 件，重复 ${summary.duplicates} 件，内容有误 ${summary.badRows} 行，提交失败 ${summary.failedRows} 行。\n`);
  process.exitCode = summary.failedRows > 0 ? 1 : summary.badRows > 0 ? 2 : 0;
  return summary;
}
