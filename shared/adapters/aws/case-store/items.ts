/**
 * The case items on the single table (docs/data-model.md): their wire format (record and pending work as JSON
 * strings), their validation on read, the queue attributes and department links derived from a record, and the
 * error helpers the case store's parts share.
 */
import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { CaseRecord, TimelineEvent } from '../../../domain/case';
import { TousuError } from '../../../domain/errors';
import { GSI, NO_DUE, departmentQueuePk, deptLinkKey, dueSortKey, jurisdictionPk, phaseQueuePk, receiptSortKey, toSortableInstant } from '../table';

/** Items per TransactWriteItems (the service's limit); a larger change uses the `pending` marker protocol. */
export const TRANSACT_MAX = 100;

/** A stored item failed validation: reported with its key and the failing paths (never the values, which may be personal data). */
export class StoredItemCorruptError extends TousuError {
  override readonly name = 'StoredItemCorruptError';
  readonly code = 'stored_item_corrupt';
  readonly status = 500;
  constructor(
    readonly key: { pk: string; sk: string },
    readonly paths: string[],
  ) {
    super(`存储的数据已损坏，无法读取（${key.pk} / ${key.sk}：${paths.join(', ') || '格式错误'}）。`);
  }
}
/** Work left on the case item until its events and department links are written (see `flush`). */
export interface PendingWork {
  events: TimelineEvent[];
  /** When true, the DEPTLINK items are brought in line with the record. */
  syncLinks: boolean;
}
export interface CaseItem {
  pk: string;
  sk: string;
  type: 'case';
  version: number;
  record: CaseRecord;
  pending?: PendingWork;
  [attr: string]: unknown;
}
/**
 * The case item as stored: `record` and `pending` are JSON strings (docs/data-model.md). A case record is a deep
 * tree (intake, deadlines, assignments, merges); as a DynamoDB map every one of its leaves is marshalled by the
 * SDK, validated by the service (dynalite: in JavaScript) and copied into three GSIs attribute by attribute.
 * As one string, a put and get of a 3 KB case costs about 20 % less CPU in the SDK and 35 % less in dynalite
 * (measured), and a 200 KB merge target far less. Nothing queries inside the record: filters use the flat
 * `q*` attributes. Items written as maps by earlier versions are still read (parseCaseItem).
 */
export function wireItem(item: CaseItem): Record<string, unknown> {
  const { record, pending, ...rest } = item;
  return { ...rest, record: JSON.stringify(record), ...(pending ? { pending: JSON.stringify(pending) } : {}) };
}

/** A stored attribute that is a JSON string (current) or a map (items written before the string encoding). */
export function decoded(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) as unknown };
  } catch {
    return { ok: false };
  }
}

export const isConditionFailure = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

const cancellationCodes = (err: unknown): string[] =>
  err instanceof Error && err.name === 'TransactionCanceledException' ? ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code ?? 'None') : [];

/** A change's transaction failed on a condition (the case item's, first; or a link's, which only a newer write has). */
export const caseConditionFailed = (err: unknown): boolean => cancellationCodes(err).includes('ConditionalCheckFailed');

/** The transaction met another one on the same items (a concurrent change of the case): worth reading again. */
export const isTransactionConflict = (err: unknown): boolean =>
  (err instanceof Error && (err.name === 'TransactionConflictException' || err.name === 'TransactionInProgressException')) || cancellationCodes(err).includes('TransactionConflict');

/** JSON round trip: the stored map holds plain data only (no undefined, no class instances). */
export { plain } from '../../case-records';

export { linkedDepartments } from '../../case-records';

export const involvesDepartment = (record: CaseRecord, department: string): boolean => record.department === department || record.assignments.some((a) => a.department === department);

/** Index keys and the flat attributes query filters use (`qPhase`, `qOverdue`, `qDue`). */
export function queueAttributes(record: CaseRecord): Record<string, unknown> {
  const due = dueSortKey(record.waiting?.dueAt, record.caseId);
  return {
    [GSI.phaseQueue.partitionKey]: phaseQueuePk(record.jurisdiction, record.phase),
    [GSI.phaseQueue.sortKey]: due,
    ...(record.department ? { [GSI.departmentQueue.partitionKey]: departmentQueuePk(record.jurisdiction, record.department), [GSI.departmentQueue.sortKey]: due } : {}),
    [GSI.jurisdictionByReceipt.partitionKey]: jurisdictionPk(record.jurisdiction),
    [GSI.jurisdictionByReceipt.sortKey]: receiptSortKey(record.receivedAt, record.caseId),
    qPhase: record.phase,
    qOverdue: record.flags.overdue === true,
    qDue: record.waiting?.dueAt ? toSortableInstant(record.waiting.dueAt) : NO_DUE,
  };
}

/** The DEPTLINK item that puts the case in `department`'s queue (a pointer: the case is read from its own item). */
export function linkItem(record: CaseRecord, department: string): Record<string, unknown> {
  const attrs = queueAttributes(record);
  return {
    ...deptLinkKey(record.caseId, department),
    type: 'deptlink',
    caseId: record.caseId,
    department,
    version: record.version,
    [GSI.departmentQueue.partitionKey]: departmentQueuePk(record.jurisdiction, department),
    [GSI.departmentQueue.sortKey]: attrs[GSI.departmentQueue.sortKey] ?? dueSortKey(record.waiting?.dueAt, record.caseId),
    qPhase: attrs.qPhase,
    qOverdue: attrs.qOverdue,
    qDue: attrs.qDue,
  };
}

export function parseCaseItem(raw: Record<string, unknown>): CaseItem {
  const key = { pk: String(raw.pk), sk: String(raw.sk) };
  const rawRecord = decoded(raw.record);
  if (!rawRecord.ok) throw new StoredItemCorruptError(key, ['record']);
  const record = CaseRecord.safeParse(rawRecord.value);
  if (!record.success)
    throw new StoredItemCorruptError(
      key,
      record.error.issues.map((i) => ['record', ...i.path].join('.')),
    );
  if (typeof raw.version !== 'number' || raw.version !== record.data.version) throw new StoredItemCorruptError(key, ['version']);
  let pending: PendingWork | undefined;
  if (raw.pending !== undefined) {
    const rawPending = decoded(raw.pending);
    if (!rawPending.ok) throw new StoredItemCorruptError(key, ['pending']);
    const p = z.object({ events: z.array(TimelineEvent), syncLinks: z.boolean() }).safeParse(rawPending.value);
    if (!p.success)
      throw new StoredItemCorruptError(
        key,
        p.error.issues.map((i) => ['pending', ...i.path].join('.')),
      );
    pending = p.data;
  }
  return { ...raw, ...key, type: 'case', version: raw.version, record: record.data, pending };
}

/** Every item of a query, page after page. */
export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(out.Items ?? []));
    ExclusiveStartKey = out.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
