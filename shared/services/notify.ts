/**
 * Sends notices through the MailSender port. A failed send is retried; if it still fails it is recorded
 * (the caller's `recordFailure`, e.g. an audit entry with the whole notice so it can be re-sent) and
 * reported in the result: a notice is never silently lost. Logs carry the kind and case id only, never
 * addresses or content (personal data).
 */
import type { Notice } from '../domain/lifecycle/context';
import type { MailSender } from '../ports';
import { errorName } from '../domain/errors';

export interface NoticeFailure {
  notice: Notice;
  error: string;
  attempts: number;
}

export interface SendNoticesResult {
  sent: { kind: Notice['kind']; messageId: string; contactId?: string }[];
  failed: NoticeFailure[];
  /** Notices without a recipient (nothing to send). */
  skipped: Notice[];
}

export interface SendNoticesOptions {
  /** Attempts per notice, the first included (default 3). */
  attempts?: number;
  /** Delay before retry n is backoffMs·2^(n-1) (default 200 ms). */
  backoffMs?: number;
  /** Called once per notice that could not be sent after every attempt. */
  recordFailure?: (failure: NoticeFailure) => Promise<void>;
  logger?: { warn(msg: string, extra?: Record<string, unknown>): void; error(msg: string, extra?: Record<string, unknown>): void };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendNotices(mail: MailSender, notices: Notice[], from: string, opts: SendNoticesOptions = {}): Promise<SendNoticesResult> {
  const attempts = Math.max(1, opts.attempts ?? 3);
  const backoff = opts.backoffMs ?? 200;
  const result: SendNoticesResult = { sent: [], failed: [], skipped: [] };
  for (const notice of notices) {
    if (notice.to.length === 0) {
      result.skipped.push(notice);
      continue;
    }
    let lastError = '';
    let sent = false;
    for (let attempt = 1; attempt <= attempts && !sent; attempt += 1) {
      try {
        const { messageId } = await mail.send({
          from,
          to: notice.to,
          subject: notice.subject,
          text: notice.text,
          ...(notice.html ? { html: notice.html } : {}),
          ...(notice.attachments ? { attachments: notice.attachments } : {}),
          tags: { kind: notice.kind, ...(notice.caseId ? { caseId: notice.caseId } : {}) },
        });
        result.sent.push({ kind: notice.kind, messageId, ...(notice.contactId ? { contactId: notice.contactId } : {}) });
        sent = true;
      } catch (err) {
        lastError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        opts.logger?.warn('notice send failed', { kind: notice.kind, caseId: notice.caseId, attempt, error: errorName(err) });
        if (attempt < attempts) await sleep(backoff * 2 ** (attempt - 1));
      }
    }
    if (!sent) {
      const failure: NoticeFailure = { notice, error: lastError, attempts };
      result.failed.push(failure);
      opts.logger?.error('notice not sent after retries', { kind: notice.kind, caseId: notice.caseId, attempts });
      if (opts.recordFailure) {
        try {
          await opts.recordFailure(failure);
        } catch (err) {
          opts.logger?.error('notice failure could not be recorded', { kind: notice.kind, caseId: notice.caseId, error: errorName(err) });
        }
      }
    }
  }
  return result;
}
