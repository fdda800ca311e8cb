/**
 * The MailSender of a Lambda function, loaded on its first send (issue 11, bundle size): the mail settings are
 * checked at once (a wrong MAIL_MODE/SMTP_* still fails the cold start with the same ConfigError), but
 * ./mail-sender-factory (nodemailer, the SES v2 and Secrets Manager clients) is imported only when a mail is
 * sent. Bundled with code splitting, that code is a chunk that invocations sending no mail never load. The
 * sender then behaves exactly as `mailSenderFromEnv(raw, opts)` built at cold start: same settings (a copy of
 * `raw` taken now), one instance per container.
 */
import type { MailSender, OutgoingMail } from '../../ports';
import { parseMailSenderEnv } from './mail-sender-env';
import type { MailSenderFactoryOptions } from './mail-sender-factory';

export function lazyMailSenderFromEnv(raw: Record<string, string | undefined>, opts: MailSenderFactoryOptions = {}): MailSender {
  parseMailSenderEnv(raw);
  const settings = { ...raw };
  let sender: Promise<MailSender> | undefined;
  return {
    async send(mail: OutgoingMail) {
      sender ??= import('./mail-sender-factory').then(
        (m) => m.mailSenderFromEnv(settings, opts),
        (err: unknown) => {
          sender = undefined;
          throw err;
        },
      );
      return (await sender).send(mail);
    },
  };
}
