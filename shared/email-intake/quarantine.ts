/**
 * Quarantine: mail that did not become a case (spam, virus, auto-reply, bounce, unparseable, empty) is kept
 * where staff can see it, never silently dropped. The raw mail stays in the BlobStore under `rawRef`.
 */
import type { NotComplaintReason } from '../mail/classify';
import type { MailProblem } from '../mail/errors';

export type QuarantineReason = NotComplaintReason | MailProblem | 'empty' | 'invalid';

export const QUARANTINE_REASON_LABELS: Record<QuarantineReason, string> = {
  spam: '垃圾邮件',
  virus: '疑似病毒',
  auto_reply: '自动回复',
  bounce: '退信/投递报告',
  too_large: '邮件过大',
  malformed: '格式无法解析',
  too_deep: '嵌套过深',
  timeout: '解析超时',
  empty: '无内容',
  invalid: '无法形成投诉件',
};

export interface QuarantineEntry {
  /** Stable per delivery (derived from the source key), so a redelivery overwrites rather than duplicates. */
  id: string;
  sourceKey: string;
  /** `ses`, `imap:<mailbox>`, `smtp`, `cli`. */
  source: string;
  jurisdiction: string;
  reason: QuarantineReason;
  /** Plain Chinese for staff. */
  detail: string;
  receivedAt: string;
  size: number;
  rawSha256: string;
  /** BlobStore reference of the raw mail. */
  rawRef?: string;
  messageId?: string;
  /** Subject with identity numbers masked. */
  subject?: string;
  fromAddress?: string;
}

export interface QuarantinePage {
  items: QuarantineEntry[];
  cursor?: string;
}

export interface QuarantineStore {
  /** Idempotent on `id`. */
  put(entry: QuarantineEntry): Promise<void>;
  get(id: string): Promise<QuarantineEntry | undefined>;
  /** Newest first. */
  list(jurisdiction: string, opts?: { limit?: number; cursor?: string }): Promise<QuarantinePage>;
}

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
