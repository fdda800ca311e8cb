/**
 * The MailSender of a Lambda function, from its environment (set by infra/constructs/mail.ts `grantSend`):
 *
 * - `MAIL_MODE=ses` (or unset): Amazon SES v2, optional `SES_CONFIGURATION_SET`;
 * - `MAIL_MODE=smtp`: SMTP through nodemailer to `SMTP_HOST`:`SMTP_PORT`, logging in with the JSON secret
 *   `{ "username", "password" }` at `SMTP_SECRET_ARN` (Secrets Manager), read on the first send and cached for the
 *   container. For the AWS China regions, which have no SES.
 *
 * Called once per container (module scope or the cached build of a handler), so each SDK client is made once.
 */
import type { ConnectionOptions } from 'node:tls';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailSender } from '../../ports';
import { parseMailSenderEnv } from './mail-sender-env';
import { readSecretFields } from './secret-json';
import { SesMailSender } from './ses-mail-sender';
import { SmtpMailSender } from './smtp-mail-sender';

export { MailSenderEnv } from './mail-sender-env';

export interface MailSenderFactoryOptions {
  /** Reply-To of every mail (the jurisdiction's `mail.replyTo`). */
  replyTo?: string;
  /** Clients to use instead of new ones (tests). */
  ses?: SESv2Client;
  secrets?: SecretsManagerClient;
  /** TLS options of the SMTP connection (e.g. the CA of a private relay). */
  smtpTls?: ConnectionOptions;
}

export function mailSenderFromEnv(raw: Record<string, string | undefined>, options: MailSenderFactoryOptions = {}): MailSender {
  const env = parseMailSenderEnv(raw);
  const replyTo = options.replyTo ?? env.MAIL_REPLY_TO;
  const opts = { ...options, ...(replyTo ? { replyTo } : {}) };
  if (env.MAIL_MODE === 'ses') {
    return new SesMailSender(opts.ses ?? new SESv2Client({}), {
      ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
      ...(env.SES_CONFIGURATION_SET ? { configurationSetName: env.SES_CONFIGURATION_SET } : {}),
    });
  }
  const secrets = opts.secrets ?? new SecretsManagerClient({});
  const secretId = env.SMTP_SECRET_ARN!;
  return new SmtpMailSender({
    host: env.SMTP_HOST!,
    port: env.SMTP_PORT!,
    credentials: () => readSecretFields(secrets, secretId, ['username', 'password'] as const),
    ...(opts.replyTo ? { replyTo: opts.replyTo } : {}),
    ...(opts.smtpTls ? { tls: opts.smtpTls } : {}),
  });
}
