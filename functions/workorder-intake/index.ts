/** Lambda: SQS (12345 work orders, ReportBatchItemFailures) → one case per order. */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import { intakeComposition } from '../../shared/composition/aws-intake';
import type { IntakeDeps } from '../../shared/intake/core';
import { handleWorkOrders } from './service';

const telemetry = lambdaTelemetry('workorder-intake');
let deps: IntakeDeps | undefined;

export const handler = lambdaHandler(telemetry, async (event: SQSEvent): Promise<SQSBatchResponse> => {
  deps ??= intakeComposition(process.env, telemetry.ports).intakeDeps();
  return handleWorkOrders(deps, event);
});
