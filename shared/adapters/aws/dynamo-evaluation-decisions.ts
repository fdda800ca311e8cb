/**
 * EvaluationDecisionStore on the single table (AWS): one item per art. 20 decision under
 * pk `EVALDEC#<jurisdiction>#<YYYYQn>`, sk `<decision id>` (the id begins with its quarter), the decision whole in
 * `decision`, written with a condition on the revision it replaces. A quarter's decisions are one Query.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EvaluationDecision } from '../../domain/evaluation/decisions';
import { DecisionConflictError } from '../../ports/evaluation-decisions';
import type { EvaluationDecisionStore } from '../../ports/evaluation-decisions';
import { PK_PREFIX } from './table';

const pkOf = (jurisdiction: string, quarter: string) => `${PK_PREFIX.evaluationDecision}${jurisdiction}#${quarter}`;
const quarterOfId = (id: string) => id.slice(0, 6);

export class DynamoEvaluationDecisionStore implements EvaluationDecisionStore {
  private readonly doc: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(opts: { doc: DynamoDBDocumentClient; tableName: string }) {
    this.doc = opts.doc;
    this.tableName = opts.tableName;
  }

  async get(jurisdiction: string, id: string): Promise<EvaluationDecision | undefined> {
    if (!/^\d{4}Q[1-4]-/.test(id)) return undefined;
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: pkOf(jurisdiction, quarterOfId(id)), sk: id }, ConsistentRead: true }));
    return Item ? (JSON.parse(Item.decision as string) as EvaluationDecision) : undefined;
  }

  async quarter(jurisdiction: string, quarter: string): Promise<EvaluationDecision[]> {
    const out: EvaluationDecision[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': pkOf(jurisdiction, quarter) },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const i of r.Items ?? []) out.push(JSON.parse(i.decision as string) as EvaluationDecision);
      start = r.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.id.localeCompare(b.id));
  }

  async save(d: EvaluationDecision): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: pkOf(d.jurisdiction, d.quarter), sk: d.id, type: 'eval_decision', revision: d.revision, decision: JSON.stringify(d) },
          ...(d.revision === 1 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'revision = :previous', ExpressionAttributeValues: { ':previous': d.revision - 1 } }),
        }),
      );
    } catch (err) {
      if (err instanceof Error && err.name === 'ConditionalCheckFailedException') throw new DecisionConflictError(d.id);
      throw err;
    }
  }
}
