/**
 * Workflow port on AWS Step Functions. The execution name is the case id, so StartExecution is idempotent:
 * ExecutionAlreadyExists means a previous delivery (or a crashed one) already started it.
 */
import { ExecutionAlreadyExists, SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Workflow } from '../../ports';
import { executionNameFor } from './execution-name';

export { executionNameFor };

export class SfnWorkflow implements Workflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  /** ARN of an execution of a standard state machine: `arn:…:stateMachine:NAME` → `arn:…:execution:NAME:EXEC`. */
  executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async start(caseId: string, input: Record<string, unknown>, executionName?: string): Promise<{ executionId: string; alreadyRunning: boolean }> {
    const name = executionNameFor(executionName ?? caseId);
    try {
      const out = await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) }));
      return { executionId: out.executionArn ?? this.executionArn(name), alreadyRunning: false };
    } catch (err) {
      // Same name, same input: StartExecution itself returns success while it runs; a different input or a
      // closed execution raises ExecutionAlreadyExists. Either way the case has (had) its execution.
      if (err instanceof ExecutionAlreadyExists || (err as { name?: string }).name === 'ExecutionAlreadyExists') {
        return { executionId: this.executionArn(name), alreadyRunning: true };
      }
      throw err;
    }
  }

  async sendTaskSuccess(taskToken: string, output: Record<string, unknown>): Promise<void> {
    await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  }

  async sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<void> {
    await this.client.send(new SendTaskFailureCommand({ taskToken, error: error.slice(0, 256), ...(cause !== undefined ? { cause: cause.slice(0, 32768) } : {}) }));
  }
}

/**
 * An SfnWorkflow on the given client, or on its own (region and credentials from the environment). Named imports
 * only, so that a lazy `import()` of this module (./lazy-sfn-workflow.ts) keeps the client's tree shaking.
 */
export function createSfnWorkflow(stateMachineArn: string, client: SFNClient = new SFNClient({})): SfnWorkflow {
  return new SfnWorkflow(client, stateMachineArn);
}
