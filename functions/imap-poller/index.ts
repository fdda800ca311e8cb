/**
 * Scheduled Lambda (EventBridge schedule) polling one IMAP mailbox with imapflow. The password is read from
 * Secrets Manager (`IMAP_SECRET_ARN`, JSON `{ "password": "…" }`) on the first run of the container and cached;
 * a refused login forgets it, so a rotated password is read again on the next run. It is never in the function's
 * configuration and never reaches a log.
 */
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import { ImapFlow } from 'imapflow';
import * as z from 'zod';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { cachedSecret, readSecretFields } from '../../shared/adapters/aws/secret-json';
import type { CachedSecret } from '../../shared/adapters/aws/secret-json';
import { createCase, type IntakeDeps } from '../../shared/intake/core';
import { IntakeEnv, intakeComposition } from '../../shared/composition/aws-intake';
import type { AwsComposition } from '../../shared/composition/aws';
import { ingestEmail } from '../../shared/email-intake/service';
import { pollMailbox, type PollSummary } from './poller';
import type { ImapClientLike } from '../../shared/ports/imap';

export const ImapPollerEnv = IntakeEnv.extend({
  IMAP_HOST: z.string().min(1),
  IMAP_PORT: z.coerce.number().int().positive().default(993),
  IMAP_USER: z.string().min(1),
  /** Secrets Manager secret (ARN or name) holding `{ "password": "…" }` for IMAP_USER. */
  IMAP_SECRET_ARN: z.string().min(1),
  IMAP_MAILBOX: z.string().min(1).default('INBOX'),
  IMAP_MAX_MESSAGES: z.coerce.number().int().positive().default(100),
});
export type ImapPollerEnv = z.infer<typeof ImapPollerEnv>;

const telemetry = lambdaTelemetry('imap-poller');
const { logger } = telemetry;
const secrets = new SecretsManagerClient({});
let imapPassword: CachedSecret<string> | undefined;
/** The intake ports, created once per container. */
let ports: { intake: IntakeDeps; c: AwsComposition } | undefined;

/** The mailbox password from its secret, read once per container (exported for the unit test). */
export function imapPasswordSource(client: SecretsManagerClient, secretId: string): CachedSecret<string> {
  return cachedSecret(async () => (await readSecretFields(client, secretId, ['password'] as const)).password);
}

async function run(env: ImapPollerEnv): Promise<PollSummary> {
  // The complainant inside the forwarded mail gets the acknowledgement with the query code, as on the web form.
  if (!ports) {
    const c = intakeComposition(process.env, telemetry.ports);
    ports = { intake: c.intakeDeps(), c };
  }
  const { intake, c } = ports;
  const { jurisdiction, quarantine, clock, blobs } = c;
  if (!blobs) throw new Error('EVIDENCE_BUCKET is required');
  imapPassword ??= imapPasswordSource(secrets, env.IMAP_SECRET_ARN);
  const password = imapPassword;
  const client = new ImapFlow({ host: env.IMAP_HOST, port: env.IMAP_PORT, secure: env.IMAP_PORT === 993, auth: { user: env.IMAP_USER, pass: await password.get() }, logger: false });
  try {
    return await pollMailbox(client as unknown as ImapClientLike, {
      mailbox: env.IMAP_MAILBOX,
      maxMessages: env.IMAP_MAX_MESSAGES,
      ingest: (raw, source) => ingestEmail(raw, source, { clock, jurisdiction, blobs, quarantine, submit: async (i) => ({ caseId: (await createCase(intake, i)).caseId }) }),
      log: (message, data) => logger.warn(message, data),
    });
  } catch (err) {
    // imapflow marks a refused login with `authenticationFailed`: the password may have been rotated.
    if ((err as { authenticationFailed?: boolean }).authenticationFailed) password.invalidate();
    throw err;
  }
}

export const handler = lambdaHandler(telemetry, async () => {
  const summary = await run(ImapPollerEnv.parse(process.env));
  logger.info('imap poll done', { ...summary });
  return summary;
});
