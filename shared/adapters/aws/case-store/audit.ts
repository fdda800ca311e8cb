/** The audit trail of a case (every staff read and action): AUDIT# items under the case's partition. */
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../../domain/errors';
import type { AuditEntry } from '../../../ports';
import { CASE_SK, auditKey, caseKey } from '../table';
import { StoredItemCorruptError, plain, queryAll } from './items';
import { AuditEntrySchema } from '../../case-records';

export class DynamoCaseAudit {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

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
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': caseKey(caseId).pk, ':prefix': CASE_SK.audit },
      ConsistentRead: true,
    });
    return items.map((it) => {
      const e = AuditEntrySchema.safeParse(it.entry);
      if (!e.success)
        throw new StoredItemCorruptError(
          { pk: String(it.pk), sk: String(it.sk) },
          e.error.issues.map((i) => ['entry', ...i.path].join('.')),
        );
      return e.data;
    });
  }
}
