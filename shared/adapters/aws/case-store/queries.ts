/**
 * Case queries on the table's three GSIs (docs/data-model.md): a phase's queue and a department's queue by due date,
 * a jurisdiction's cases newest first; DEPTLINK pointers resolved to their cases; opaque keyset cursors.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { CaseRecord } from '../../../domain/case';
import { Code } from '../../../domain/intake';
import { ValidationError } from '../../../domain/errors';
import type { CasePage, CaseQuery } from '../../../ports';
import { GSI, departmentQueuePk, jurisdictionPk, phaseQueuePk, toSortableInstant } from '../table';
import type { CaseItem } from './items';
import { involvesDepartment, parseCaseItem } from './items';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/** What the queries need of the repository: case items by id. */
export interface CaseItemReader {
  batchGetCaseItems(caseIds: readonly string[]): Promise<Map<string, CaseItem>>;
}

export class DynamoCaseQueries {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cases: CaseItemReader,
  ) {}

  async query(q: CaseQuery): Promise<CasePage> {
    const limit = q.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationError([{ field: 'limit', message: `每页条数应为 1 到 ${MAX_LIMIT} 之间的整数。`, code: 'invalid_limit' }]);
    }
    const plan = this.planQuery(q);
    let startKey = q.cursor ? decodeCursor(q.cursor, plan.index) : undefined;
    const hits: Record<string, unknown>[] = [];
    // Limit applies before the filter, so keep reading until the page is full; each read asks for exactly what is
    // missing, so the last LastEvaluatedKey is precisely after the last item returned.
    do {
      const out = await this.doc.send(new QueryCommand({ ...plan.input, Limit: limit - hits.length, ExclusiveStartKey: startKey }));
      hits.push(...(out.Items ?? []));
      startKey = out.LastEvaluatedKey;
    } while (startKey && hits.length < limit);

    const items = await this.resolveHits(hits, q);
    return { items, ...(startKey ? { cursor: encodeCursor(plan.index, startKey) } : {}) };
  }

  private planQuery(q: CaseQuery): { index: string; input: QueryCommandInput } {
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
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const filters: string[] = [];
    const addFilter = (attr: string, op: string, value: unknown) => {
      names[`#${attr}`] = attr;
      values[`:${attr}`] = value;
      filters.push(`#${attr} ${op} :${attr}`);
    };

    let index: string;
    let keyCondition: string;
    let forward = true;
    const rangeOnDue = (skAttr: string) => {
      if (dueMax === undefined) return '';
      names['#sk'] = skAttr;
      values[':dueMax'] = `${dueMax}#\uffff`;
      return ' AND #sk <= :dueMax';
    };
    if (q.department !== undefined) {
      const g = GSI.departmentQueue;
      index = g.indexName;
      names['#pk'] = g.partitionKey;
      values[':pk'] = departmentQueuePk(q.jurisdiction, q.department);
      keyCondition = `#pk = :pk${rangeOnDue(g.sortKey)}`;
      if (q.phase !== undefined) addFilter('qPhase', '=', q.phase);
    } else if (q.phase !== undefined) {
      const g = GSI.phaseQueue;
      index = g.indexName;
      names['#pk'] = g.partitionKey;
      values[':pk'] = phaseQueuePk(q.jurisdiction, q.phase);
      keyCondition = `#pk = :pk${rangeOnDue(g.sortKey)}`;
    } else {
      const g = GSI.jurisdictionByReceipt;
      index = g.indexName;
      names['#pk'] = g.partitionKey;
      values[':pk'] = jurisdictionPk(q.jurisdiction);
      keyCondition = '#pk = :pk';
      forward = false; // newest first
      if (dueMax !== undefined) addFilter('qDue', '<=', dueMax);
    }
    if (q.overdue !== undefined) addFilter('qOverdue', '=', q.overdue);
    return {
      index,
      input: {
        TableName: this.tableName,
        IndexName: index,
        KeyConditionExpression: keyCondition,
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: forward,
      },
    };
  }

  /** Case items as they are; DEPTLINK pointers resolved to their case and re-checked against the query. */
  private async resolveHits(hits: Record<string, unknown>[], q: CaseQuery): Promise<CaseRecord[]> {
    const linkIds = [...new Set(hits.filter((h) => h.type === 'deptlink').map((h) => String(h.caseId)))];
    const linked = new Map<string, CaseRecord>();
    for (const [id, item] of await this.cases.batchGetCaseItems(linkIds)) linked.set(id, item.record);
    const dueMax = q.dueBefore !== undefined ? toSortableInstant(q.dueBefore) : undefined;
    const records: CaseRecord[] = [];
    const seen = new Set<string>();
    for (const h of hits) {
      let record: CaseRecord | undefined;
      if (h.type === 'deptlink') {
        record = linked.get(String(h.caseId));
        // A link may be stale (the department was removed, or the case moved on since the link was written).
        if (!record || !q.department || !involvesDepartment(record, q.department)) continue;
        if (q.phase !== undefined && record.phase !== q.phase) continue;
        if (q.overdue !== undefined && (record.flags.overdue === true) !== q.overdue) continue;
        if (dueMax !== undefined && (!record.waiting?.dueAt || toSortableInstant(record.waiting.dueAt) > dueMax)) continue;
      } else {
        record = parseCaseItem(h).record;
      }
      if (seen.has(record.caseId)) continue;
      seen.add(record.caseId);
      records.push(record);
    }
    return records;
  }
}

// ---------------------------------------------------------------------------------------------- cursors

/** Opaque to callers: base64url of the index name and LastEvaluatedKey (string key attributes only). */
export function encodeCursor(index: string, lastEvaluatedKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ i: index, k: lastEvaluatedKey }), 'utf8').toString('base64url');
}

const CursorSchema = z.object({ i: z.string(), k: z.record(z.string(), z.string()) });

export function decodeCursor(cursor: string, index: string): Record<string, string> {
  const bad = () => new ValidationError([{ field: 'cursor', message: '分页标记无效，请从第一页重新查询。', code: 'invalid_cursor' }]);
  let parsed: z.infer<typeof CursorSchema>;
  try {
    parsed = CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw bad();
  }
  if (parsed.i !== index) throw bad();
  return parsed.k;
}
