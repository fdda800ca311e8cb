/**
 * EvaluationFactStore on SQLite: one row per fact, keyed by jurisdiction, quarter and fact id (as the DynamoDB
 * partition and sort key). A fact written again with the same content is not rewritten.
 */
import { EvaluationFact, factId } from '../../../domain/evaluation/facts';
import type { FactKey } from '../../../domain/evaluation/facts';
import type { EvaluationFactStore, QuarterFacts } from '../../../ports/evaluation-facts';
import type { Db } from './db';
import type { StoreStats } from './stats';
import { newStoreStats } from './stats';

export class SqliteEvaluationFactStore implements EvaluationFactStore {
  readonly stats: StoreStats;
  private readonly s;
  private readonly putAll;
  private readonly removeAll;

  constructor(
    private readonly db: Db,
    opts: { stats?: StoreStats } = {},
  ) {
    this.stats = opts.stats ?? newStoreStats();
    this.s = {
      put: db.prepare(
        'INSERT INTO evaluation_facts (jurisdiction, quarter, id, fact) VALUES (?, ?, ?, ?) ON CONFLICT (jurisdiction, quarter, id) DO UPDATE SET fact = excluded.fact WHERE fact <> excluded.fact',
      ),
      remove: db.prepare('DELETE FROM evaluation_facts WHERE jurisdiction = ? AND quarter = ? AND id = ?'),
      quarter: db.prepare<[string, string], { id: string; fact: string }>('SELECT id, fact FROM evaluation_facts WHERE jurisdiction = ? AND quarter = ? ORDER BY id'),
      sent: db.prepare<[string, string], { at: string; message_id: string }>('SELECT at, message_id FROM evaluation_reports_sent WHERE jurisdiction = ? AND quarter = ?'),
      markSent: db.prepare(
        'INSERT INTO evaluation_reports_sent (jurisdiction, quarter, at, message_id) VALUES (?, ?, ?, ?) ON CONFLICT (jurisdiction, quarter) DO UPDATE SET at = excluded.at, message_id = excluded.message_id',
      ),
    };
    this.putAll = db.transaction((facts: readonly EvaluationFact[]) => {
      let changed = 0;
      for (const f of facts) changed += this.s.put.run(f.jurisdiction, f.quarter, factId(f), JSON.stringify(f)).changes;
      return changed;
    });
    this.removeAll = db.transaction((keys: readonly FactKey[]) => {
      for (const k of keys) this.s.remove.run(k.jurisdiction, k.quarter, k.id);
    });
  }

  async put(facts: readonly EvaluationFact[]): Promise<void> {
    this.stats.calls++;
    if (facts.length === 0) return;
    if (this.putAll(facts) > 0) this.stats.transactions++;
  }

  async remove(keys: readonly FactKey[]): Promise<void> {
    this.stats.calls++;
    if (keys.length === 0) return;
    this.removeAll(keys);
    this.stats.transactions++;
  }

  /**
   * Inside another transaction of the same database (the case store's): writes the facts that changed and
   * deletes the retracted ones, with no transaction of its own. Returns the rows changed.
   */
  writeWithin(put: readonly EvaluationFact[], remove: readonly FactKey[]): number {
    let changed = 0;
    for (const f of put) changed += this.s.put.run(f.jurisdiction, f.quarter, factId(f), JSON.stringify(f)).changes;
    for (const k of remove) changed += this.s.remove.run(k.jurisdiction, k.quarter, k.id).changes;
    return changed;
  }

  async quarter(jurisdiction: string, quarter: string): Promise<QuarterFacts> {
    this.stats.calls++;
    const result: QuarterFacts = { facts: [], itemsRead: 0, skipped: [] };
    for (const row of this.s.quarter.all(jurisdiction, quarter)) {
      result.itemsRead += 1;
      let raw: unknown;
      try {
        raw = JSON.parse(row.fact);
      } catch {
        result.skipped.push({ id: row.id, problem: 'not JSON' });
        continue;
      }
      const parsed = EvaluationFact.safeParse(raw);
      if (parsed.success) result.facts.push(parsed.data);
      else result.skipped.push({ id: row.id, problem: parsed.error.issues.map((i) => i.path.join('.')).join(', ') });
    }
    return result;
  }

  async reportSent(jurisdiction: string, quarter: string): Promise<{ at: string; messageId: string } | undefined> {
    this.stats.calls++;
    const row = this.s.sent.get(jurisdiction, quarter);
    return row ? { at: row.at, messageId: row.message_id } : undefined;
  }

  async markReportSent(jurisdiction: string, quarter: string, at: string, messageId: string): Promise<void> {
    this.stats.calls++;
    this.s.markSent.run(jurisdiction, quarter, at, messageId);
    this.stats.transactions++;
  }
}
