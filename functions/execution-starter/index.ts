/**
 * Lambda on the start queue (SQS event source with ReportBatchItemFailures): starts the queued case executions.
 * Wiring only (shared/composition/aws-starter.ts); the work is in ./service. Clients and the logger are created once
 * per container.
 */
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { composeAwsStarter } from '../../shared/composition/aws-starter';
import { ExecutionStarterEnv } from './env';
import { startExecutions } from './service';
import type { StarterDeps } from './service';

const telemetry = lambdaTelemetry('execution-starter');
let deps: StarterDeps | undefined;

function build(): StarterDeps {
  // Through the AWS composition root (its starter part: no table, no jurisdiction).
  return composeAwsStarter(ExecutionStarterEnv.parse(process.env), { logger: telemetry.ports.logger, sfn: new SFNClient({}) });
}

export const handler = lambdaHandler(telemetry, async (event: SQSEvent): Promise<SQSBatchResponse> => {
  deps ??= build();
  return startExecutions(deps, event);
});
