/**
 * CaseStore on the single DynamoDB table (docs/data-model.md).
 *
 * A case change is one TransactWriteItems (issue 26): the case item (conditional on its version), its new event
 * items, its department links and, with `facts`, the evaluation facts that changed, all or nothing. Before, a
 * change was a PutItem with a `pending` marker, a BatchWriteItem of the events, an UpdateItem removing the marker
 * and a BatchWriteItem of the facts. The marker protocol remains for a change too large for one transaction (more
 * than 100 items) and for items a previous version left pending: whoever comes next (a read or a write) completes
 * an interrupted one. dynalite has no transactions: the tests run it with infra/local/dynalite-transactions.cjs.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { Actor, CaseRecord, TimelineEvent } from '../../domain/case';
import { Code } from '../../domain/intake';
import { ConcurrentUpdateError, NotFoundError, TousuError, ValidationError } from '../../domain/errors';
import type { AuditEntry, CasePage, CaseQuery, CaseStore, NewEvent, SourceClaim } from '../../ports';
import {
  CASE_SK,
  GSI,
  NO_DUE,
  auditKey,
  caseKey,
  departmentQueuePk,
  deptLinkKey,
  dueSortKey,
  eventKey,
  jurisdictionPk,
  phaseQueuePk,
  receiptSortKey,
  sourceKey as sourceItemKey,
  toSortableInstant,
  trackingCounterKey,
} from './table';
import { batchGetAll, batchWriteAll } from './batch';
import { deriveFacts, factId, retractedFacts } from '../../domain/evaluation/facts';
import { factItem, factItemKey } from './dynamo-evaluation-facts';

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

/** The document client the adapters expect: plain objects in and out, undefined values dropped. */
export function createDocumentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    unmarshallOptions: { wrapNumbers: false },
  });
}

export interface DynamoCaseStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Source claims without a case older than this may be taken over (default 10 minutes). */
  defaultStaleAfterMs?: number;
  /**
   * Record the evaluation facts (art. 17, art. 20) in the transaction of each case write: those that changed
   * since the record this store last read or wrote at the replaced version, all of them when it has none.
   */
  facts?: boolean;
  /** A change too large for one transaction writes its facts afterwards; called if that fails (case id only). */
  onFactError?: (caseId: string, error: unknown) => void;
  /** Records kept as the `before` of the next write (facts, department links), most recent first (default 1000). */
  cacheSize?: number;
}

/** The write of one change: the case item and the other items of its transaction. */
interface ChangeWrite {
  item: CaseItem;
  stored: CaseRecord;
  events: TimelineEvent[];
  /** Department link items to put and link keys to delete; undefined: links are synced through a query. */
  links?: { put: Record<string, unknown>[]; del: { pk: string; sk: string }[] };
  facts: { put: Record<string, unknown>[]; del: { pk: string; sk: string }[] };
}

/** Work left on the case item until its events and department links are written (see `flush`). */
interface PendingWork {
  events: TimelineEvent[];
  /** When true, the DEPTLINK items are brought in line with the record. */
  syncLinks: boolean;
}

interface CaseItem {
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
function wireItem(item: CaseItem): Record<string, unknown> {
  const { record, pending, ...rest } = item;
  return { ...rest, record: JSON.stringify(record), ...(pending ? { pending: JSON.stringify(pending) } : {}) };
}

/** A stored attribute that is a JSON string (current) or a map (items written before the string encoding). */
function decoded(value: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof value !== 'string') return { ok: true, value };
  try {
    return { ok: true, value: JSON.parse(value) as unknown };
  } catch {
    return { ok: false };
  }
}

const AuditEntrySchema = z.object({
  caseId: z.string(),
  at: z.iso.datetime({ offset: true }),
  actor: Actor,
  what: z.string().min(1).max(256),
  detail: z.record(z.string(), z.unknown()).optional(),
});

const TRACKING_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

const isConditionFailure = (err: unknown): boolean => err instanceof Error && err.name === 'ConditionalCheckFailedException';

