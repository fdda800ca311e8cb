/**
 * The hand-over part of the AWS composition (issue 15): the stack's `handover` settings come in the environment
 * (`HANDOVER`, the validated JSON of config/deploy/<code>.json "handover", without any key) and the keys from
 * the Secrets Manager secret `HANDOVER_SECRET_ARN`, read on first use and cached per container (a failed read is
 * tried again on the next use). Used by the API (receiver), screen-case (sender) and the reconciler (replays the
 * parked hand-overs). Both variables or neither: one without the other fails the cold start.
 */
import * as z from 'zod';
import { ConfigError } from '../domain/errors';
import { HandoverDeployConfig } from '../domain/handover';
import type { HandoverConfig } from '../domain/handover';
import type { LifecycleTaskDeps } from '../services/lifecycle-tasks';
import { parkHandover } from '../services/handover';
import type { AwsComposition } from './aws';

export const HandoverEnv = z.object({
  /** HandoverDeployConfig as JSON (validated at synth, again at cold start). */
  HANDOVER: z.string().min(2).optional(),
  /** The secret with the key material: `{ "<key id>": "<secret>" }`. */
  HANDOVER_SECRET_ARN: z.string().startsWith('arn:').optional(),
});
export type HandoverEnv = z.infer<typeof HandoverEnv>;

export interface AwsHandover {
  settings: HandoverDeployConfig;
  /** The full configuration with the keys (Secrets Manager, once per container). */
  config(): Promise<HandoverConfig>;
}

export interface AwsHandoverOptions {
  /** Tests: the Secrets Manager client (default: one per container). */
  secrets?: { send(command: unknown): Promise<unknown> };
}

const bad = (field: string, message: string) => new ConfigError([{ field, message, code: 'invalid_handover_config' }], message);

/** The hand-over settings of this function, or undefined when the stack hands nothing over. */
export function awsHandoverFromEnv(raw: Record<string, string | undefined>, opts: AwsHandoverOptions = {}): AwsHandover | undefined {
  const env = HandoverEnv.parse(raw);
  if (!env.HANDOVER && !env.HANDOVER_SECRET_ARN) return undefined;
  if (!env.HANDOVER || !env.HANDOVER_SECRET_ARN) throw bad(env.HANDOVER ? 'HANDOVER_SECRET_ARN' : 'HANDOVER', '移交配置不完整：HANDOVER 与 HANDOVER_SECRET_ARN 须同时设置。');
  let json: unknown;
  try {
    json = JSON.parse(env.HANDOVER);
  } catch {
    throw bad('HANDOVER', '移交配置 HANDOVER 不是有效的 JSON。');
  }
  const parsed = HandoverDeployConfig.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw bad(['HANDOVER', ...i.path].join('.'), `移交配置 ${['handover', ...i.path].join('.')} 无效：${i.message}`);
  }
  const settings = parsed.data;
  const secretId = env.HANDOVER_SECRET_ARN;
  let pending: Promise<HandoverConfig> | undefined;
  return {
    settings,
    config() {
      if (!pending) {
        const p = import('../adapters/aws/handover-secret').then((m) => m.readHandoverConfig((opts.secrets as never) ?? m.secretsClient(), secretId, settings));
        pending = p;
        p.catch(() => {
          if (pending === p) pending = undefined;
        });
      }
      return pending;
    },
  };
}

/** The sender's part of the life-cycle deps: keys loaded on the first hand-over, failures parked as dead letters. */
export function lifecycleHandover(c: Pick<AwsComposition, 'blobs' | 'deadLetters' | 'clock' | 'jurisdiction'>, h: AwsHandover): NonNullable<LifecycleTaskDeps['handover']> {
  return {
    config: { peers: h.settings.peers, load: () => h.config() },
    ...(c.blobs ? { blobs: c.blobs } : {}),
    park: parkHandover({ deadLetters: c.deadLetters, clock: c.clock, jurisdiction: c.jurisdiction.code }),
    attempts: h.settings.attempts,
    backoffMs: h.settings.backoffMs,
  };
}

/** screen-case's hand-over part of the life-cycle deps from its environment; undefined when it hands nothing over. */
export function lifecycleHandoverFromEnv(
  c: Pick<AwsComposition, 'blobs' | 'deadLetters' | 'clock' | 'jurisdiction'>,
  raw: Record<string, string | undefined>,
): LifecycleTaskDeps['handover'] | undefined {
  const h = awsHandoverFromEnv(raw);
  return h ? lifecycleHandover(c, h) : undefined;
}
