/** Lambda: SQS (12345 work orders, ReportBatchItemFailures) → one case per order. */
import type { SQSEvent } from 'aws-lambda';
import { intakeDepsFromEnv } from '../../shared/intake/aws-deps';
import { handleWorkOrders } from './service';

let deps: ReturnType<typeof intakeDepsFromEnv> | undefined;

export const handler = async (event: SQSEvent) => {
  deps ??= intakeDepsFromEnv(process.env);
  return handleWorkOrders(deps, event);
};
