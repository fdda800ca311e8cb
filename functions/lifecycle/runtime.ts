/**
 * Cold-start wiring shared by the life-cycle task functions: the environment is checked once, and the ports come
 * from the AWS composition root (shared/composition/aws.ts), like every other function's: the calendar with the
 * jurisdiction's overrides and the years imported through the admin API, the rules, the store, the mail sender.
 * Each task's index calls `lifecycleRuntime()` at module scope and exports `lambdaHandler(telemetry, …)`, the one
 * middy chain (Powertools logger and metrics, shared/composition/aws-lambda.ts). The archive store (S3 client, ~110 KB of bundle)
 * is passed in by the archive-case function only and the duplicate-index filing by screen-case only
 * (shared/composition/aws-parts.ts, aws-duplicates.ts), so the other bundles do not carry them.
 */
import { composeAws } from '../../shared/composition/aws';
import { lambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { LambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { AwsComposition, AwsParts } from '../../shared/composition/aws';
import { lifecycleTasks } from '../../shared/services/lifecycle-tasks';
import type { LifecycleTasks } from '../../shared/services/lifecycle-tasks';
import { LifecycleFunctionEnv } from './env';

export type LifecycleRuntimeOptions = Pick<AwsParts, 'archive' | 'duplicates'>;

export function lifecycleRuntime(opts: LifecycleRuntimeOptions = {}): { telemetry: LambdaTelemetry; tasks: LifecycleTasks; composition: AwsComposition } {
  const env = LifecycleFunctionEnv.parse(process.env);
  const telemetry = lambdaTelemetry(env.POWERTOOLS_SERVICE_NAME);
  const composition = composeAws(process.env, { ...telemetry.ports, ...opts });
  const inner = lifecycleTasks(composition.lifecycleDeps());
  // The years imported through the admin API are read (at most every 5 minutes) before a task computes a date.
  const fresh =
    <P, R>(task: (payload: P) => Promise<R>) =>
    async (payload: P): Promise<R> => {
      await composition.refreshCalendar();
      return task(payload);
    };
  const tasks: LifecycleTasks = {
    screenCase: fresh(inner.screenCase),
    prepareWait: fresh(inner.prepareWait),
    awaitAction: fresh(inner.awaitAction),
    handleDeadline: fresh(inner.handleDeadline),
    archiveCase: fresh(inner.archiveCase),
    recordFailure: inner.recordFailure,
  };
  return { telemetry, tasks, composition };
}
