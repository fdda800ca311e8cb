/**
 * EvaluationDecisionStore on SQLite (the embedded runtime): one row per art. 20 decision, the decision whole as
 * JSON, written only over the revision it replaces. A side table created here (`IF NOT EXISTS`, as the 12345
 * outbox's): no other adapter reads it, and an older file gains it on first open.
 */
import type { EvaluationDecision } from '../../../domain/evaluation/decisions';
import { DecisionConflictError } from '../../../ports/evaluation-decisions';
import type { EvaluationDecisionStore } from '../../../ports/evaluation-decisions';
import type { Db } from './db';

const DDL = `
  CREATE TABLE IF NOT EXISTS evaluation_decisions (
    jurisdiction TEXT NOT NULL,
    id TEXT NOT NULL,
    quarter TEXT NOT NULL,
    revision INTEGER NOT NULL,
    decision TEXT NOT NULL,
    PRIMARY KEY (jurisdiction, id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS evaluation_decisions_quarter ON evaluation_decisions (jurisdiction, quarter, id);
`;

export class SqliteEvaluationDecisionStore implements EvaluationDecisionStore {
  private readonly s;

  constructor(db: Db) {
    db.exec(DDL);
    this.s = {
      get: db.prepare<[string, string], { decision: string }>('SELECT decision FROM evaluation_decisions WHERE jurisdiction = ? AND id = ?'),
      quarter: db.prepare<[string, string], { decision: string }>('SELECT decision FROM evaluation_decisions WHERE jurisdiction = ? AND quarter = ? ORDER BY id'),
      insert: db.prepare('INSERT INTO evaluation_decisions (jurisdiction, id, quarter, revision, decision) VALUES (?, ?, ?, ?, ?) ON CONFLICT (jurisdiction, id) DO NOTHING'),
      update: db.prepare('UPDATE evaluation_decisions SET revision = ?, decision = ? WHERE jurisdiction = ? AND id = ? AND revision = ?'),
    };
  }

  async get(jurisdiction: string, id: string): Promise<EvaluationDecision | undefined> {
    const r = this.s.get.get(jurisdiction, id);
    return r && (JSON.parse(r.decision) as EvaluationDecision);
  }

  async quarter(jurisdiction: string, quarter: string): Promise<EvaluationDecision[]> {
    return this.s.quarter.all(jurisdiction, quarter).map((r) => JSON.parse(r.decision) as EvaluationDecision);
  }

  async save(d: EvaluationDecision): Promise<void> {
    const body = JSON.stringify(d);
    const changes = d.revision === 1 ? this.s.insert.run(d.jurisdiction, d.id, d.quarter, d.revision, body).changes : this.s.update.run(d.revision, body, d.jurisdiction, d.id, d.revision - 1).changes;
    if (changes !== 1) throw new DecisionConflictError(d.id);
  }
}
