/**
 * EvaluationFactStore: where evaluation facts (art. 17, art. 20) live, one partition per jurisdiction and
 * Shanghai quarter. A report reads its quarter's partition only; nothing scans all cases.
 * Implementation: shared/adapters/aws/dynamo-evaluation-facts.ts (DynamoDB on AWS, dynalite locally).
 */
import type { EvaluationFact, FactKey } from '../domain/evaluation/facts';

export interface QuarterFacts {
  facts: EvaluationFact[];
  /** Items read from the store (facts plus bookkeeping items of the partition). */
  itemsRead: number;
  /** Items that failed validation and were left out (their keys, never their content). */
  skipped: { id: string; problem: string }[];
}

export interface EvaluationFactStore {
  /** Writes facts; the same fact written twice is the same item (idempotent). */
  put(facts: readonly EvaluationFact[]): Promise<void>;
  /** Deletes facts by key (only an undone merge retracts one). */
  remove(keys: readonly FactKey[]): Promise<void>;
  /** Every fact of one jurisdiction and quarter (`YYYYQn`). */
  quarter(jurisdiction: string, quarter: string): Promise<QuarterFacts>;
  /** When the quarter's report was mailed to the agency, if it was (so a retried schedule does not mail twice). */
  reportSent(jurisdiction: string, quarter: string): Promise<{ at: string; messageId: string } | undefined>;
  markReportSent(jurisdiction: string, quarter: string, at: string, messageId: string): Promise<void>;
}
