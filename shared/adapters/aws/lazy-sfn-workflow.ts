/**
 * The Step Functions Workflow of a function that calls Step Functions only on some invocations, or never in its
 * deployment (issue 26, bundle size): with the start queue (START_QUEUE_URL, every deployed stack) the intakes and
 * the reconciler only queue starts, and answer no task token; the life-cycle tasks answer their own token only in
 * the await task; the API only on a staff action. The Step Functions client and ./sfn-workflow (~22 KB bundled)
 * are imported on the first call, then kept for the container: one client, the same SfnWorkflow as when built at
 * cold start. A failed import is retried on the next call.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Workflow } from '../../ports';

/** What answers task tokens, without the state machine (the life-cycle task functions). */
export type TaskCallbacks = Pick<Workflow, 'sendTaskSuccess' | 'sendTaskFailure'>;

/** Never used as an ARN: `lazySfnCallbacks` offers no `start`. */
const NO_STATE_MACHINE = 'arn:none:states:::stateMachine:none';

function lazy(stateMachineArn: string | undefined, client: SFNClient | undefined): () => Promise<Workflow> {
  let workflow: Promise<Workflow> | undefined;
  return () =>
    // Not `import('@aws-sdk/client-sfn')`: a namespace loaded at run time keeps every command of the client.
    (workflow ??= import('./sfn-workflow').then(
      (m) => m.createSfnWorkflow(stateMachineArn ?? NO_STATE_MACHINE, client),
      (err: unknown) => {
        workflow = undefined;
        throw err;
      },
    ));
}

/** An SfnWorkflow on `stateMachineArn`, loaded on first use; `client` (tests, a shared client) or its own. */
export function lazySfnWorkflow(stateMachineArn: string, client?: SFNClient): Workflow {
  const load = lazy(stateMachineArn, client);
  return {
    async start(caseId, input, executionName) {
      return (await load()).start(caseId, input, executionName);
    },
    async sendTaskSuccess(taskToken, output) {
      return (await load()).sendTaskSuccess(taskToken, output);
    },
    async sendTaskFailure(taskToken, error, cause) {
      return (await load()).sendTaskFailure(taskToken, error, cause);
    },
  };
}

/** Task-token answers only (SendTaskSuccess, SendTaskFailure), loaded on first use. */
export function lazySfnCallbacks(client?: SFNClient): TaskCallbacks {
  const load = lazy(undefined, client);
  return {
    async sendTaskSuccess(taskToken, output) {
      return (await load()).sendTaskSuccess(taskToken, output);
    },
    async sendTaskFailure(taskToken, error, cause) {
      return (await load()).sendTaskFailure(taskToken, error, cause);
    },
  };
}
