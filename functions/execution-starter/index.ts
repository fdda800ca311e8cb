/**
 * Lambda on the start queue (SQS event source with ReportBatchItemFailures): starts the queued case executions.
 * Wiring only; the work is in ./service. Clients and the logger are created once per container.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SfnWorkflow } from '../../shared/adapters/aws/sfn-workflow';
import { ExecutionStarterEnv } from './env';
import { startExecutions } from './service';
import type { StarterDeps } from './service';

const logger = new Logger({ serviceName: 'execution-starter' });
let deps: StarterDeps | undefined;

export const handler = middy(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  deps ??= { workflow: new SfnWorkflow(new SFNClient({}), ExecutionStarterEnv.parse(process.env).STATE_MACHINE_ARN), logger };
  return startExecutions(deps, event);
}).use(injectLambdaContext(logger));
