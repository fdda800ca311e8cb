/** The per-user "not before" record of staff token revocation (shared/auth/revocation.ts) in the single table. */
import type { StaffRevocations } from '../../ports/staff-auth';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PK_PREFIX, TTL_ATTRIBUTE } from './table';

const REVOKED_SK = 'REVOKED';
/** Longer than any token lives (the console's ID tokens: 1 hour), so the record can expire by TTL. */
const KEEP_SECONDS = 24 * 60 * 60;

export class DynamoStaffRevocations implements StaffRevocations {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async notBefore(username: string): Promise<number | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: `${PK_PREFIX.user}${username}`, sk: REVOKED_SK }, ConsistentRead: true }));
    const v = out.Item?.notBefore;
    return typeof v === 'number' ? v : undefined;
  }

  async revoke(username: string, atMs: number): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `${PK_PREFIX.user}${username}`, sk: REVOKED_SK, type: 'staff_revocation', notBefore: atMs, [TTL_ATTRIBUTE]: Math.floor(atMs / 1000) + KEEP_SECONDS },
      }),
    );
  }
}
