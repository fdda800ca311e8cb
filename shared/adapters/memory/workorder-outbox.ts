/** In-memory WorkOrderOutbox (tests; the runtime uses the SQLite one, AWS the DynamoDB one). */
import type { OutboxStatus, WorkOrderOutbox, WorkOrderOutboxItem } from '../../ports/workorder-outbox';

export class MemoryWorkOrderOutbox implements WorkOrderOutbox {
  private readonly items = new Map<string, WorkOrderOutboxItem>();
  private readonly marks = new Map<string, { token: string; at: string }>();

  async add(item: WorkOrderOutboxItem): Promise<boolean> {
    if (this.items.has(item.report.id)) return false;
    this.items.set(item.report.id, structuredClone(item));
    return true;
  }

  async get(id: string): Promise<WorkOrderOutboxItem | undefined> {
    const x = this.items.get(id);
    return x && structuredClone(x);
  }

  async put(item: WorkOrderOutboxItem): Promise<void> {
    this.items.set(item.report.id, structuredClone(item));
  }

  async due(now: string, limit: number): Promise<WorkOrderOutboxItem[]> {
    const t = Date.parse(now);
    return [...this.items.values()]
      .filter((x) => x.status === 'pending' && Date.parse(x.nextAttemptAt) <= t)
      .sort((a, b) => a.queuedAt.localeCompare(b.queuedAt) || a.report.at.localeCompare(b.report.at))
      .slice(0, limit)
      .map((x) => structuredClone(x));
  }

  async list(status?: OutboxStatus): Promise<WorkOrderOutboxItem[]> {
    return [...this.items.values()].filter((x) => !status || x.status === status).map((x) => structuredClone(x));
  }

  async markCase(caseId: string, token: string, at: string): Promise<void> {
    this.marks.delete(caseId);
    this.marks.set(caseId, { token, at });
  }

  async markedCases(limit: number): Promise<{ caseId: string; token: string; at: string }[]> {
    return [...this.marks.entries()].slice(0, limit).map(([caseId, m]) => ({ caseId, ...m }));
  }

  async clearMark(caseId: string, token: string): Promise<void> {
    if (this.marks.get(caseId)?.token === token) this.marks.delete(caseId);
  }
}
