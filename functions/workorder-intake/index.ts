/** Lambda: SQS (12345 work orders, ReportBatchItemFailures) → one case per order. */
import type { SQSEvent } from 'aws-lambda';
import { intakeComposition } from '../../shared/intake/aws-deps';
import type { IntakeDeps } from '../../shared/intake/core';
import { handleWorkOrders } from './service';

let deps: IntakeDeps | undefined;

export const handler = async (event: SQSEvent) => {
  deps ??= intakeComposition(process.env).intakeDeps();
  return handleWorkOrders(deps, event);
};
