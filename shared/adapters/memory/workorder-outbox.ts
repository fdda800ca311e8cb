/** In-memory WorkOrderOutbox (tests, and the embedded runtime until a persistent one is wired). */
import type { OutboxStatus, WorkOrderOutbox, WorkOrderOutboxItem } from '../../ports/workorder-outbox';

export class MemoryWorkOrderOutbox implements WorkOrderOutbox {
  private readonly items = new Map<string, WorkOrderOutboxItem>();

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
}