const cancellationCodes = (err: unknown): string[] =>
  err instanceof Error && err.name === 'TransactionCanceledException'
    ? ((err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? []).map((r) => r.Code ?? 'None')
    : [];

/** A change's transaction failed on a condition (the case item's, first; or a link's, which only a newer write has). */
const caseConditionFailed = (err: unknown): boolean => cancellationCodes(err).includes('ConditionalCheckFailed');

/** The transaction met another one on the same items (a concurrent change of the case): worth reading again. */
const isTransactionConflict = (err: unknown): boolean =>
  (err instanceof Error && (err.name === 'TransactionConflictException' || err.name === 'TransactionInProgressException')) ||
  cancellationCodes(err).includes('TransactionConflict');

/** JSON round trip: the stored map holds plain data only (no undefined, no class instances). */
const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;


/** Departments other than the owner that must find the case in their queue (lead unit, co-handlers, …). */
export function linkedDepartments(record: CaseRecord): string[] {
  const set = new Set(record.assignments.map((a) => a.department));
  if (record.department) set.delete(record.department);
  return [...set].sort();
}

const involvesDepartment = (record: CaseRecord, department: string): boolean =>
  record.department === department || record.assignments.some((a) => a.department === department);

export class DynamoCaseStore implements CaseStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly defaultStaleAfterMs: number;
  private readonly recordFacts: boolean;
  private readonly onFactError: ((caseId: string, error: unknown) => void) | undefined;
  private readonly cacheSize: number;
  private readonly seen = new Map<string, CaseRecord>();

  constructor(opts: DynamoCaseStoreOptions) {
    this.doc = opts.doc;
    this.tableName = opts.tableName;
    this.defaultStaleAfterMs = opts.defaultStaleAfterMs ?? 10 * 60_000;
    this.recordFacts = opts.facts === true;
    this.onFactError = opts.onFactError;
    this.cacheSize = opts.cacheSize ?? 1000;
  }

  private remember(record: CaseRecord): void {
    this.seen.delete(record.caseId);
    this.seen.set(record.caseId, record);
    if (this.seen.size > this.cacheSize) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }

  /** The record at `version` if this store read or wrote it last. */
  private before(caseId: string, version: number): CaseRecord | undefined {
    const r = this.seen.get(caseId);
    return r && r.version === version ? r : undefined;
  }

  // -------------------------------------------------------------------------------------------- source claims

  async claimSource(key: string, at: string, opts?: { staleAfterMs?: number }): Promise<SourceClaim> {
    const Key = sourceItemKey(key);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...Key, type: 'source', sourceKey: key, claimedAt: at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { outcome: 'claimed' };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const staleAfterMs = opts?.staleAfterMs ?? this.defaultStaleAfterMs;
    const existing = await this.getSourceClaim(key);
    if (!existing) throw new ConcurrentUpdateError(); // claims are never deleted; a vanished one is a broken invariant
    if (existing.caseId) return { outcome: 'duplicate', caseId: existing.caseId, claimedAt: existing.claimedAt };
    if (Date.parse(at) - Date.parse(existing.claimedAt) < staleAfterMs) return { outcome: 'duplicate', claimedAt: existing.claimedAt };
    // Stale and never bound: the claimer crashed before creating the case. Take over, conditional on the very
    // claim we saw, so that among several concurrent take-overs exactly one wins.
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key,
          UpdateExpression: 'SET claimedAt = :now, takenOverFrom = :old',
          ConditionExpression: 'claimedAt = :old AND attribute_not_exists(caseId)',
          ExpressionAttributeValues: { ':now': at, ':old': existing.claimedAt },
        }),
      );
      return { outcome: 'claimed' };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const now = await this.getSourceClaim(key);
      return { outcome: 'duplicate', caseId: now?.caseId, claimedAt: now?.claimedAt ?? existing.claimedAt };
    }
  }

  async bindSource(key: string, caseId: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: sourceItemKey(key),
          UpdateExpression: 'SET caseId = :c, #type = if_not_exists(#type, :t), sourceKey = if_not_exists(sourceKey, :k)',
          ConditionExpression: 'attribute_not_exists(caseId) OR caseId = :c',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':c': caseId, ':t': 'source', ':k': key },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw new ConcurrentUpdateError('该来源已登记为另一投诉件，请按重复件处理。');
      throw err;
    }
  }

  private async getSourceClaim(key: string): Promise<{ claimedAt: string; caseId?: string } | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: sourceItemKey(key), ConsistentRead: true }));
    if (!Item) return undefined;
    return { claimedAt: String(Item.claimedAt), caseId: typeof Item.caseId === 'string' ? Item.caseId : undefined };
  }

  // -------------------------------------------------------------------------------------------- tracking numbers

  async allocateTrackingNo(jurisdiction: string, shanghaiDate: string): Promise<string> {
    const m = TRACKING_DATE.exec(shanghaiDate);
    if (!m) throw new ValidationError([{ field: 'shanghaiDate', message: '日期格式应为 YYYY-MM-DD。', code: 'invalid_date' }]);
    if (!Code.safeParse(jurisdiction).success) throw new ValidationError([{ field: 'jurisdiction', message: '辖区编码格式错误。', code: 'invalid_code' }]);
    const yyyymmdd = `${m[1]}${m[2]}${m[3]}`;
    const { Attributes } = await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: trackingCounterKey(jurisdiction, yyyymmdd),
        UpdateExpression: 'ADD #value :one SET #type = if_not_exists(#type, :t)',
        ExpressionAttributeNames: { '#value': 'value', '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':t': 'counter' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const n = Number(Attributes?.value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`counter ${jurisdiction}/${yyyymmdd} returned ${String(Attributes?.value)}`);
    return `${jurisdiction}-${yyyymmdd}-${String(n).padStart(4, '0')}`;
  }

  // -------------------------------------------------------------------------------------------- case writes

  async create(record: CaseRecord, events: NewEvent[], opts: { deferFlush?: boolean } = {}): Promise<CaseRecord> {
    const change = this.buildChange(undefined, record, record.version, events);
    await this.resolveLinks(change);
    if (this.fitsOneTransaction(change)) {
      try {
        await this.transact(change, { ConditionExpression: 'attribute_not_exists(pk)' });
      } catch (err) {
        if (caseConditionFailed(err)) throw new ConcurrentUpdateError(`投诉件 ${record.caseId} 已存在。`);
        throw err;
      }
      this.remember(change.stored);
      return change.stored;
    }
    const { item, stored } = change;
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: wireItem(item), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (err) {
      if (isConditionFailure(err)) throw new ConcurrentUpdateError(`投诉件 ${record.caseId} 已存在。`);
      throw err;
    }
    if (!opts.deferFlush) await this.flushAfterWrite(item);
    await this.writeFactsAfter(change);
    this.remember(stored);
    return stored;
  }

  async update(record: CaseRecord, expectedVersion: number, events: NewEvent[]): Promise<CaseRecord> {
    const change = this.buildChange(this.before(record.caseId, expectedVersion), record, expectedVersion + 1, events);
    await this.resolveLinks(change);
    const { item, stored } = change;
    const condition = {
      ConditionExpression: '#version = :expected AND attribute_not_exists(#pending)',
      ExpressionAttributeNames: { '#version': 'version', '#pending': 'pending' },
      ExpressionAttributeValues: { ':expected': expectedVersion },
    };
    const oneTransaction = this.fitsOneTransaction(change);
    // A pending flush left by a crashed writer (or an earlier version) must land before we overwrite the item (its
    // events live only there).
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        if (oneTransaction) {
          await this.transact(change, condition);
        } else {
          await this.doc.send(new PutCommand({ TableName: this.tableName, Item: wireItem(item), ...condition }));
          await this.flushAfterWrite(item);
          await this.writeFactsAfter(change);
        }
        this.remember(stored);
        return stored;
      } catch (err) {
        if (!(oneTransaction ? caseConditionFailed(err) || isTransactionConflict(err) : isConditionFailure(err))) throw err;
      }
      const current = await this.getCaseItem(record.caseId);
      if (!current) throw new NotFoundError(`未找到投诉件 ${record.caseId}。`);
      if (current.version !== expectedVersion) throw new ConcurrentUpdateError();
      // Same version: a legacy pending marker to complete, or a transaction that met another one (try again).
      if (current.pending) await this.flush(current);
      else if (!oneTransaction) throw new ConcurrentUpdateError();
    }
    throw new ConcurrentUpdateError();
  }

  /** Builds the items of one change: the case item at `version`, its events, links and (with `facts`) facts. */
  private buildChange(before: CaseRecord | undefined, record: CaseRecord, version: number, events: NewEvent[]): ChangeWrite {
    const { item, stored } = this.buildCaseItem(record, version, events);
    const numbered = item.pending?.events ?? [];
    let links: ChangeWrite['links'];
    if (item.pending?.syncLinks) {
      // The links the replaced version has are known when it had assignments too (its write synced them).
      if (before && before.assignments.length > 0) {
        const wanted = linkedDepartments(stored);
        links = {
          put: wanted.map((d) => this.linkItem(stored, d)),
          del: linkedDepartments(before)
            .filter((d) => !wanted.includes(d))
            .map((d) => deptLinkKey(stored.caseId, d)),
        };
      }
    } else {
      links = { put: [], del: [] };
    }
    return { item, stored, events: numbered, links, facts: this.factsOf(before, stored) };
  }

  /** The links of a change whose replaced version is unknown here: the existing DEPTLINK items, one query. */
  private async resolveLinks(c: ChangeWrite): Promise<void> {
    if (c.links) return;
    const wanted = linkedDepartments(c.stored);
    const existing = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(c.stored.caseId).pk, ':prefix': CASE_SK.deptLink },
      ConsistentRead: true,
    });
    c.links = {
      put: wanted.map((d) => this.linkItem(c.stored, d)),
      del: existing.filter((l) => !wanted.includes(String(l.department))).map((l) => ({ pk: String(l.pk), sk: String(l.sk) })),
    };
  }

  private fitsOneTransaction(c: ChangeWrite): boolean {
    if (!c.links) return false;
    return 1 + c.events.length + c.links.put.length + c.links.del.length + c.facts.put.length + c.facts.del.length <= TRANSACT_MAX;
  }

  /** One change in one TransactWriteItems; the case item first (its condition is the one that can fail). */
  private async transact(c: ChangeWrite, condition: { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> }): Promise<void> {
    const { pending: _pending, ...item } = c.item;
    const caseId = c.stored.caseId;
    const versionGuard = (v: number) => ({ ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':v': v } });
    await this.doc.send(
      new TransactWriteCommand({
        ClientRequestToken: randomUUID(), // the SDK's own retries of this call are applied once
        TransactItems: [
          { Put: { TableName: this.tableName, Item: wireItem(item), ...condition } },
          ...c.events.map((e) => ({ Put: { TableName: this.tableName, Item: { ...eventKey(caseId, e.seq), type: 'event', event: e } } })),
          ...(c.links?.put ?? []).map((Item) => ({
            Put: { TableName: this.tableName, Item, ConditionExpression: 'attribute_not_exists(pk) OR #version <= :v', ...versionGuard(c.stored.version) },
          })),
          ...(c.links?.del ?? []).map((Key) => ({
            Delete: { TableName: this.tableName, Key, ConditionExpression: 'attribute_not_exists(pk) OR #version < :v', ...versionGuard(c.stored.version) },
          })),
          ...c.facts.put.map((Item) => ({ Put: { TableName: this.tableName, Item } })),
          ...c.facts.del.map((Key) => ({ Delete: { TableName: this.tableName, Key } })),
        ],
      }),
    );
  }

  /**
   * The evaluation facts of a change: those that differ from the ones the replaced version yields (written with
   * it), all of them when that version is unknown here, and the retracted ones.
   */
  private factsOf(before: CaseRecord | undefined, after: CaseRecord): ChangeWrite['facts'] {
    if (!this.recordFacts) return { put: [], del: [] };
    const had = before ? new Map(deriveFacts(undefined, before).map((f) => [`${f.quarter}#${factId(f)}`, JSON.stringify(f)])) : undefined;
    const put = new Map<string, Record<string, unknown>>();
    for (const f of deriveFacts(before, after)) {
      if (had?.get(`${f.quarter}#${factId(f)}`) === JSON.stringify(f)) continue;
      const it = factItem(f);
      put.set(`${String(it.pk)}|${String(it.sk)}`, it);
    }
    const del = retractedFacts(before, after)
      .map(factItemKey)
      .filter((k) => !put.has(`${k.pk}|${k.sk}`));
    return { put: [...put.values()], del };
  }

  /** Facts of a change written without a transaction (too large for one): retried, reported, never failing the write. */
  private async writeFactsAfter(c: ChangeWrite): Promise<void> {
    if (c.facts.put.length + c.facts.del.length === 0) return;
    try {
      await batchWriteAll(this.doc, this.tableName, [...c.facts.put.map((Item) => ({ PutRequest: { Item } })), ...c.facts.del.map((Key) => ({ DeleteRequest: { Key } }))], {
        retries: 10,
        maxBackoffMs: 2000,
        what: 'evaluation facts',
      });
    } catch (err) {
      this.onFactError?.(c.stored.caseId, err);
    }
  }

  /** Builds the case item for `version`, numbering the new events after the stored timeline. */
  private buildCaseItem(record: CaseRecord, version: number, events: NewEvent[]): { item: CaseItem; stored: CaseRecord } {
    const base = CaseRecord.safeParse(record);
    if (!base.success) {
      throw new ValidationError(base.error.issues.map((i) => ({ field: i.path.join('.'), message: '投诉件数据不符合格式要求。', code: i.code })));
    }
    const numbered: TimelineEvent[] = events.map((e, i) => ({ ...plain(e), caseId: record.caseId, seq: record.timelineLength + i + 1 }));
    for (const e of numbered) {
      const ok = TimelineEvent.safeParse(e);
      if (!ok.success) {
        throw new ValidationError(ok.error.issues.map((i) => ({ field: `events.${e.seq}.${i.path.join('.')}`, message: '时间线事件不符合格式要求。', code: i.code })));
      }
    }
    const stored: CaseRecord = plain({ ...base.data, version, timelineLength: record.timelineLength + numbered.length });
    const syncLinks = stored.assignments.length > 0;
    const item: CaseItem = {
      ...caseKey(stored.caseId),
      type: 'case',
      version,
      record: stored,
      ...this.queueAttributes(stored),
      ...(numbered.length > 0 || syncLinks ? { pending: { events: numbered, syncLinks } } : {}),
    };
    return { item, stored };
  }

  /** Index keys and the flat attributes query filters use (`qPhase`, `qOverdue`, `qDue`). */
  private queueAttributes(record: CaseRecord): Record<string, unknown> {
    const due = dueSortKey(record.waiting?.dueAt, record.caseId);
    return {
      [GSI.phaseQueue.partitionKey]: phaseQueuePk(record.jurisdiction, record.phase),
      [GSI.phaseQueue.sortKey]: due,
      ...(record.department
        ? { [GSI.departmentQueue.partitionKey]: departmentQueuePk(record.jurisdiction, record.department), [GSI.departmentQueue.sortKey]: due }
        : {}),
      [GSI.jurisdictionByReceipt.partitionKey]: jurisdictionPk(record.jurisdiction),
      [GSI.jurisdictionByReceipt.sortKey]: receiptSortKey(record.receivedAt, record.caseId),
      qPhase: record.phase,
      qOverdue: record.flags.overdue === true,
      qDue: record.waiting?.dueAt ? toSortableInstant(record.waiting.dueAt) : NO_DUE,
    };
  }

  /**
   * The case item is durable once its put succeeded: a failure of the follow-up writes must not turn a committed
   * change into an error (a retrying caller would apply it twice). The `pending` marker stays on the item and the
   * next read or write completes it.
   */
  private async flushAfterWrite(item: CaseItem): Promise<void> {
    try {
      await this.flush(item);
    } catch {
      // deliberately ignored, see above
    }
  }

  /**
   * Completes a case item's pending work: event items, then department links, then clears `pending`
   * (conditional on the version, so a newer write is never disturbed). Every step is idempotent.
   */
  private async flush(item: CaseItem): Promise<void> {
    const pending = item.pending;
    if (!pending) return;
    const caseId = item.record.caseId;
    await this.batchPut(pending.events.map((e) => ({ ...eventKey(caseId, e.seq), type: 'event', event: e })));
    if (pending.syncLinks) await this.syncLinks(item.record);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: caseKey(caseId),
          UpdateExpression: 'REMOVE #pending',
          ConditionExpression: '#version = :v AND attribute_exists(#pending)',
          ExpressionAttributeNames: { '#pending': 'pending', '#version': 'version' },
          ExpressionAttributeValues: { ':v': item.version },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err; // someone else finished it
    }
  }

  /** The DEPTLINK item that puts the case in `department`'s queue (a pointer: the case is read from its own item). */
  private linkItem(record: CaseRecord, department: string): Record<string, unknown> {
    const attrs = this.queueAttributes(record);
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

  /** DEPTLINK items carry the record's version; older flushes never overwrite or delete newer links. */
  private async syncLinks(record: CaseRecord): Promise<void> {
    const wanted = linkedDepartments(record);
    await Promise.all(
      wanted.map(async (department) => {
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: this.linkItem(record, department),
              ConditionExpression: 'attribute_not_exists(pk) OR #version <= :v',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':v': record.version },
            }),
          );
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      }),
    );
    const existing = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(record.caseId).pk, ':prefix': CASE_SK.deptLink },
      ConsistentRead: true,
    });
    const stale = existing.filter((l) => !wanted.includes(String(l.department)));
    await Promise.all(
      stale.map(async (l) => {
        try {
          await this.doc.send(
            new DeleteCommand({
              TableName: this.tableName,
              Key: { pk: l.pk, sk: l.sk },
              ConditionExpression: '#version < :v',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':v': record.version },
            }),
          );
        } catch (err) {
          if (!isConditionFailure(err)) throw err;
        }
      }),
    );
  }

  private async batchPut(items: Record<string, unknown>[]): Promise<void> {
    await batchWriteAll(this.doc, this.tableName, items.map((Item) => ({ PutRequest: { Item } })));
  }

  // -------------------------------------------------------------------------------------------- reads

  async get(caseId: string): Promise<CaseRecord | undefined> {
    const item = await this.getCaseItem(caseId);
    if (!item) return undefined;
    if (item.pending) await this.flush(item);
    this.remember(item.record);
    return item.record;
  }

  /**
   * Several cases in one BatchGetItem per 100 (consistent reads), each as `get` returns it (a pending event
   * flush is completed first). Missing cases are absent from the map.
   */
  async getMany(caseIds: readonly string[]): Promise<Map<string, CaseRecord>> {
    const out = new Map<string, CaseRecord>();
    for (const [id, item] of await this.batchGetCaseItems(caseIds)) {
      if (item.pending) await this.flush(item);
      this.remember(item.record);
      out.set(id, item.record);
    }
    return out;
  }

  private async batchGetCaseItems(caseIds: readonly string[]): Promise<Map<string, CaseItem>> {
    const found = new Map<string, CaseItem>();
    const keys = [...new Set(caseIds)].map((id) => ({ ...caseKey(id) }));
    for (const raw of await batchGetAll(this.doc, this.tableName, keys, { consistentRead: true })) {
      const item = this.parseCaseItem(raw);
      found.set(item.record.caseId, item);
    }
    return found;
  }

  private async getCaseItem(caseId: string): Promise<CaseItem | undefined> {
    const Key = caseKey(caseId);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
    return Item ? this.parseCaseItem(Item) : undefined;
  }

  private parseCaseItem(raw: Record<string, unknown>): CaseItem {
    const key = { pk: String(raw.pk), sk: String(raw.sk) };
    const rawRecord = decoded(raw.record);
    if (!rawRecord.ok) throw new StoredItemCorruptError(key, ['record']);
    const record = CaseRecord.safeParse(rawRecord.value);
    if (!record.success) throw new StoredItemCorruptError(key, record.error.issues.map((i) => ['record', ...i.path].join('.')));
    if (typeof raw.version !== 'number' || raw.version !== record.data.version) throw new StoredItemCorruptError(key, ['version']);
    let pending: PendingWork | undefined;
    if (raw.pending !== undefined) {
      const rawPending = decoded(raw.pending);
      if (!rawPending.ok) throw new StoredItemCorruptError(key, ['pending']);
      const p = z.object({ events: z.array(TimelineEvent), syncLinks: z.boolean() }).safeParse(rawPending.value);
      if (!p.success) throw new StoredItemCorruptError(key, p.error.issues.map((i) => ['pending', ...i.path].join('.')));
      pending = p.data;
    }
    return { ...raw, ...key, type: 'case', version: raw.version, record: record.data, pending };
  }

  async timeline(caseId: string): Promise<TimelineEvent[]> {
    // Reading the case first completes a pending flush, so the timeline has no gap.
    if (!(await this.get(caseId))) return [];
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': CASE_SK.event },
      ConsistentRead: true,
      ScanIndexForward: true,
    });
    return items.map((it) => {
      const e = TimelineEvent.safeParse(it.event);
      if (!e.success) throw new StoredItemCorruptError({ pk: String(it.pk), sk: String(it.sk) }, e.error.issues.map((i) => ['event', ...i.path].join('.')));
      return e.data;
    });
  }

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
    for (const [id, item] of await this.batchGetCaseItems(linkIds)) linked.set(id, item.record);
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
        record = this.parseCaseItem(h).record;
      }
      if (seen.has(record.caseId)) continue;
      seen.add(record.caseId);
      records.push(record);
    }
    return records;
  }

  private async queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey }));
      items.push(...(out.Items ?? []));
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }

  // -------------------------------------------------------------------------------------------- audit

  async audit(entry: AuditEntry): Promise<void> {
    const parsed = AuditEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: '审计记录不符合格式要求。', code: i.code })));
    }
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...auditKey(entry.caseId, entry.at, randomUUID()), type: 'audit', entry: plain(parsed.data) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async auditTrail(caseId: string): Promise<AuditEntry[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': CASE_SK.audit },
      ConsistentRead: true,
    });
    return items.map((it) => {
      const e = AuditEntrySchema.safeParse(it.entry);
      if (!e.success) throw new StoredItemCorruptError({ pk: String(it.pk), sk: String(it.sk) }, e.error.issues.map((i) => ['entry', ...i.path].join('.')));
      return e.data;
    });
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
