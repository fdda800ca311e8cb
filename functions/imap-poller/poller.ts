/**
 * IMAP polling for mail systems or regions without SES receiving. Each run takes the unseen messages of one
 * mailbox, hands each raw message to the intake and marks it \Seen only after the intake has finished (case made
 * or quarantined). A crash in between means the message is read again next time; the source key
 * `email:imap:<mailbox>:<Message-ID>` makes that second delivery a no-op in the intake core.
 */
import type { EmailIntakeResult, MailSource } from '../../shared/email-intake/service';
import { errorName } from '../../shared/domain/errors';
import type { ImapClientLike } from '../../shared/ports/imap';

export interface PollOptions {
  mailbox: string;
  /** At most this many messages per run (the schedule picks up the rest). */
  maxMessages?: number;
  ingest(raw: Uint8Array, source: MailSource): Promise<EmailIntakeResult>;
  log?(message: string, data: Record<string, unknown>): void;
}

export interface PollSummary {
  mailbox: string;
  seen: number;
  accepted: number;
  quarantined: number;
  failed: number;
}

export async function pollMailbox(client: ImapClientLike, opts: PollOptions): Promise<PollSummary> {
  const summary: PollSummary = { mailbox: opts.mailbox, seen: 0, accepted: 0, quarantined: 0, failed: 0 };
  const source: MailSource = `imap:${opts.mailbox}`;
  await client.connect();
  try {
    const lock = await client.getMailboxLock(opts.mailbox);
    try {
      const uids = (await client.search({ seen: false }, { uid: true })) || [];
      for (const uid of uids.slice(0, opts.maxMessages ?? 100)) {
        summary.seen++;
        const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!message || !message.source) continue;
        try {
          const result = await opts.ingest(message.source, source);
          if (result.ignored) summary.quarantined++;
          else summary.accepted++;
          await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
        } catch (err) {
          // Left unseen: the next run retries it.
          summary.failed++;
          opts.log?.('imap message failed', { uid, error: errorName(err) });
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    await client.logout().catch(() => undefined);
  }
  return summary;
}
