/**
 * The start queue's Workflow (./queued-workflow.ts), loaded on the first `start` (issue 26, bundle size): the SQS
 * client and its SendMessage command (~23 KB bundled) are not part of a cold start. The reconciler starts an
 * execution only when it repairs a case; an intake loads it with its first case. Task-token callbacks go to
 * `callbacks` directly, without loading SQS. A failed load is retried on the next call.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Workflow } from '../../ports';

export function lazyQueuedWorkflow(queueUrl: string, callbacks: Pick<Workflow, 'sendTaskSuccess' | 'sendTaskFailure'>, sqs?: SQSClient): Workflow {
  let wf: Promise<Workflow> | undefined;
  const load = (): Promise<Workflow> =>
    (wf ??= import('./queued-workflow').then(
      (m) => m.createQueuedWorkflow(queueUrl, callbacks, sqs),
      (err: unknown) => {
        wf = undefined;
        throw err;
      },
    ));
  return {
    start: async (caseId, input, executionName) => (await load()).start(caseId, input, executionName),
    sendTaskSuccess: (taskToken, output) => callbacks.sendTaskSuccess(taskToken, output),
    sendTaskFailure: (taskToken, error, cause) => callbacks.sendTaskFailure(taskToken, error, cause),
  };
}
