/**
 * CaseStore on SQLite (the embedded runtime), made of parts that each do one job (issue 16, item 2), in
 * shared/adapters/local/sqlite/case-store/:
 *   claims.ts      source claims and tracking numbers
 *   repository.ts  case rows, timeline events, department links, evaluation facts (one transaction per change)
 *   queries.ts     queues and listings, keyset cursors
 *   audit.ts       the audit trail
 *   records.ts     record validation and numbering, department links
 * This class only puts them behind the CaseStore port. With `facts` no EvaluationRecordingStore is needed around it
 * (the DynamoDB adapter's `pending` marker does not exist here, and `deferFlush` changes nothing).
 */
import type { CaseRecord, TimelineEvent } from '../../../domain/case';
import type { AuditEntry, CasePage, CaseQuery, CaseStore, NewEvent, SourceClaim } from '../../../ports';
import type { Db } from './db';
import type { StoreStats } from './stats';
import type { SqliteEvaluationFactStore } from './evaluation-facts';
import { newStoreStats } from './stats';
import { SqliteCaseAudit } from './case-store/audit';
import { SqliteSourceClaims } from './case-store/claims';
import { SqliteCaseQueries } from './case-store/queries';
import { SqliteCaseRepository } from './case-store/repository';

export { trackingCounterName } from './case-store/claims';

export interface SqliteCaseStoreOptions {
  /** Source claims without a case older than this may be taken over (default 10 minutes). */
  defaultStaleAfterMs?: number;
  stats?: StoreStats;
  /** Record evaluation facts (art. 17, art. 20) in the transaction of each case write. */
  facts?: SqliteEvaluationFactStore;
}

export class SqliteCaseStore implements CaseStore {
  readonly stats: StoreStats;
  private readonly claims: SqliteSourceClaims;
  private readonly cases: SqliteCaseRepository;
  private readonly queries: SqliteCaseQueries;
  private readonly audits: SqliteCaseAudit;

  constructor(db: Db, opts: SqliteCaseStoreOptions = {}) {
    this.stats = opts.stats ?? newStoreStats();
    this.claims = new SqliteSourceClaims(db, this.stats, opts.defaultStaleAfterMs ?? 10 * 60_000);
    this.cases = new SqliteCaseRepository(db, this.stats, opts.facts);
    this.queries = new SqliteCaseQueries(db, this.stats);
    this.audits = new SqliteCaseAudit(db, this.stats);
  }

  claimSource(key: string, at: string, opts?: { staleAfterMs?: number }): Promise<SourceClaim> {
    return this.claims.claimSource(key, at, opts);
  }

  bindSource(key: string, caseId: string): Promise<void> {
    return this.claims.bindSource(key, caseId);
  }

  allocateTrackingNo(jurisdiction: string, shanghaiDate: string): Promise<string> {
    return this.claims.allocateTrackingNo(jurisdiction, shanghaiDate);
  }

  create(record: CaseRecord, events: NewEvent[]): Promise<CaseRecord> {
    return this.cases.create(record, events);
  }

  update(record: CaseRecord, expectedVersion: number, events: NewEvent[]): Promise<CaseRecord> {
    return this.cases.update(record, expectedVersion, events);
  }

  /**
   * Migration only (migrate-from-dynamodb.ts): stores a case as it was, with its numbered timeline and audit
   * trail, in one transaction. False (nothing written) when the case is already here, so a rerun changes nothing.
   */
  importCase(record: CaseRecord, events: readonly TimelineEvent[], audit: readonly AuditEntry[]): boolean {
    return this.cases.importCase(record, events, audit);
  }

  get(caseId: string): Promise<CaseRecord | undefined> {
    return this.cases.get(caseId);
  }

  getMany(caseIds: readonly string[]): Promise<Map<string, CaseRecord>> {
    return this.cases.getMany(caseIds);
  }

  timeline(caseId: string): Promise<TimelineEvent[]> {
    return this.cases.timeline(caseId);
  }

  query(q: CaseQuery): Promise<CasePage> {
    return this.queries.query(q);
  }

  audit(entry: AuditEntry): Promise<void> {
    return this.audits.audit(entry);
  }

  auditTrail(caseId: string): Promise<AuditEntry[]> {
    return this.audits.auditTrail(caseId);
  }
}
