/** EvaluationDecisionStore in memory (tests and single-run tools). */
import type { EvaluationDecision } from '../../domain/evaluation/decisions';
import { DecisionConflictError } from '../../ports/evaluation-decisions';
import type { EvaluationDecisionStore } from '../../ports/evaluation-decisions';

export class MemoryEvaluationDecisionStore implements EvaluationDecisionStore {
  private readonly items = new Map<string, string>();

  async get(jurisdiction: string, id: string): Promise<EvaluationDecision | undefined> {
    const raw = this.items.get(`${jurisdiction}#${id}`);
    return raw ? (JSON.parse(raw) as EvaluationDecision) : undefined;
  }

  async quarter(jurisdiction: string, quarter: string): Promise<EvaluationDecision[]> {
    return [...this.items.values()]
      .map((raw) => JSON.parse(raw) as EvaluationDecision)
      .filter((d) => d.jurisdiction === jurisdiction && d.quarter === quarter)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async save(decision: EvaluationDecision): Promise<void> {
    const key = `${decision.jurisdiction}#${decision.id}`;
    const stored = this.items.get(key);
    const storedRevision = stored ? (JSON.parse(stored) as EvaluationDecision).revision : 0;
    if (storedRevision !== decision.revision - 1) throw new DecisionConflictError(decision.id);
    this.items.set(key, JSON.stringify(decision));
  }
}
