/**
 * The mail settings of a Lambda function's environment (MAIL_MODE, SES_*, SMTP_*), checked apart from the
 * senders so that a function can check them at cold start and load the sender itself (nodemailer, the SES and
 * Secrets Manager clients: ~300 KB of bundle) only when it first sends (./lazy-mail-sender.ts).
 */
import * as z from 'zod';
import { ConfigError } from '../../domain/errors';

export const MailSenderEnv = z
  .object({
    MAIL_MODE: z.enum(['ses', 'smtp']).default('ses'),
    SES_CONFIGURATION_SET: z.string().min(1).optional(),
    /** Reply-To of every mail the function sends (the jurisdiction's `mail.replyTo`), set by grantSend for all senders alike. */
    MAIL_REPLY_TO: z.email().optional(),
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

/** The mail settings of `raw`, or a ConfigError naming every wrong variable. */
export function parseMailSenderEnv(raw: Record<string, string | undefined>): MailSenderEnv {
  const parsed = MailSenderEnv.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message, code: 'invalid_mail_env' })),
      `发信配置（MAIL_MODE、SMTP_*）有误：${parsed.error.issues.map((i) => i.path.join('.')).join('、')}`,
    );
  }
  return parsed.data;
}
