/**
 * The 12345 loop on AWS (art. 7(2), docs/workorder-outbound.md): the reconciler, on its schedule, collects the
 * reports of the work-order cases the functions marked (WORKORDER_MARKS, ./aws.ts) and posts what is due to the
 * platform's webhook. Settings without the secret in `WORKORDER_OUTBOUND` (JSON: url, timeoutMs, retry), the
 * shared signing secret in the Secrets Manager secret `WORKORDER_SECRET_ARN` as `{ "secret": "…" }`, read on the
 * first run and cached per container (a failed read is retried at the next run; the secret is never logged).
 */
import { DynamoWorkOrderOutbox } from '../adapters/aws/dynamo-workorder-outbox';
import { HttpWorkOrderWebhook } from '../adapters/local/workorder-webhook';
import { ConfigError } from '../domain/errors';
import type { WorkOrderReport } from '../domain/workorder/report';
import { pumpWorkOrderReports, retryPolicyOf, WorkOrderOutboundDeployConfig, workOrderConfigProblems } from '../services/workorder-outbound';
import type { PumpRun } from '../services/workorder-outbound';
import type { AwsComposition } from './aws';

/** Settings as CDK puts them into the environment: the deploy config without `secretName`. */
export const WorkOrderOutboundEnv = WorkOrderOutboundDeployConfig.omit({ secretName: true });

export interface AwsWorkOrdersOptions {
  /** Tests: reads the shared secret (default: Secrets Manager, `{ "secret": … }`). */
  readSecret?: (secretId: string) => Promise<string>;
}

/** The pump of this stack, or undefined when `WORKORDER_OUTBOUND` is not set. */
export function awsWorkOrderPump(
  raw: Record<string, string | undefined>,
  c: Pick<AwsComposition, 'doc' | 'env' | 'store' | 'clock' | 'jurisdiction' | 'logger'>,
  opts: AwsWorkOrdersOptions = {},
): (() => Promise<PumpRun>) | undefined {
  if (!raw.WORKORDER_OUTBOUND) return undefined;
  const secretId = raw.WORKORDER_SECRET_ARN;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.WORKORDER_OUTBOUND);
  } catch {
    throw new ConfigError([{ field: 'WORKORDER_OUTBOUND', message: 'not JSON' }], 'WORKORDER_OUTBOUND 不是有效的 JSON。');
  }
  const problems = workOrderConfigProblems({ ...(parsed as object), secretName: secretId ?? '' }, 'deploy', 'WORKORDER_OUTBOUND');
  if (!secretId) problems.push({ field: 'WORKORDER_SECRET_ARN', message: 'required with WORKORDER_OUTBOUND' });
  if (problems.length > 0) throw new ConfigError(problems, `12345 工单回传配置无效：${problems.map((p) => `${p.field} ${p.message}`).join('；')}`);
  const settings = WorkOrderOutboundEnv.parse(parsed);
  const policy = retryPolicyOf(settings);
  const outbox = new DynamoWorkOrderOutbox({ doc: c.doc, tableName: c.env.TABLE_NAME });
  const readSecret =
    opts.readSecret ??
    (async (id: string) => {
      const [{ readSecretFields }, { secretsClient }] = await Promise.all([import('../adapters/aws/secret-json'), import('../adapters/aws/handover-secret')]);
      return (await readSecretFields(secretsClient(), id, ['secret'] as const)).secret;
    });
  let webhook: Promise<HttpWorkOrderWebhook> | undefined;
  const webhookOnce = () => {
    if (!webhook) {
      const p = readSecret(secretId!).then((secret) => new HttpWorkOrderWebhook({ url: settings.url, secret, clock: c.clock, ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}) }));
      webhook = p;
      p.catch(() => {
        if (webhook === p) webhook = undefined;
      });
    }
    return webhook;
  };
  return async () => {
    const hook = await webhookOnce();
    return pumpWorkOrderReports({ store: c.store, outbox, webhook: { post: (r: WorkOrderReport) => hook.post(r) }, clock: c.clock, jurisdiction: c.jurisdiction, policy, logger: c.logger });
  };
}
