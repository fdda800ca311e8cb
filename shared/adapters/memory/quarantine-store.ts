import type { QuarantineEntry, QuarantinePage, QuarantineStore } from '../../ports/quarantine';

/** In-process quarantine for tests and single-run tools; the runtime and AWS use the DynamoDB adapter. */
export class MemoryQuarantineStore implements QuarantineStore {
  private readonly entries = new Map<string, QuarantineEntry>();

  async put(entry: QuarantineEntry): Promise<void> {
    this.entries.set(entry.id, { ...entry });
  }

  async get(id: string): Promise<QuarantineEntry | undefined> {
    const e = this.entries.get(id);
    return e ? { ...e } : undefined;
  }

  async list(jurisdiction: string, opts: { limit?: number; cursor?: string } = {}): Promise<QuarantinePage> {
    const all = [...this.entries.values()]
      .filter((e) => e.jurisdiction === jurisdiction)
      .sort((a, b) => (a.receivedAt === b.receivedAt ? b.id.localeCompare(a.id) : b.receivedAt.localeCompare(a.receivedAt)));
    const start = opts.cursor ? Number(opts.cursor) : 0;
    const limit = opts.limit ?? 50;
    const items = all.slice(start, start + limit);
    return { items, ...(start + limit < all.length ? { cursor: String(start + limit) } : {}) };
  }
}
