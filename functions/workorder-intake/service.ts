/**
 * 12345 work orders: structured records (our JSON shape, WorkOrder in shared/intake/channels.ts) arriving on an
 * SQS queue, one order per message. The work-order number is kept on the case (reporting back) and is the
 * source key `12345:<workOrderNo>`, so an order delivered twice is one case. Partial batch response: a bad or
 * failing message never sinks the others (bad ones reach the dead-letter queue after the retries).
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ValidationError, errorName } from '../../shared/domain/errors';
import { submitIntake } from '../../shared/intake/core';
import type { IntakeDeps, IntakeResult } from '../../shared/intake/core';
import { parseWorkOrder, workOrderIntake } from '../../shared/intake/channels';
import { consoleJsonLogger } from '../../shared/adapters/local/console-logger';

export async function submitWorkOrder(deps: IntakeDeps, raw: unknown): Promise<IntakeResult> {
  const order = parseWorkOrder(raw);
  return submitIntake(deps, workOrderIntake(order, { receivedAt: deps.clock.now().toISOString() }));
}

export async function handleWorkOrders(deps: IntakeDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      let raw: unknown;
      try {
        raw = JSON.parse(record.body);
      } catch {
        throw new ValidationError([{ field: '(root)', code: 'invalid_json', message: '工单内容不是有效的 JSON。' }]);
      }
      await submitWorkOrder(deps, raw);
    } catch (err) {
      const detail = err instanceof ValidationError ? err.problems.map((p) => `${p.field}:${p.code}`) : [errorName(err)];
      (deps.logger ?? consoleJsonLogger).warn('work order not filed', { messageId: record.messageId, detail });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}
