/**
 * SES receiving → S3 → this function: one raw mail per S3 object. SES writes its spam and virus verdicts as
 * X-SES-Spam-Verdict / X-SES-Virus-Verdict headers into the stored mail; the intake service honours them.
 */
import type { S3Event } from 'aws-lambda';
import type { EmailIntakeResult } from '../../shared/email-intake/service';

export interface S3MailDeps {
  readObject(bucket: string, key: string): Promise<Uint8Array>;
  ingest(raw: Uint8Array, source: 'ses'): Promise<EmailIntakeResult>;
  /** Receives no personal data: keys, outcomes and ids only. */
  log(message: string, data: Record<string, unknown>): void;
}

export interface S3MailOutcome {
  key: string;
  ignored: boolean;
  reason?: string;
  caseId?: string;
  quarantineId?: string;
}

/** Processes every record; a failure throws so that S3 / Lambda retry the event (intake is idempotent). */
export async function processSesMailEvent(event: S3Event, deps: S3MailDeps): Promise<S3MailOutcome[]> {
  const outcomes: S3MailOutcome[] = [];
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    // Object keys arrive URL-encoded, spaces as '+'.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const raw = await deps.readObject(bucket, key);
    const result = await deps.ingest(raw, 'ses');
    const outcome: S3MailOutcome = result.ignored
      ? { key, ignored: true, reason: result.reason, ...(result.quarantineId ? { quarantineId: result.quarantineId } : {}) }
      : { key, ignored: false, ...(result.caseId ? { caseId: result.caseId } : {}) };
    deps.log(result.ignored ? 'mail quarantined' : 'mail accepted', { ...outcome });
    outcomes.push(outcome);
  }
  return outcomes;
}
