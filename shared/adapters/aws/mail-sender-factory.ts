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
import * as z from 'zod';
import { ConfigError } from '../../domain/errors';
import type { MailSender } from '../../ports';
import { readSecretFields } from './secret-json';
import { SesMailSender } from './ses-mail-sender';
import { SmtpMailSender } from './smtp-mail-sender';

export const MailSenderEnv = z
  .object({
    MAIL_MODE: z.enum(['ses', 'smtp']).default('ses'),
    SES_CONFIGURATION_SET: z.string().min(1).optional(),
    SMTP_HOST: z.string().min(1).optional(),
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    /** ARN (or name) of the Secrets Manager secret `{ "username", "password" }`. */
    SMTP_SECRET_ARN: z.string().min(1).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.MAIL_MODE !== 'smtp') return;
    for (const key of ['SMTP_HOST', 'SMTP_PORT', 'SMTP_SECRET_ARN'] as const) {
      if (env[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required when MAIL_MODE is smtp` });
    }
  });
export type MailSenderEnv = z.infer<typeof MailSenderEnv>;

export interface MailSenderFactoryOptions {
  /** Reply-To of every mail (the jurisdiction's `mail.replyTo`). */
  replyTo?: string;
  /** Clients to use instead of new ones (tests). */
  ses?: SESv2Client;
  secrets?: SecretsManagerClient;
  /** TLS options of the SMTP connection (e.g. the CA of a private relay). */
  smtpTls?: ConnectionOptions;
}

export function mailSenderFromEnv(raw: Record<string, string | undefined>, opts: MailSenderFactoryOptions = {}): MailSender {
  const parsed = MailSenderEnv.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message, code: 'invalid_mail_env' })),
      `发信配置（MAIL_MODE、SMTP_*）有误：${parsed.error.issues.map((i) => i.path.join('.')).join('、')}`,
    );
  }
  const env = parsed.data;
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
