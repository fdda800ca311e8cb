/**
 * The case repository on the single table: case items, their timeline events, department links and (with `facts`)
 * evaluation facts.
 *
 * A case change is one TransactWriteItems (issue 26): the case item (conditional on its version), its new event
 * items, its department links and the evaluation facts that changed, all or nothing. The `pending` marker protocol
 * remains for a change too large for one transaction (more than 100 items) and for items an earlier version left
 * pending: the case item is written with its pending work, the work is done, the marker removed; whoever comes next
 * (a read or a write) completes an interrupted one. dynalite has no transactions: the tests run it with
 * infra/local/dynalite-transactions.cjs.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord } from '../../../domain/case';
import { TimelineEvent } from '../../../domain/case';
import { ConcurrentUpdateError, NotFoundError } from '../../../domain/errors';
import { deriveFacts, factId, retractedFacts } from '../../../domain/evaluation/facts';
import type { NewEvent } from '../../../ports';
import { CASE_SK, caseKey, deptLinkKey, eventKey } from '../table';
import { batchGetAll, batchWriteAll } from '../batch';
import { factItem, factItemKey } from '../dynamo-evaluation-facts';
import type { CaseItem } from './items';
import {
  StoredItemCorruptError,
  TRANSACT_MAX,
  caseConditionFailed,
  isConditionFailure,
  isTransactionConflict,
  linkItem,
  linkedDepartments,
  parseCaseItem,
  queryAll,
  queueAttributes,
  wireItem,
} from './items';
import { prepareCaseWrite } from '../../case-records';

export interface CaseRepositoryOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
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

export class DynamoCaseRepository {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly recordFacts: boolean;
  private readonly onFactError: ((caseId: string, error: unknown) => void) | undefined;
  private readonly cacheSize: number;
  private readonly seen = new Map<string, CaseRecord>();

  constructor(opts: CaseRepositoryOptions) {
    this.doc = opts.doc;
    this.tableName = opts.tableName;
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
          put: wanted.map((d) => linkItem(stored, d)),
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
    const existing = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(c.stored.caseId).pk, ':prefix': CASE_SK.deptLink },
      ConsistentRead: true,
    });
    c.links = {
      put: wanted.map((d) => linkItem(c.stored, d)),
      del: existing.filter((l) => !wanted.includes(String(l.department))).map((l) => ({ pk: String(l.pk), sk: String(l.sk) })),
    };
  }

  private fitsOneTransaction(c: ChangeWrite): boolean {
    if (!c.links) return false;
    return 1 + c.events.length + c.links.put.length + c.links.del.length + c.facts.put.length + c.facts.del.length <= TRANSACT_MAX;
  }

  /** One change in one TransactWriteItems; the case item first (its condition is the one that can fail). */
  private async transact(
    c: ChangeWrite,
    condition: { ConditionExpression: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> },
  ): Promise<void> {
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
    const { stored, numbered } = prepareCaseWrite(record, version, events);
    const syncLinks = stored.assignments.length > 0;
    const item: CaseItem = {
      ...caseKey(stored.caseId),
      type: 'case',
      version,
      record: stored,
      ...queueAttributes(stored),
      ...(numbered.length > 0 || syncLinks ? { pending: { events: numbered, syncLinks } } : {}),
    };
    return { item, stored };
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

  /** DEPTLINK items carry the record's version; older flushes never overwrite or delete newer links. */
  private async syncLinks(record: CaseRecord): Promise<void> {
    const wanted = linkedDepartments(record);
    await Promise.all(
      wanted.map(async (department) => {
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: linkItem(record, department),
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
    const existing = await queryAll(this.doc, {
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
    await batchWriteAll(
      this.doc,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
    );
  }

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

  async batchGetCaseItems(caseIds: readonly string[]): Promise<Map<string, CaseItem>> {
    const found = new Map<string, CaseItem>();
    const keys = [...new Set(caseIds)].map((id) => ({ ...caseKey(id) }));
    for (const raw of await batchGetAll(this.doc, this.tableName, keys, { consistentRead: true })) {
      const item = parseCaseItem(raw);
      found.set(item.record.caseId, item);
    }
    return found;
  }

  private async getCaseItem(caseId: string): Promise<CaseItem | undefined> {
    const Key = caseKey(caseId);
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key, ConsistentRead: true }));
    return Item ? parseCaseItem(Item) : undefined;
  }

  async timeline(caseId: string): Promise<TimelineEvent[]> {
    // Reading the case first completes a pending flush, so the timeline has no gap.
    if (!(await this.get(caseId))) return [];
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': CASE_SK.event },
      ConsistentRead: true,
      ScanIndexForward: true,
    });
    return items.map((it) => {
      const e = TimelineEvent.safeParse(it.event);
      if (!e.success)
        throw new StoredItemCorruptError(
          { pk: String(it.pk), sk: String(it.sk) },
          e.error.issues.map((i) => ['event', ...i.path].join('.')),
        );
      return e.data;
    });
  }
}
