/**
 * The reconciler's ClaimSource on SQLite: every source claim, in key order, read in pages (a statement left
 * open across an await would keep the connection busy for every other adapter).
 */
import type { ClaimRecord, ClaimSource } from '../../../services/reconcile';
import type { Db } from './db';

const PAGE = 500;

export class SqliteClaimSource implements ClaimSource {
  private readonly page;

  constructor(db: Db) {
    this.page = db.prepare<[string, number], { source_key: string; claimed_at: string; case_id: string | null }>(
      'SELECT source_key, claimed_at, case_id FROM sources WHERE source_key > ? ORDER BY source_key LIMIT ?',
    );
  }

  async *claims(): AsyncIterable<ClaimRecord> {
    let after = '';
    for (;;) {
      const rows = this.page.all(after, PAGE);
      for (const r of rows) yield { sourceKey: r.source_key, claimedAt: r.claimed_at, ...(r.case_id ? { caseId: r.case_id } : {}) };
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1]!.source_key;
    }
  }
}
