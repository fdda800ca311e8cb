/**
 * The outbox of 12345 work-order reports (art. 7(2)): every report waits here until the platform's webhook took
 * it (2xx), is retried on a back-off schedule, and becomes a dead letter after the policy's maximum age; a
 * replay puts dead letters back. shared/services/workorder-outbound.ts drives it.
 */
import type { WorkOrderReport } from '../domain/workorder/report';

export type OutboxStatus = 'pending' | 'delivered' | 'dead';

export interface WorkOrderOutboxItem {
  report: WorkOrderReport;
  status: OutboxStatus;
  attempts: number;
  /** When the report was queued (or replayed): the dead-letter age counts from here. */
  queuedAt: string;
  /** Not before this instant (pending only). */
  nextAttemptAt: string;
  deliveredAt?: string;
  deadAt?: string;
  /** The last failure: error name, code or HTTP status only (never a response body). */
  lastError?: { name: string; code?: string; status?: number };
}

export interface WorkOrderOutbox {
  /** Queues the item unless one with the same report id exists (idempotent); true when it was new. */
  add(item: WorkOrderOutboxItem): Promise<boolean>;
  get(id: string): Promise<WorkOrderOutboxItem | undefined>;
  /** Writes the item back (same report id). */
  put(item: WorkOrderOutboxItem): Promise<void>;
  /** Pending items whose nextAttemptAt is at or before `now`, oldest first. */
  due(now: string, limit: number): Promise<WorkOrderOutboxItem[]>;
  list(status?: OutboxStatus): Promise<WorkOrderOutboxItem[]>;
  /**
   * Marks a work-order case as changed, before the case write (so a crash after the write still leaves the mark):
   * the pump collects its reports and clears the mark. `token` is new for every mark; a later mark replaces it.
   */
  markCase(caseId: string, token: string, at: string): Promise<void>;
  /** Marked cases, oldest mark first. */
  markedCases(limit: number): Promise<{ caseId: string; token: string; at: string }[]>;
  /** Removes the mark if it still carries `token` (a write marked again after the collection keeps its mark). */
  clearMark(caseId: string, token: string): Promise<void>;
}

/** Posts one report to the platform; throws on anything but a 2xx (WebhookError carries the status). */
export interface WorkOrderWebhook {
  post(report: WorkOrderReport): Promise<void>;
}
