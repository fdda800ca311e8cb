/** The audit trail of a case on SQLite (every staff read and action). */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../../../domain/errors';
import type { AuditEntry } from '../../../../ports';
import { toSortableInstant } from '../../../aws/table';
import type { Db } from '../db';
import type { StoreStats } from '../stats';
import { plain } from './records';
import { AuditEntrySchema } from '../../../case-records';

export class SqliteCaseAudit {
  private readonly s;

  constructor(
    db: Db,
    private readonly stats: StoreStats,
  ) {
    this.s = {
      audit: db.prepare('INSERT INTO audit (case_id, at_sk, id, entry) VALUES (?, ?, ?, ?)'),
      auditTrail: db.prepare<[string], { entry: string }>('SELECT entry FROM audit WHERE case_id = ? ORDER BY at_sk, id'),
    };
  }

  async audit(entry: AuditEntry): Promise<void> {
    this.stats.calls++;
    const parsed = AuditEntrySchema.safeParse(entry);
    if (!parsed.success) {
      throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: '审计记录不符合格式要求。', code: i.code })));
    }
    this.s.audit.run(entry.caseId, toSortableInstant(entry.at), randomUUID(), JSON.stringify(plain(parsed.data)));
    this.stats.transactions++;
  }

  async auditTrail(caseId: string): Promise<AuditEntry[]> {
    this.stats.calls++;
    return this.s.auditTrail.all(caseId).map((r) => JSON.parse(r.entry) as AuditEntry);
  }
}
