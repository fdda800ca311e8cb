import { ExecutionAlreadyExists, SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnWorkflow, executionNameFor } from '../../shared/adapters/aws/sfn-workflow';

const ARN = 'arn:aws:states:ap-east-1:123456789012:stateMachine:CaseLifecycle';

describe('SfnWorkflow (Workflow port on Step Functions)', () => {
  const client = new SFNClient({ region: 'ap-east-1' });
  const sfn = mockClient(client);
  const wf = new SfnWorkflow(client, ARN);
  afterEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  it('starts an execution named after the case id with the JSON input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:510903-20260302-0001`, startDate: new Date() });
    const r = await wf.start('510903-20260302-0001', { caseId: '510903-20260302-0001' }, '510903-20260302-0001');
    expect(r).toEqual({ executionId: 'arn:aws:states:ap-east-1:123456789012:execution:CaseLifecycle:510903-20260302-0001', alreadyRunning: false });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: ARN, name: '510903-20260302-0001', input: '{"caseId":"510903-20260302-0001"}' });
  });

  it('treats ExecutionAlreadyExists as already running; other errors propagate', async () => {
    sfn.on(StartExecutionCommand).rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} })).rejectsOnce(new Error('throttled'));
    expect(await wf.start('c1', { caseId: 'c1' })).toEqual({ executionId: `${ARN.replace(':stateMachine:', ':execution:')}:c1`, alreadyRunning: true });
    await expect(wf.start('c1', { caseId: 'c1' })).rejects.toThrow('throttled');
  });

  it('sends task success and failure; a stale token error reaches the caller', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({}).on(SendTaskFailureCommand).resolves({});
    await wf.sendTaskSuccess('tok', { phase: 'acceptance', action: 'dispatch' });
    await wf.sendTaskFailure('tok2', 'PhaseConflictError', 'x');
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok', output: '{"phase":"acceptance","action":"dispatch"}' });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok2', error: 'PhaseConflictError', cause: 'x' });
    sfn.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    await expect(wf.sendTaskSuccess('old', {})).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('execution names keep to the allowed characters and length', () => {
    expect(executionNameFor('510903-GX-20260302-0001')).toBe('510903-GX-20260302-0001');
    expect(executionNameFor('a.b/c'.repeat(30))).toMatch(/^[A-Za-z0-9_-]{80}$/);
  });
});
