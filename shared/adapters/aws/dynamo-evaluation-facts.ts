/**
 * EvaluationFactStore on the single table (docs/evaluation.md, docs/data-model.md): fact items under
 * pk `EVAL#<jurisdiction>#<YYYYQn>`, sk `<kind>#<caseId>` (`overdue#<clock>#<caseId>` for overdue marks).
 * Writes with BatchWriteItem (retrying unprocessed items), reads one partition with Query. Works on AWS and on
 * dynalite.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EvaluationFact, factId } from '../../domain/evaluation/facts';
import type { FactKey } from '../../domain/evaluation/facts';
import type { EvaluationFactStore, QuarterFacts } from '../../ports/evaluation-facts';
import { PK_PREFIX } from './table';
import { batchWriteAll } from './batch';

/** Partition of one jurisdiction's quarter. */
export const evaluationPk = (jurisdiction: string, quarter: string): string => `${PK_PREFIX.evaluation}${jurisdiction}#${quarter}`;

/** Bookkeeping item in the quarter's partition: the report was mailed. Sorts after every fact kind. */
export const REPORT_SENT_SK = '~REPORT#SENT';

/** The item of one fact (also written by DynamoCaseStore inside a case write's transaction). */
export const factItem = (f: EvaluationFact): Record<string, unknown> => ({
  ...(JSON.parse(JSON.stringify(f)) as Record<string, unknown>),
  pk: evaluationPk(f.jurisdiction, f.quarter),
  sk: factId(f),
  type: 'eval_fact',
});

/** The key of a fact item. */
export const factItemKey = (k: FactKey): { pk: string; sk: string } => ({ pk: evaluationPk(k.jurisdiction, k.quarter), sk: k.id });

export interface DynamoEvaluationFactStoreOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Parallel BatchWrite requests for large `put` calls (default 8). */
  concurrency?: number;
}

export class DynamoEvaluationFactStore implements EvaluationFactStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly concurrency: number;

  constructor(opts: DynamoEvaluationFactStoreOptions) {
    this.doc = opts.doc;
    this.tableName = opts.tableName;
    this.concurrency = opts.concurrency ?? 8;
  }

  async put(facts: readonly EvaluationFact[]): Promise<void> {
    // One item per key: a batch may not name the same key twice.
    const byKey = new Map<string, Record<string, unknown>>();
    for (const f of facts) {
      const Item = factItem(f);
      byKey.set(`${String(Item.pk)}\u0000${String(Item.sk)}`, { PutRequest: { Item } });
    }
    await this.batchWrite([...byKey.values()]);
  }

  async remove(keys: readonly FactKey[]): Promise<void> {
    await this.batchWrite(keys.map((k) => ({ DeleteRequest: { Key: factItemKey(k) } })));
  }

  private async batchWrite(requests: Record<string, unknown>[]): Promise<void> {
    await batchWriteAll(this.doc, this.tableName, requests, { concurrency: this.concurrency, retries: 10, maxBackoffMs: 2000, what: 'evaluation facts' });
  }

  async quarter(jurisdiction: string, quarter: string): Promise<QuarterFacts> {
    const result: QuarterFacts = { facts: [], itemsRead: 0, skipped: [] };
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': evaluationPk(jurisdiction, quarter) },
          ExclusiveStartKey,
        }),
      );
      for (const item of out.Items ?? []) {
        result.itemsRead += 1;
        if (item.type !== 'eval_fact') continue;
        const { pk: _pk, sk, type: _type, ...rest } = item;
        const parsed = EvaluationFact.safeParse(rest);
        if (parsed.success) result.facts.push(parsed.data);
        else result.skipped.push({ id: String(sk), problem: parsed.error.issues.map((i) => i.path.join('.')).join(', ') });
      }
      ExclusiveStartKey = out.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return result;
  }

  async reportSent(jurisdiction: string, quarter: string): Promise<{ at: string; messageId: string } | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: evaluationPk(jurisdiction, quarter), sk: REPORT_SENT_SK }, ConsistentRead: true }));
    return Item ? { at: String(Item.at), messageId: String(Item.messageId) } : undefined;
  }

  async markReportSent(jurisdiction: string, quarter: string, at: string, messageId: string): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: evaluationPk(jurisdiction, quarter), sk: REPORT_SENT_SK, type: 'eval_report_sent', at, messageId } }));
  }
}
