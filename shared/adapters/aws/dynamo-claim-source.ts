import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ClaimRecord, ClaimSource } from '../../ports/claims';
import { PK_PREFIX } from './table';

/** Claims on the single table: a paginated Scan filtered on the `SRC#` prefix (no index holds claims). */
export class DynamoClaimSource implements ClaimSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *claims(): AsyncIterable<ClaimRecord> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({
          TableName: this.tableName,
          FilterExpression: 'begins_with(pk, :p)',
          ExpressionAttributeValues: { ':p': PK_PREFIX.source },
          ProjectionExpression: 'sourceKey, claimedAt, caseId',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const it of out.Items ?? []) {
        if (typeof it.sourceKey !== 'string' || typeof it.claimedAt !== 'string') continue;
        yield { sourceKey: it.sourceKey, claimedAt: it.claimedAt, ...(typeof it.caseId === 'string' ? { caseId: it.caseId } : {}) };
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }
}
