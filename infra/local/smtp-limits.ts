/**
 * Limits of the embedded runtime's SMTP listener (infra/local/smtp-intake.ts), as configuration: the `smtp`
 * object of `<data-dir>/tousu.config.json`, or `RuntimeOptions.smtp`. Every field has a default, so `{}` is today's
 * listener; a wrong value stops the start with a Chinese message naming the field.
 *
 * They keep one client from shutting everyone else out: without a per-address cap and a deadline for MAIL FROM,
 * `maxClients` idle connections take every slot and all mail gets 421.
 */
import * as z from 'zod';
import { chineseErrors, zodProblems } from '../../shared/config/json';

const MIB = 1024 * 1024;
const count = (max: number) => z.number().int().min(1).max(max);
const millis = (min: number, max: number) => z.number().int().min(min).max(max);

export const SmtpLimits = z
  .object({
    /** Largest message accepted (SIZE; a larger one gets 552 and nothing is kept). SES receiving stops at 40 MB. */
    maxBytes: z
      .number()
      .int()
      .min(64 * 1024)
      .max(40 * MIB)
      .default(30 * MIB),
    /** Connections at once, all clients together (the 21st gets 421). */
    maxClients: count(10_000).default(20),
    /** Connections at once from one client address (a front MTA opens several; an abuser should not get all). */
    maxClientsPerAddress: count(10_000).default(5),
    /** Idle time before the listener closes the connection (smtp-server `socketTimeout`). */
    socketTimeoutMs: millis(1_000, 3_600_000).default(60_000),
    /** On stop: how long open connections may finish before they are cut (smtp-server `closeTimeout`). */
    closeTimeoutMs: millis(0, 600_000).default(10_000),
    /** From connecting (or from the end of the previous message) to MAIL FROM; a connection that idles longer is closed with 421. */
    mailFromTimeoutMs: millis(1_000, 3_600_000).default(15_000),
    /** Recipients per message (the next one gets 452). */
    maxRecipients: count(1_000).default(10),
    /** Refused recipients (550, not an intake address) per connection; the last one closes it with 421. */
    maxRefusedRecipients: count(1_000).default(3),
    /** Messages (MAIL FROM) one envelope sender may start per window; more get 450 and the sender's MTA retries later. */
    messagesPerSender: count(1_000_000).default(30),
    senderWindowMs: millis(1_000, 7 * 24 * 3_600_000).default(3_600_000),
    /** Senders tracked for the rate at once (the oldest are forgotten first), so memory stays bounded. */
    maxTrackedSenders: count(10_000_000).default(10_000),
  })
  .strict();
export type SmtpLimits = z.infer<typeof SmtpLimits>;
export type SmtpLimitsInput = z.input<typeof SmtpLimits>;

export const DEFAULT_SMTP_LIMITS: SmtpLimits = SmtpLimits.parse({});

/** An invalid `smtp` limits object: `problems` name each field (`smtp.maxClients`). */
export class SmtpLimitsError extends Error {
  override readonly name = 'SmtpLimitsError';
  constructor(readonly problems: { path: string; message: string }[]) {
    super(`SMTP 接收限制配置有误：${problems.map((p) => `${p.path}：${p.message}`).join('；')}`);
  }
}

/** Validates and fills the defaults; throws SmtpLimitsError with Chinese messages. */
export function parseSmtpLimits(input: unknown, prefix = 'smtp'): SmtpLimits {
  const result = SmtpLimits.safeParse(input ?? {}, { error: chineseErrors });
  if (result.success) return result.data;
  throw new SmtpLimitsError(zodProblems(result.error).map((p) => ({ ...p, path: p.path ? `${prefix}.${p.path}` : prefix })));
}
