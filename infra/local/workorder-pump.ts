/**
 * The embedded runtime's 12345 loop (art. 7(2), docs/workorder-outbound.md): `workOrderOutbound` of tousu.config.json
 * read and validated, the secret read from its file, and the pump (collect the marked cases' reports, post what is
 * due) run on a wall-time timer and at once after each write of a work-order case. One run at a time; a kick
 * during a run makes one more run after it. The retry schedule counts in clock time (a virtual or manual clock).
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { HttpWorkOrderWebhook } from '../../shared/adapters/local/workorder-webhook';
import { errorName } from '../../shared/domain/errors';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { CaseStore, Clock, Logger } from '../../shared/ports';
import type { WorkOrderOutbox } from '../../shared/ports/workorder-outbox';
import { pumpWorkOrderReports, replayWorkOrderDeadLetters, retryPolicyOf, WorkOrderOutboundRuntimeConfig, workOrderConfigProblems } from '../../shared/services/workorder-outbound';
import type { PumpRun, WorkOrderRetryPolicy } from '../../shared/services/workorder-outbound';

export interface WorkOrderSettings {
  url: string;
  secret: string;
  everyMs: number;
  timeoutMs?: number;
  policy: WorkOrderRetryPolicy;
}

export class WorkOrderConfigError extends Error {
  override readonly name = 'WorkOrderConfigError';
}

/** `workOrderOutbound` validated and its secret read (relative paths from the data directory); undefined when absent. */
export async function readWorkOrderSettings(input: unknown, dataDir: string): Promise<WorkOrderSettings | undefined> {
  if (input === undefined) return undefined;
  const problems = workOrderConfigProblems(input, 'runtime');
  if (problems.length > 0) throw new WorkOrderConfigError(problems.map((p) => `${p.field}：${p.message}`).join('；'));
  const cfg = WorkOrderOutboundRuntimeConfig.parse(input);
  let policy: WorkOrderRetryPolicy;
  try {
    policy = retryPolicyOf(cfg);
  } catch (err) {
    throw new WorkOrderConfigError(`workOrderOutbound.retry 无效：${(err as Error).message}`);
  }
  const file = isAbsolute(cfg.secretFile) ? cfg.secretFile : join(dataDir, cfg.secretFile);
  let secret: string;
  try {
    secret = (await readFile(file, 'utf8')).trim();
  } catch (err) {
    throw new WorkOrderConfigError(`无法读取 12345 回传密钥文件 ${file}（${(err as { code?: string }).code ?? 'error'}）。请把与 12345 平台约定的共享密钥写入该文件（权限 0600）。`);
  }
  if (secret.length < 16) throw new WorkOrderConfigError(`12345 回传密钥文件 ${file} 中的密钥太短（至少 16 个字符）。`);
  return { url: cfg.url, secret, everyMs: cfg.everySeconds * 1000, ...(cfg.timeoutMs ? { timeoutMs: cfg.timeoutMs } : {}), policy };
}

export interface WorkOrderPump {
  outbox: WorkOrderOutbox;
  /** Runs the loop once now (after a run in progress); the result of that run. */
  run(): Promise<PumpRun>;
  /** Asks for a run soon (after each write of a work-order case). */
  kick(): void;
  replay(ids?: readonly string[]): Promise<string[]>;
  start(): void;
  stop(): Promise<void>;
}

export function createWorkOrderPump(deps: {
  settings: WorkOrderSettings;
  outbox: WorkOrderOutbox;
  store: () => CaseStore;
  clock: Clock;
  jurisdiction: JurisdictionConfig;
  logger: Logger;
}): WorkOrderPump {
  const { settings, outbox, clock, logger } = deps;
  const webhook = new HttpWorkOrderWebhook({ url: settings.url, secret: settings.secret, clock, ...(settings.timeoutMs ? { timeoutMs: settings.timeoutMs } : {}) });
  let running: Promise<PumpRun> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const once = () => pumpWorkOrderReports({ store: deps.store(), outbox, webhook, clock, jurisdiction: deps.jurisdiction, policy: settings.policy, logger });
  const run = (): Promise<PumpRun> => {
    if (running) return running.then(() => run());
    const p = once().finally(() => {
      running = undefined;
      if (again && !stopped) {
        again = false;
        void run().catch(() => undefined);
      }
    });
    running = p;
    return p;
  };
  const quiet = () =>
    run().catch((err: unknown) => {
      logger.error('workorder_pump_failed', { error: errorName(err) });
    });
  return {
    outbox,
    run,
    kick: () => {
      if (stopped) return;
      if (running) again = true;
      else setImmediate(() => void quiet());
    },
    replay: (ids) => replayWorkOrderDeadLetters({ outbox, clock }, ids),
    start() {
      void quiet();
      timer = setInterval(() => void quiet(), settings.everyMs);
      timer.unref();
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
