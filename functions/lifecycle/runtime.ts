/**
 * Cold-start wiring shared by the life-cycle task functions: the environment is checked once, and the ports come
 * from the AWS composition root (shared/composition/aws.ts), like every other function's: the calendar with the
 * jurisdiction's overrides and the years imported through the admin API, the rules, the store, the mail sender.
 * Each task's index calls `lifecycleRuntime()` at module scope, binds the one task it runs with `run(task)`,
 * importing that task alone from shared/services/lifecycle-tasks.ts (the bundle carries that task's code and
 * what it calls, not the other five: issue 26, one bundle per task), and exports `lambdaHandler(telemetry, …)`,
 * the one middy chain (Powertools logger and metrics, shared/composition/aws-lambda.ts). The archive store (S3
 * client, ~110 KB of bundle) is passed in by the archive-case function only and the duplicate-index filing by
 * screen-case only (shared/composition/aws-parts.ts, aws-duplicates.ts), so the other bundles do not carry them;
 * likewise the hand-over to other jurisdictions' stacks (evidence store, Secrets Manager keys: screen-case only).
 */
import { composeAws } from '../../shared/composition/aws';
import { lambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { LambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { AwsComposition, AwsParts } from '../../shared/composition/aws';
import type { LifecycleTaskDeps } from '../../shared/services/lifecycle-tasks';
import { LifecycleFunctionEnv } from './env';

export type LifecycleRuntimeOptions = Pick<AwsParts, 'archive' | 'duplicates' | 'evidence'> & {
  /**
   * Read the years imported through the admin API (at most every 5 minutes) before the task runs: every task
   * that computes a date. Record Failure does not (default true).
   */
  refreshCalendar?: boolean;
  /**
   * screen-case: hands cases over to the peers of `HANDOVER` (issue 15) before screening them. Passed in
   * (shared/composition/aws-handover.ts `lifecycleHandoverFromEnv`) so that the other tasks' bundles do not carry
   * the hand-over settings' schema and sender.
   */
  handover?: (composition: AwsComposition, raw: NodeJS.ProcessEnv) => LifecycleTaskDeps['handover'] | undefined;
};

export interface LifecycleRuntime {
  telemetry: LambdaTelemetry;
  deps: LifecycleTaskDeps;
  composition: AwsComposition;
  /** The handler body of one task: `run(prepareWait)` is `(payload) => prepareWait(deps, payload)`. */
  run<R>(task: (deps: LifecycleTaskDeps, payload: unknown) => Promise<R>): (payload: unknown) => Promise<R>;
}

export function lifecycleRuntime(opts: LifecycleRuntimeOptions = {}): LifecycleRuntime {
  const env = LifecycleFunctionEnv.parse(process.env);
  const telemetry = lambdaTelemetry(env.POWERTOOLS_SERVICE_NAME);
  const { refreshCalendar = true, handover: handoverFromEnv, ...parts } = opts;
  const composition = composeAws(process.env, { ...telemetry.ports, ...parts });
  const handover = handoverFromEnv?.(composition, process.env);
  const base = composition.lifecycleDeps();
  const deps: LifecycleTaskDeps = handover ? { ...base, handover } : base;
  const run =
    <R>(task: (d: LifecycleTaskDeps, payload: unknown) => Promise<R>) =>
    async (payload: unknown): Promise<R> => {
      if (refreshCalendar) await composition.refreshCalendar();
      return task(deps, payload);
    };
  return { telemetry, deps, composition, run };
}
