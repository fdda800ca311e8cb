/**
 * The AWS composition root's part for the execution starter (functions/execution-starter), a module of its own like
 * ./aws-parts.ts: the starter has no table, no jurisdiction and no mail, only the state machine it starts
 * executions of, so it does not load ./aws.ts (the DynamoDB client and the jurisdiction's configuration) into its
 * bundle. The environment is the starter's own schema (functions/execution-starter/env.ts, the CDK props type).
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import { SfnWorkflow } from '../adapters/aws/sfn-workflow';
import type { Logger, Workflow } from '../ports';

export interface AwsStarterComposition {
  /** StartExecution on the stack's state machine (ExecutionAlreadyExists → `alreadyRunning`). */
  workflow: Pick<Workflow, 'start'>;
  logger: Pick<Logger, 'info' | 'warn'>;
}

export function composeAwsStarter(env: { STATE_MACHINE_ARN: string }, opts: { logger: Pick<Logger, 'info' | 'warn'>; sfn: SFNClient }): AwsStarterComposition {
  return { workflow: new SfnWorkflow(opts.sfn, env.STATE_MACHINE_ARN), logger: opts.logger };
}
