/**
 * Dead letters on the single table (docs/data-model.md): item `DLQ#<id>` / `DLQ`; listing through gsi1 with the
 * owner's own prefix: `DLQ#<jurisdiction>#<status>` / `<at UTC>#<id>`.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeadLetter } from '../../domain/dead-letter';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { GSI, PK_PREFIX } from './table';
import type { DeadLetterPage, DeadLetterStore } from '../../ports/dead-letters';

const SK = 'DLQ';
const listPk = (jurisdiction: string, status: DeadLetter['status']) => `${PK_PREFIX.deadLetter}${jurisdiction}#${status}`;
const sortable = (iso: string) => new Date(Date.parse(iso)).toISOString();

/** The dead-letter store on the single table (works on AWS and on dynalite: Get, Put, Update, Query only). */
export class DynamoDeadLetterStore implements DeadLetterStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private key(id: string) {
    return { pk: `${PK_PREFIX.deadLetter}${id}`, sk: SK };
  }

  private item(e: DeadLetter): Record<string, unknown> {
    return {
      ...this.key(e.id),
      type: 'deadletter',
      entry: JSON.parse(JSON.stringify(e)) as unknown,
      [GSI.phaseQueue.partitionKey]: listPk(e.jurisdiction, e.status),
      [GSI.phaseQueue.sortKey]: `${sortable(e.firstFailedAt)}#${e.id}`,
    };
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.key(id), ConsistentRead: true }));
    if (!Item) return undefined;
    const parsed = DeadLetter.safeParse(Item.entry);
    if (!parsed.success) throw new Error(`dead letter ${id} is corrupt: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    return parsed.data;
  }

  /** Read-modify-write conditional on `attempts` (the only counter), so concurrent writers do not lose a bump. */
  private async write(next: DeadLetter, expectedAttempts: number | undefined): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: this.item(DeadLetter.parse(next)),
        ...(expectedAttempts === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: '#entry.#attempts = :a', ExpressionAttributeNames: { '#entry': 'entry', '#attempts': 'attempts' }, ExpressionAttributeValues: { ':a': expectedAttempts } }),
      }),
    );
  }

  private async change(id: string, fn: (old: DeadLetter | undefined) => DeadLetter): Promise<DeadLetter> {
    for (let attempt = 0; ; attempt++) {
      const old = await this.get(id);
      const next = fn(old);
      try {
        await this.write(next, old?.attempts);
        return next;
      } catch (err) {
        if (!(err instanceof Error && err.name === 'ConditionalCheckFailedException') || attempt >= 4) throw err;
      }
    }
  }

  record(entry: Omit<DeadLetter, 'attempts' | 'status' | 'lastAttemptAt'> & { at: string }): Promise<DeadLetter> {
    const { at, ...rest } = entry;
    return this.change(entry.id, (old) =>
      old
        ? { ...old, attempts: old.attempts + 1, lastAttemptAt: at, error: entry.error, status: 'open', ...(entry.payload ? { payload: entry.payload } : {}) }
        : { ...rest, status: 'open', attempts: 1, lastAttemptAt: at },
    );
  }

  resolve(id: string, at: string, resolution: NonNullable<DeadLetter['resolution']>): Promise<DeadLetter> {
    return this.change(id, (old) => {
      if (!old) throw new NotFoundError(`未找到死信 ${id}。`);
      return { ...old, status: 'resolved', resolvedAt: at, lastAttemptAt: at, resolution };
    });
  }

  retried(id: string, at: string, error: DeadLetter['error']): Promise<DeadLetter> {
    return this.change(id, (old) => {
      if (!old) throw new NotFoundError(`未找到死信 ${id}。`);
      return { ...old, attempts: old.attempts + 1, lastAttemptAt: at, error };
    });
  }

  async list(q: { jurisdiction: string; status?: DeadLetter['status']; limit?: number; cursor?: string }): Promise<DeadLetterPage> {
    const limit = q.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ValidationError([{ field: 'limit', code: 'invalid_limit', message: '每页条数应为 1 到 500 之间的整数。' }]);
    let start: Record<string, unknown> | undefined;
    if (q.cursor) {
      try {
        start = JSON.parse(Buffer.from(q.cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        throw new ValidationError([{ field: 'cursor', code: 'invalid_cursor', message: '分页标记无效，请从第一页重新查询。' }]);
      }
    }
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: GSI.phaseQueue.indexName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI.phaseQueue.partitionKey },
        ExpressionAttributeValues: { ':pk': listPk(q.jurisdiction, q.status ?? 'open') },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const items = (out.Items ?? []).map((it) => DeadLetter.parse(it.entry));
    return { items, ...(out.LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey)).toString('base64url') } : {}) };
  }

  /** For tests: removes an entry. */
  async delete(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(id) }));
  }
}
