/**
 * Workflow port on AWS with a buffer: `start` puts one message on the start queue (SQS, KMS, with a dead-letter
 * queue) instead of calling StartExecution, and the execution-starter Lambda starts the execution from it. A burst
 * of intake then waits in the queue instead of being throttled by StartExecution, and an outage of Step Functions
 * leaves the starts in the queue (then in its DLQ, alarmed, redrivable), not lost.
 *
 * The message carries the execution name, so delivering it twice (SQS is at least once) still gives one
 * execution: Step Functions refuses a second start of the same name. Task-token callbacks are not buffered:
 * staff are waiting for their answer, and a stale token must reach the caller as an error.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { Workflow } from '../../ports';
import { executionNameFor } from './execution-name';

/** Step Functions execution names: 1–80 characters of letters, digits, `-` and `_`. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** One message on the start queue (what the execution starter accepts). */
export const StartMessage = z.object({
  caseId: z.string().min(1).max(200),
  input: z.record(z.string(), z.unknown()),
  executionName: z.string().regex(EXECUTION_NAME),
});
export type StartMessage = z.infer<typeof StartMessage>;

/** `executionId` of a start that is queued, not yet started. */
export const queuedExecutionId = (executionName: string): string => `queued:${executionName}`;

export class QueuedWorkflow implements Workflow {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    /** Answers task tokens directly (usually an SfnWorkflow). */
    private readonly callbacks: Pick<Workflow, 'sendTaskSuccess' | 'sendTaskFailure'>,
  ) {}

  /**
   * Queues the start. `alreadyRunning` is always false: whether an execution of that name exists is known only
   * to the starter (which treats ExecutionAlreadyExists as success).
   */
  async start(caseId: string, input: Record<string, unknown>, executionName?: string): Promise<{ executionId: string; alreadyRunning: boolean }> {
    const message: StartMessage = StartMessage.parse({ caseId, input, executionName: executionNameFor(executionName ?? caseId) });
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(message) }));
    return { executionId: queuedExecutionId(message.executionName), alreadyRunning: false };
  }

  sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    return this.callbacks.sendTaskSuccess(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void> {
    return this.callbacks.sendTaskFailure(taskToken, error, cause);
  }
}

/** A QueuedWorkflow with its own SQS client unless one is given (what ./lazy-queued-workflow.ts loads). */
export const createQueuedWorkflow = (queueUrl: string, callbacks: Pick<Workflow, 'sendTaskSuccess' | 'sendTaskFailure'>, sqs?: SQSClient): QueuedWorkflow =>
  new QueuedWorkflow(sqs ?? new SQSClient({}), queueUrl, callbacks);
