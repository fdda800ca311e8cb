/**
 * The execution starter: SQS start queue → StartExecution, one per message (shared/adapters/aws/queued-workflow.ts
 * writes them). The execution name travels in the message, so a message delivered twice, or a start queued by
 * two deliveries of the same intake, still makes one execution: ExecutionAlreadyExists counts as success.
 *
 * Partial batch response: a message that fails (Step Functions throttled or down, or a body that is not a start
 * message) is reported in `batchItemFailures`, so only it comes back after the visibility timeout, and after
 * maxReceiveCount receives it rests in the start queue's dead-letter queue (alarmed; redrive it to the queue once
 * the cause is fixed). Logs carry message ids, case ids and error names only, never the execution input.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { StartMessage } from '../../shared/adapters/aws/queued-workflow';
import type { Workflow, Logger } from '../../shared/ports';
import { errorName } from '../../shared/domain/errors';

export type StarterLogger = Pick<Logger, 'info' | 'warn'>;

export interface StarterDeps {
  /** StartExecution (the SfnWorkflow adapter: ExecutionAlreadyExists → `alreadyRunning`). */
  workflow: Pick<Workflow, 'start'>;
  logger: StarterLogger;
}

export type StartOutcome = 'started' | 'already_exists' | 'invalid' | 'failed';

/** Thrown for a body that is not a start message: reported, never retried into success, ends in the DLQ. */
class InvalidStartMessage extends Error {
  override readonly name = 'InvalidStartMessage';
  constructor(readonly problems: string[]) {
    super(`invalid start message: ${problems.join(', ')}`);
  }
}

function parseMessage(record: SQSRecord): StartMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(record.body);
  } catch {
    throw new InvalidStartMessage(['(body):invalid_json']);
  }
  const parsed = StartMessage.safeParse(raw);
  // Paths and codes only: the values may be anything, including text that must not reach a log.
  if (!parsed.success) throw new InvalidStartMessage(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}:${i.code}`));
  return parsed.data;
}

async function startOne(deps: StarterDeps, record: SQSRecord): Promise<StartOutcome> {
  let message: StartMessage;
  try {
    message = parseMessage(record);
  } catch (err) {
    const problems = err instanceof InvalidStartMessage ? err.problems : ['(body):unreadable'];
    deps.logger.warn('start message invalid', { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount, problems });
    return 'invalid';
  }
  const { caseId, input, executionName } = message;
  try {
    const r = await deps.workflow.start(caseId, input, executionName);
    deps.logger.info(r.alreadyRunning ? 'execution already exists' : 'execution started', { messageId: record.messageId, caseId, executionName });
    return r.alreadyRunning ? 'already_exists' : 'started';
  } catch (err) {
    deps.logger.warn('execution start failed', {
      messageId: record.messageId,
      caseId,
      executionName,
      receiveCount: record.attributes.ApproximateReceiveCount,
      error: errorName(err),
    });
    return 'failed';
  }
}

/** One StartExecution per record, in order (a small batch: gentle on the StartExecution rate). */
export async function startExecutions(deps: StarterDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const counts: Record<StartOutcome, number> = { started: 0, already_exists: 0, invalid: 0, failed: 0 };
  for (const record of event.Records) {
    const outcome = await startOne(deps, record);
    counts[outcome]++;
    if (outcome === 'invalid' || outcome === 'failed') batchItemFailures.push({ itemIdentifier: record.messageId });
  }
  deps.logger.info('start batch done', { records: event.Records.length, ...counts });
  return { batchItemFailures };
}
