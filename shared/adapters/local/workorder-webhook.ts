/**
 * The 12345 platform's webhook (art. 7(2)): POST of one report as JSON, signed with HMAC-SHA256 so that the
 * receiver can check it came from us and was not replayed late (docs/workorder-outbound.md):
 *
 *   X-Tousu-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
 *   X-Tousu-Report-Id / Idempotency-Key: the report id (a retry repeats it; the receiver deduplicates)
 *
 * Uses the platform's fetch; any answer but 2xx, a network error or the timeout is a WebhookError.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { WorkOrderReport } from '../../domain/workorder/report';
import type { WorkOrderWebhook } from '../../ports/workorder-outbox';
import type { Clock } from '../../ports';

export class WebhookError extends Error {
  override readonly name = 'WebhookError';
  constructor(
    readonly code: string,
    readonly status?: number,
  ) {
    super(status ? `webhook answered ${status}` : `webhook failed: ${code}`);
  }
}

export interface WebhookOptions {
  url: string;
  /** Shared secret (at least 16 characters). */
  secret: string;
  clock: Clock;
  timeoutMs?: number;
}

export function signBody(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** For receivers (and tests): checks a signature header against the body, within `toleranceS` of `nowS`. */
export function verifySignature(secret: string, header: string | undefined, body: string, nowS: number, toleranceS = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowS - t) > toleranceS) return false;
  const want = Buffer.from(signBody(secret, t, body), 'hex');
  const got = Buffer.from(m[2]!, 'hex');
  return want.length === got.length && timingSafeEqual(want, got);
}

export class HttpWorkOrderWebhook implements WorkOrderWebhook {
  constructor(private readonly opts: WebhookOptions) {
    if (!/^https?:\/\//.test(opts.url)) throw new Error('workorder webhook url must be http(s)');
    if (opts.secret.length < 16) throw new Error('workorder webhook secret must have at least 16 characters');
  }

  async post(report: WorkOrderReport): Promise<void> {
    const body = JSON.stringify(report);
    const t = Math.floor(this.opts.clock.now().getTime() / 1000);
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'x-tousu-signature': `t=${t},v1=${signBody(this.opts.secret, t, body)}`,
          'x-tousu-report-id': report.id,
          'idempotency-key': report.id,
        },
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      throw new WebhookError(cause?.code ?? (err instanceof Error ? err.name : 'network'));
    }
    await res.body?.cancel();
    if (res.status < 200 || res.status > 299) throw new WebhookError('http_status', res.status);
  }
}
