/**
 * CSV batches of scanning staff: the letter manifest and the suggestion-box opening. Every row is validated on
 * its own, so a bad row never sinks the good ones; each problem names the row (1 = first data row), the field
 * and a stable code.
 */
import { parse } from 'csv-parse/sync';
import { ValidationError } from '../domain/errors';
import type { FieldProblem } from '../domain/errors';
import { openers, parseBoxSlipRow, parseLetterRow } from './channels';
import type { BoxSlipRow, LetterRow } from './channels';

export interface RowResult<T> {
  /** 1-based data row number (the header is row 0). */
  row: number;
  value?: T;
  problems: FieldProblem[];
}

/** Header names people type in Chinese → field names. English field names work as they are. */
const HEADER_ALIASES: Record<string, string> = {
  文件: 'file',
  扫描件: 'file',
  信封日期: 'envelopeDate',
  邮戳日期: 'envelopeDate',
  接收时间: 'receivedAt',
  姓名: 'name',
  单位: 'organization',
  单位名称: 'organization',
  电话: 'phone',
  联系电话: 'phone',
  邮箱: 'email',
  电子邮箱: 'email',
  地址: 'address',
  联系地址: 'address',
  匿名: 'anonymous',
  需要答复: 'wantsReply',
  保密: 'confidential',
  被投诉单位: 'respondentUnit',
  被投诉人: 'respondentPerson',
  投诉事项: 'matter',
  具体投诉事项: 'matter',
  事实和理由: 'facts',
  意见箱: 'box',
  地点: 'place',
  开箱时间: 'openedAt',
  开箱人: 'openedBy',
  编号: 'slipNo',
  署名: 'signed',
};

export function readCsv(text: string): Record<string, string>[] {
  try {
    return parse(text.replace(/^\uFEFF/, ''), {
      columns: (header: string[]) => header.map((h) => HEADER_ALIASES[h.trim()] ?? h.trim()),
      skip_empty_lines: true,
      trim: false,
      relax_column_count: true,
    }) as Record<string, string>[];
  } catch (err) {
    throw new ValidationError([{ field: 'csv', code: 'invalid_csv', message: `CSV 文件格式有误：${err instanceof Error ? err.message.slice(0, 200) : ''}` }]);
  }
}

function rowsOf<T>(records: Record<string, string>[], parseRow: (r: Record<string, string>) => T): RowResult<T>[] {
  return records.map((r, i) => {
    try {
      return { row: i + 1, value: parseRow(r), problems: [] };
    } catch (err) {
      if (err instanceof ValidationError) return { row: i + 1, problems: err.problems };
      throw err;
    }
  });
}

export function parseLetterManifest(text: string): RowResult<LetterRow>[] {
  return rowsOf(readCsv(text), parseLetterRow);
}

/**
 * One box opening: every row repeats box, place, opened at and opened by. Rows that disagree with the first
 * valid row are refused (a file is one opening).
 */
export function parseBoxCsv(text: string): RowResult<BoxSlipRow>[] {
  const results = rowsOf(readCsv(text), parseBoxSlipRow);
  const first = results.find((r) => r.value)?.value;
  const seenSlips = new Set<string>();
  for (const r of results) {
    if (!r.value || !first) continue;
    const v = r.value;
    const problems: FieldProblem[] = [];
    if (v.box !== first.box) problems.push({ field: 'box', code: 'opening_mismatch', message: '同一文件只能登记一次开箱：意见箱编号与第一行不一致。' });
    if (v.place !== first.place) problems.push({ field: 'place', code: 'opening_mismatch', message: '同一文件只能登记一次开箱：设置地点与第一行不一致。' });
    if (Date.parse(v.openedAt) !== Date.parse(first.openedAt)) problems.push({ field: 'openedAt', code: 'opening_mismatch', message: '同一文件只能登记一次开箱：开箱时间与第一行不一致。' });
    if (openers(v.openedBy).sort().join() !== openers(first.openedBy).sort().join())
      problems.push({ field: 'openedBy', code: 'opening_mismatch', message: '同一文件只能登记一次开箱：开箱人与第一行不一致。' });
    if (seenSlips.has(v.slipNo)) problems.push({ field: 'slipNo', code: 'duplicate_slip', message: `意见单编号 ${v.slipNo} 在本次开箱中重复。` });
    seenSlips.add(v.slipNo);
    if (problems.length > 0) {
      delete r.value;
      r.problems = problems;
    }
  }
  return results;
}
