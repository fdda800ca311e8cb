/**
 * Case queries on SQLite, in the DynamoDB adapter's order (shared/adapters/aws/table.ts keys): by phase and by
 * department ordered by due date (undated last), the whole jurisdiction newest first; keyset cursors.
 */
import * as z from 'zod';
import type { CaseRecord } from '../../../../domain/case';
import { Code } from '../../../../domain/intake';
import { ValidationError } from '../../../../domain/errors';
import type { CasePage, CaseQuery } from '../../../../ports';
import { toSortableInstant } from '../../../aws/table';
import type { Db } from '../db';
import type { StoreStats } from '../stats';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

type QueryIndex = 'phase' | 'department' | 'jurisdiction';
const CursorSchema = z.object({ i: z.enum(['phase', 'department', 'jurisdiction']), k: z.string() });
const badCursor = () => new ValidationError([{ field: 'cursor', message: '分页标记无效，请从第一页重新查询。', code: 'invalid_cursor' }]);

function encodeCursor(index: QueryIndex, key: string): string {
  return Buffer.from(JSON.stringify({ i: index, k: key }), 'utf8').toString('base64url');
}
function decodeCursor(cursor: string, index: QueryIndex): string {
  let parsed: z.infer<typeof CursorSchema>;
  try {
    parsed = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw badCursor();
  }
  if (parsed.i !== index) throw badCursor();
  return parsed.k;
}

export class SqliteCaseQueries {
  constructor(
    private readonly db: Db,
    private readonly stats: StoreStats,
  ) {}

  async query(q: CaseQuery): Promise<CasePage> {
    this.stats.calls++;
    const limit = q.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationError([{ field: 'limit', message: `每页条数应为 1 到 ${MAX_LIMIT} 之间的整数。`, code: 'invalid_limit' }]);
    }
    if (!Code.safeParse(q.jurisdiction).success) throw new ValidationError([{ field: 'jurisdiction', message: '辖区编码格式错误。', code: 'invalid_code' }]);
    if (q.department !== undefined && !Code.safeParse(q.department).success) {
      throw new ValidationError([{ field: 'department', message: '部门编码格式错误。', code: 'invalid_code' }]);
    }
    let dueMax: string | undefined;
    if (q.dueBefore !== undefined) {
      try {
        dueMax = toSortableInstant(q.dueBefore);
      } catch {
        throw new ValidationError([{ field: 'dueBefore', message: '截止时间格式错误。', code: 'invalid_datetime' }]);
      }
    }
    const index: QueryIndex = q.department !== undefined ? 'department' : q.phase !== undefined ? 'phase' : 'jurisdiction';
    const after = q.cursor ? decodeCursor(q.cursor, index) : undefined;
    const where: string[] = ['jurisdiction = @jurisdiction'];
    const params: Record<string, unknown> = { jurisdiction: q.jurisdiction, limit: limit + 1 };
    if (q.department !== undefined) {
      where.push('(department = @department OR case_id IN (SELECT case_id FROM case_links WHERE jurisdiction = @jurisdiction AND department = @department))');
      params.department = q.department;
    }
    if (q.phase !== undefined) {
      where.push('phase = @phase');
      params.phase = q.phase;
    }
    if (q.overdue !== undefined) {
      where.push('overdue = @overdue');
      params.overdue = q.overdue ? 1 : 0;
    }
    if (dueMax !== undefined) {
      where.push('q_due <= @dueMax');
      params.dueMax = dueMax;
    }
    const sortColumn = index === 'jurisdiction' ? 'receipt_sk' : 'due_sk';
    const direction = index === 'jurisdiction' ? 'DESC' : 'ASC';
    if (after !== undefined) {
      where.push(`${sortColumn} ${direction === 'ASC' ? '>' : '<'} @after`);
      params.after = after;
    }
    const rows = this.db
      .prepare<Record<string, unknown>, { record: string; sk: string }>(`SELECT record, ${sortColumn} AS sk FROM cases WHERE ${where.join(' AND ')} ORDER BY ${sortColumn} ${direction} LIMIT @limit`)
      .all(params);
    const page = rows.slice(0, limit);
    const items = page.map((r) => JSON.parse(r.record) as CaseRecord);
    return { items, ...(rows.length > limit ? { cursor: encodeCursor(index, page[page.length - 1]!.sk) } : {}) };
  }
}
