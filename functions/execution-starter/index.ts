/**
 * Lambda on the start queue (SQS event source with ReportBatchItemFailures): starts the queued case executions.
 * Wiring only; the work is in ./service. Clients and the logger are created once per container.
 */
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnWorkflow } from '../../shared/adapters/aws/sfn-workflow';
import { ExecutionStarterEnv } from './env';
import { startExecutions } from './service';
import type { StarterDeps } from './service';

const telemetry = lambdaTelemetry('execution-starter');
let deps: StarterDeps | undefined;

function build(): StarterDeps {
  const env = ExecutionStarterEnv.parse(process.env);
  return {
    workflow: new SfnWorkflow(new SFNClient({}), env.STATE_MACHINE_ARN),
    logger: telemetry.ports.logger,
  };
}

export const handler = lambdaHandler(telemetry, async (event: SQSEvent): Promise<SQSBatchResponse> => {
  deps ??= build();
  return startExecutions(deps, event);
});
