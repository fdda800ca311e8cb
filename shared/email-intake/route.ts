/**
 * The service behind `POST /api/intake/email` (raw mail as `message/rfc822`), independent of any HTTP
 * framework: the embedded runtime and the Lambda adapter mount it and map `{status, body}` to a response.
 * Authentication is the caller's job (staff token); this only sees the bytes.
 */
import { ValidationError } from '../domain/errors';
import { ingestEmail, type EmailIntakeDeps, type MailSource } from './service';

export interface EmailRouteRequest {
  body: Uint8Array;
  /** Defaults to `cli` (mail submitted by staff through `tousu intake email`). */
  source?: MailSource;
}

export interface EmailRouteResponse {
  status: number;
  body: Record<string, unknown>;
}

export type EmailIntakeRoute = (req: EmailRouteRequest) => Promise<EmailRouteResponse>;

export function createEmailIntakeRoute(deps: Omit<EmailIntakeDeps, 'dryRun'>): EmailIntakeRoute {
  return async (req) => {
    if (req.body.byteLength === 0) {
      throw new ValidationError([{ field: 'body', message: '请求正文应为完整的原始邮件（message/rfc822）。', code: 'required' }]);
    }
    const result = await ingestEmail(req.body, req.source ?? 'cli', deps);
    if (result.ignored) {
      return { status: 202, body: { ignored: true, reason: result.reason, detail: result.detail, sourceKey: result.sourceKey, quarantineId: result.quarantineId } };
    }
    return { status: 201, body: { ignored: false, caseId: result.caseId, sourceKey: result.sourceKey } };
  };
}
