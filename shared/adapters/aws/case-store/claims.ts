/**
 * Source claims (one intake per delivered message or form submission) and tracking numbers (an atomic counter per
 * jurisdiction and day) on the single table: the CaseStore's claim half.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Code } from '../../../domain/intake';
import { ConcurrentUpdateError, ValidationError } from '../../../domain/errors';
import type { SourceClaim } from '../../../ports';
import { sourceKey as sourceItemKey, trackingCounterKey } from '../table';
import { isConditionFailure } from './items';

const TRACKING_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class DynamoSourceClaims {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Source claims without a case older than this may be taken over. */
    private readonly defaultStaleAfterMs: number,
  ) {}

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
}
