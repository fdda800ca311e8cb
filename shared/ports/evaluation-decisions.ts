/**
 * EvaluationDecisionStore: the art. 20 decisions (取消评优评先资格), one per jurisdiction, quarter and respondent,
 * each kept whole with its grounds, objections, notices and history (shared/domain/evaluation/decisions.ts).
 * Adapters: SQLite (shared/adapters/local/sqlite/evaluation-decisions.ts), DynamoDB
 * (shared/adapters/aws/dynamo-evaluation-decisions.ts), memory (shared/adapters/memory/evaluation-decisions.ts);
 * one contract suite (test/contract/evaluation-decisions.contract.test.ts).
 */
import type { EvaluationDecision } from '../domain/evaluation/decisions';

export class DecisionConflictError extends Error {
  override readonly name = 'DecisionConflictError';
  constructor(id: string) {
    super(`evaluation decision ${id} was changed by someone else`);
  }
}

export interface EvaluationDecisionStore {
  get(jurisdiction: string, id: string): Promise<EvaluationDecision | undefined>;
  /** Every decision of one quarter, ordered by id. */
  quarter(jurisdiction: string, quarter: string): Promise<EvaluationDecision[]>;
  /**
   * Writes the decision if the stored one still has revision `decision.revision - 1` (none stored for revision 1);
   * otherwise DecisionConflictError, and nothing is written.
   */
  save(decision: EvaluationDecision): Promise<void>;
}
