/**
 * Cold-start wiring shared by the life-cycle task functions: the environment is checked once, and the ports come
 * from the AWS composition root (shared/composition/aws.ts), like every other function's: the calendar with the
 * jurisdiction's overrides and the years imported through the admin API, the rules, the store, the mail sender.
 * Each task's index calls `lifecycleRuntime()` at module scope. The archive store (S3 client, ~110 KB of bundle)
 * is passed in by the archive-case function only and the duplicate-index filing by screen-case only
 * (shared/composition/aws-parts.ts, aws-duplicates.ts), so the other bundles do not carry them; likewise the
 * hand-over to other jurisdictions' stacks (evidence store, Secrets Manager keys: screen-case only).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { composeAws, portLogger } from '../../shared/composition/aws';
import type { AwsComposition, AwsParts } from '../../shared/composition/aws';
import { lifecycleTasks, screenCase } from '../../shared/services/lifecycle-tasks';
import { awsHandoverFromEnv, lifecycleHandover } from '../../shared/composition/aws-handover';
import type { LifecycleTasks } from '../../shared/services/lifecycle-tasks';
import { LifecycleFunctionEnv } from './env';

export type LifecycleRuntimeOptions = Pick<AwsParts, 'archive' | 'duplicates' | 'evidence'> & {
  /** screen-case: hands cases over to the peers of `HANDOVER` (issue 15) before screening them. */
  handover?: boolean;
};

export function lifecycleRuntime(opts: LifecycleRuntimeOptions = {}): { logger: Logger; tasks: LifecycleTasks; composition: AwsComposition } {
  const env = LifecycleFunctionEnv.parse(process.env);
  const logger = new Logger({ serviceName: env.POWERTOOLS_SERVICE_NAME });
  const { handover: handsOver, ...parts } = opts;
  const composition = composeAws(process.env, { logger: portLogger(logger), ...parts });
  const deps = composition.lifecycleDeps();
  const handover = handsOver ? awsHandoverFromEnv(process.env) : undefined;
  const inner = lifecycleTasks(deps);
  if (handover) {
    const withHandover = { ...deps, handover: lifecycleHandover(composition, handover) };
    inner.screenCase = (payload) => screenCase(withHandover, payload);
  }
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
  return { logger, tasks, composition };
}
