/**
 * Quarantine items in the single table (docs/data-model.md): pk `QUAR#<id>`, sk `QUAR`; listed per jurisdiction,
 * newest first, through gsi3 (`QUAR#<jurisdiction>` / `<receivedAt>#<id>`), next to the cases of the
 * jurisdiction by receipt (`JUR#…`) but under their own partition value.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GSI, PK_PREFIX } from './table';
import type { QuarantineEntry, QuarantinePage, QuarantineStore } from '../../ports/quarantine';

const SK = 'QUAR';

export class DynamoQuarantineStore implements QuarantineStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(entry: QuarantineEntry): Promise<void> {
    const idx = GSI.jurisdictionByReceipt;
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `${PK_PREFIX.quarantine}${entry.id}`,
          sk: SK,
          [idx.partitionKey]: `${PK_PREFIX.quarantine}${entry.jurisdiction}`,
          [idx.sortKey]: `${entry.receivedAt}#${entry.id}`,
          type: 'quarantine',
          entry,
        },
      }),
    );
  }

  async get(id: string): Promise<QuarantineEntry | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `${PK_PREFIX.quarantine}${id}`, sk: SK } }));
    return (out.Item?.entry as QuarantineEntry | undefined) ?? undefined;
  }

  async list(jurisdiction: string, opts: { limit?: number; cursor?: string } = {}): Promise<QuarantinePage> {
    const idx = GSI.jurisdictionByReceipt;
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: idx.indexName,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': idx.partitionKey },
        ExpressionAttributeValues: { ':p': `${PK_PREFIX.quarantine}${jurisdiction}` },
        ScanIndexForward: false,
        Limit: opts.limit ?? 50,
        ...(opts.cursor ? { ExclusiveStartKey: JSON.parse(Buffer.from(opts.cursor, 'base64url').toString('utf8')) as Record<string, unknown> } : {}),
      }),
    );
    const items = (out.Items ?? []).map((i) => i.entry as QuarantineEntry);
    return {
      items,
      ...(out.LastEvaluatedKey ? { cursor: Buffer.from(JSON.stringify(out.LastEvaluatedKey), 'utf8').toString('base64url') } : {}),
    };
  }
}
