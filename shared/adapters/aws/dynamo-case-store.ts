/**
 * CaseStore on the single DynamoDB table (docs/data-model.md), made of parts that each do one job (issue 16,
 * item 2), in shared/adapters/aws/case-store/:
 *   claims.ts      source claims and tracking numbers
 *   repository.ts  case items, timeline events, department links, evaluation facts (one transaction per change)
 *   queries.ts     queues and listings on the GSIs, cursors
 *   audit.ts       the audit trail
 *   items.ts       the item wire format and what the parts share; document-client.ts the SDK client options
 * This class only puts them behind the CaseStore port.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CaseRecord, TimelineEvent } from '../../domain/case';
import type { AuditEntry, CasePage, CaseQuery, CaseStore, NewEvent, SourceClaim } from '../../ports';
import { DynamoCaseAudit } from './case-store/audit';
import { DynamoSourceClaims } from './case-store/claims';
import { DynamoCaseQueries } from './case-store/queries';
import { DynamoCaseRepository } from './case-store/repository';
import type { CaseRepositoryOptions } from './case-store/repository';

export { createDocumentClient } from './case-store/document-client';
export { StoredItemCorruptError, TRANSACT_MAX, linkedDepartments } from './case-store/items';
export { decodeCursor, encodeCursor } from './case-store/queries';

export interface DynamoCaseStoreOptions extends CaseRepositoryOptions {
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Source claims without a case older than this may be taken over (default 10 minutes). */
  defaultStaleAfterMs?: number;
}

export class DynamoCaseStore implements CaseStore {
  private readonly claims: DynamoSourceClaims;
  private readonly cases: DynamoCaseRepository;
  private readonly queries: DynamoCaseQueries;
  private readonly audits: DynamoCaseAudit;

  constructor(opts: DynamoCaseStoreOptions) {
    this.claims = new DynamoSourceClaims(opts.doc, opts.tableName, opts.defaultStaleAfterMs ?? 10 * 60_000);
    this.cases = new DynamoCaseRepository(opts);
    this.queries = new DynamoCaseQueries(opts.doc, opts.tableName, this.cases);
    this.audits = new DynamoCaseAudit(opts.doc, opts.tableName);
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

  create(record: CaseRecord, events: NewEvent[], opts?: { deferFlush?: boolean }): Promise<CaseRecord> {
    return this.cases.create(record, events, opts);
  }

  update(record: CaseRecord, expectedVersion: number, events: NewEvent[]): Promise<CaseRecord> {
    return this.cases.update(record, expectedVersion, events);
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
