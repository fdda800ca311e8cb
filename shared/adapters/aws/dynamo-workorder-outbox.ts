/**
 * WorkOrderOutbox on the single table (AWS, art. 7(2); docs/data-model.md):
 *
 * - a report: `WORKORDER#<report id>` / `WORKORDER`, the item in `entry`; listed and found due through gsi1
 *   `WORKORDER#<status>` / `<next attempt (pending) or queued at, UTC>#<id>`;
 * - the mark of a changed work-order case: `WOMARK#<caseId>` / `WOMARK` with its token, listed through gsi1
 *   `WOMARK` / `<at UTC>#<caseId>`.
 *
 * gsi1 is eventually consistent: `due` reads each candidate again (consistent) and keeps it only while still
 * pending and due, so a report just delivered is not posted twice by the next run (the receiver dedupes anyway).
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxStatus, WorkOrderOutbox, WorkOrderOutboxItem } from '../../ports/workorder-outbox';
import { GSI } from './table';

const REPORT = 'WORKORDER#';
const REPORT_SK = 'WORKORDER';
const MARK = 'WOMARK#';
const MARK_SK = 'WOMARK';
const MARK_LIST = 'WOMARK';
const sortable = (iso: string) => new Date(Date.parse(iso)).toISOString();
const STATUSES: readonly OutboxStatus[] = ['pending', 'delivered', 'dead'];
const conditionFailed = (err: unknown) => err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class DynamoWorkOrderOutbox implements WorkOrderOutbox {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(opts: { doc: DynamoDBDocumentClient; tableName: string }) {
    this.doc = opts.doc;
    this.tableName = opts.tableName;
  }

  private item(x: WorkOrderOutboxItem): Record<string, unknown> {
    const at = x.status === 'pending' ? x.nextAttemptAt : x.queuedAt;
    return {
      pk: `${REPORT}${x.report.id}`,
      sk: REPORT_SK,
      type: 'workorder_report',
      entry: JSON.parse(JSON.stringify(x)) as unknown,
      [GSI.phaseQueue.partitionKey]: `${REPORT}${x.status}`,
      [GSI.phaseQueue.sortKey]: `${sortable(at)}#${x.report.id}`,
    };
  }

  async add(item: WorkOrderOutboxItem): Promise<boolean> {
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(item), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  async get(id: string): Promise<WorkOrderOutboxItem | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `${REPORT}${id}`, sk: REPORT_SK }, ConsistentRead: true }));
    return Item ? (Item.entry as WorkOrderOutboxItem) : undefined;
  }

  async put(item: WorkOrderOutboxItem): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: this.item(item) }));
  }

  private async query(pk: string, opts: { upTo?: string; limit?: number } = {}): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: GSI.phaseQueue.indexName,
          KeyConditionExpression: opts.upTo ? '#p = :p AND #s <= :s' : '#p = :p',
          ExpressionAttributeNames: { '#p': GSI.phaseQueue.partitionKey, ...(opts.upTo ? { '#s': GSI.phaseQueue.sortKey } : {}) },
          ExpressionAttributeValues: { ':p': pk, ...(opts.upTo ? { ':s': opts.upTo } : {}) },
          ...(opts.limit ? { Limit: opts.limit - out.length } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start && (!opts.limit || out.length < opts.limit));
    return out;
  }

  async due(now: string, limit: number): Promise<WorkOrderOutboxItem[]> {
    const t = Date.parse(now);
    const candidates = await this.query(`${REPORT}pending`, { upTo: `${sortable(now)}#\uffff`, limit });
    const out: WorkOrderOutboxItem[] = [];
    for (const c of candidates) {
      const fresh = await this.get((c.entry as WorkOrderOutboxItem).report.id);
      if (fresh?.status === 'pending' && Date.parse(fresh.nextAttemptAt) <= t) out.push(fresh);
    }
    return out.sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.report.id.localeCompare(b.report.id));
  }

  async list(status?: OutboxStatus): Promise<WorkOrderOutboxItem[]> {
    const out: WorkOrderOutboxItem[] = [];
    for (const s of status ? [status] : STATUSES) out.push(...(await this.query(`${REPORT}${s}`)).map((i) => i.entry as WorkOrderOutboxItem));
    return out;
  }

  async markCase(caseId: string, token: string, at: string): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `${MARK}${caseId}`, sk: MARK_SK, type: 'workorder_mark', caseId, token, at, [GSI.phaseQueue.partitionKey]: MARK_LIST, [GSI.phaseQueue.sortKey]: `${sortable(at)}#${caseId}` },
      }),
    );
  }

  async markedCases(limit: number): Promise<{ caseId: string; token: string; at: string }[]> {
    return (await this.query(MARK_LIST, { limit })).map((i) => ({ caseId: i.caseId as string, token: i.token as string, at: i.at as string }));
  }

  async clearMark(caseId: string, token: string): Promise<void> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: `${MARK}${caseId}`, sk: MARK_SK },
          ConditionExpression: '#t = :t',
          ExpressionAttributeNames: { '#t': 'token' },
          ExpressionAttributeValues: { ':t': token },
        }),
      );
    } catch (err) {
      if (!conditionFailed(err)) throw err;
    }
  }
}
