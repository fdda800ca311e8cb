/**
 * Finds the complainant's original message inside a mail: through inline forward blocks and through attached
 * messages (message/rfc822), nested to any depth up to the limit. The innermost original wins.
 */
import { MailParseError } from './errors';
import { unwrapInlineForwards } from './forward';
import type { ParsedDate } from './dates';
import { parseMail, type MailAddress, type MailAttachment, type MailLimits, type ParsedMail } from './parse';

export interface ForwardHop {
  /** `rfc822` for an attached message, else the inline client family (see forward.ts). */
  kind: string;
  /** Who sent the message that was forwarded at this hop. */
  from?: MailAddress;
  sentAt?: string;
}

export interface OriginalMessage {
  forwarded: boolean;
  sender?: MailAddress;
  sentAt?: ParsedDate;
  subject?: string;
  body: string;
  /** The forwarder's own words above the first forward block. */
  note?: string;
  /** Forward hops, outermost first. */
  hops: ForwardHop[];
  /** Every attachment at every level, attached messages included (they are evidence too). */
  attachments: MailAttachment[];
}

export async function findOriginal(mail: ParsedMail, limits: MailLimits, defaultOffset = '+08:00', depth = 0): Promise<OriginalMessage> {
  const inline = unwrapInlineForwards(mail.text, defaultOffset);
  const innermost = inline.blocks[inline.blocks.length - 1];
  if (innermost) {
    return {
      forwarded: true,
      sender: innermost.from,
      ...(innermost.sentAt ? { sentAt: innermost.sentAt } : {}),
      ...(innermost.subject !== undefined ? { subject: innermost.subject } : {}),
      body: innermost.body,
      ...(inline.note ? { note: inline.note } : {}),
      hops: inline.blocks.map((b) => ({ kind: b.client, from: b.from, ...(b.sentAt ? { sentAt: b.sentAt.iso } : {}) })),
      attachments: mail.attachments,
    };
  }
  const attached = mail.attachments.find((a) => a.isMessage);
  if (attached) {
    if (depth + 1 > limits.maxDepth) {
      throw new MailParseError('too_deep', `转发邮件嵌套层数超过上限（${limits.maxDepth} 层）。`);
    }
    const inner = await parseMail(attached.content, limits, { attached: true });
    const original = await findOriginal(inner, limits, defaultOffset, depth + 1);
    const note = mail.text.trim();
    return {
      ...original,
      forwarded: true,
      ...((original.note ?? note) ? { note: original.note ?? note } : {}),
      hops: [{ kind: 'rfc822', ...(inner.from ? { from: inner.from } : {}), ...(inner.date ? { sentAt: inner.date.iso } : {}) }, ...original.hops],
      attachments: [...mail.attachments, ...original.attachments],
    };
  }
  return {
    forwarded: false,
    ...(mail.from ? { sender: mail.from } : {}),
    ...(mail.date ? { sentAt: mail.date } : {}),
    ...(mail.subject !== undefined ? { subject: mail.subject } : {}),
    body: mail.text,
    hops: [],
    attachments: mail.attachments,
  };
}
