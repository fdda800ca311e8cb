import type { MailSender, OutgoingMail } from '../../ports';

/** Keeps every mail in memory (tests and the demo read them back). */
export class MemoryMailSender implements MailSender {
  readonly sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    this.sent.push(mail);
    return { messageId: `<memory-${this.sent.length}@tousu.local>` };
  }
  /** Mails of one case, optionally of one kind. */
  of(caseId: string, kind?: string): OutgoingMail[] {
    return this.sent.filter((m) => m.tags.caseId === caseId && (kind === undefined || m.tags.kind === kind));
  }
}
