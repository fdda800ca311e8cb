/**
 * The quarantine store port: mail that did not become a case is kept where staff can see it (adapters:
 * shared/adapters/aws/dynamo-quarantine-store.ts, shared/adapters/memory/quarantine-store.ts).
 */
import type { MailProblem, NotComplaintReason } from '../domain/mail-outcomes';

export type QuarantineReason = NotComplaintReason | MailProblem | 'empty' | 'invalid';

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
