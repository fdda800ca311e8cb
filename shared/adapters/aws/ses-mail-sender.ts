/**
 * MailSender on Amazon SES (v2 SendEmail). Simple content when the mail has no attachments; otherwise raw
 * MIME built with nodemailer's MailComposer. Tags go to SES as message tags (for metrics), never as headers.
 */
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { SESv2Client, MessageTag } from '@aws-sdk/client-sesv2';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { MailSender, OutgoingMail } from '../../ports';

export interface SesMailSenderOptions {
  configurationSetName?: string;
  replyTo?: string;
}

/** SES tag values allow letters, digits, `_`, `-`, `.`, `@` only. */
const tagValue = (v: string): string => v.replace(/[^A-Za-z0-9_.@-]/g, '_').slice(0, 256);

/** An OutgoingMail as nodemailer's message options: one mapping for MIME building (SES raw, outbox) and SMTP. */
export function nodemailerMessage(mail: OutgoingMail, replyTo?: string): Mail.Options {
  return {
    from: mail.from,
    to: mail.to,
    ...(mail.cc ? { cc: mail.cc } : {}),
    ...(replyTo ? { replyTo } : {}),
    subject: mail.subject,
    text: mail.text,
    ...(mail.html ? { html: mail.html } : {}),
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: typeof a.content === 'string' ? a.content : Buffer.from(a.content),
    })),
    textEncoding: 'base64',
  };
}

export async function buildMime(mail: OutgoingMail, replyTo?: string, ids: { messageId?: string; date?: Date } = {}): Promise<Buffer> {
  const composer = new MailComposer({
    ...(ids.messageId ? { messageId: ids.messageId } : {}),
    ...(ids.date ? { date: ids.date } : {}),
    ...nodemailerMessage(mail, replyTo),
  });
  return composer.compile().build();
}

export class SesMailSender implements MailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly opts: SesMailSenderOptions = {},
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const tags: MessageTag[] = [{ Name: 'kind', Value: tagValue(mail.tags.kind) }];
    if (mail.tags.caseId) tags.push({ Name: 'caseId', Value: tagValue(mail.tags.caseId) });
    const common = {
      FromEmailAddress: mail.from,
      Destination: { ToAddresses: mail.to, ...(mail.cc ? { CcAddresses: mail.cc } : {}) },
      ...(this.opts.replyTo ? { ReplyToAddresses: [this.opts.replyTo] } : {}),
      ...(this.opts.configurationSetName ? { ConfigurationSetName: this.opts.configurationSetName } : {}),
      EmailTags: tags,
    };
    const content = mail.attachments?.length
      ? { Raw: { Data: new Uint8Array(await buildMime(mail, this.opts.replyTo)) } }
      : {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: {
              Text: { Data: mail.text, Charset: 'UTF-8' },
              ...(mail.html ? { Html: { Data: mail.html, Charset: 'UTF-8' } } : {}),
            },
          },
        };
    const out = await this.client.send(new SendEmailCommand({ ...common, Content: content }));
    if (!out.MessageId) throw new Error('SES SendEmail returned no MessageId');
    return { messageId: out.MessageId };
  }
}
