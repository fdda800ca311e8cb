/**
 * The Counters port in process: totals since start, by metric name (shared/services/metrics.ts). The embedded
 * runtime shows them in its admin status; on Lambda the same names go to CloudWatch.
 */
import type { Counters } from '../../ports';

export class MemoryCounters implements Counters {
  private readonly totals = new Map<string, number>();

  count(name: string, value = 1): void {
    if (!Number.isFinite(value) || value <= 0) return;
    this.totals.set(name, (this.totals.get(name) ?? 0) + value);
  }

  /** The totals, by name in alphabetical order; a name never counted is absent. */
  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.totals.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
}
