import { ExecutionAlreadyExists, SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { SfnWorkflow, executionNameFor } from '../../shared/adapters/aws/sfn-workflow';
import { lazySfnCallbacks, lazySfnWorkflow } from '../../shared/adapters/aws/lazy-sfn-workflow';

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
    sfn
      .on(StartExecutionCommand)
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }))
      .rejectsOnce(new Error('throttled'));
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

  it('a lazy workflow uses the client it is given', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({});
    await lazySfnWorkflow(ARN, client).sendTaskSuccess('t1', { ok: true });
    expect(sfn.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: 't1', output: '{"ok":true}' }]);
  });

  it('execution names keep to the allowed characters and length', () => {
    expect(executionNameFor('510903-GX-20260302-0001')).toBe('510903-GX-20260302-0001');
    expect(executionNameFor('a.b/c'.repeat(30))).toMatch(/^[A-Za-z0-9_-]{80}$/);
  });
});

describe('lazySfnWorkflow and lazySfnCallbacks (Step Functions loaded on first use)', () => {
  // Without a client of their own they build one on first use: mock every SFNClient instance (this block only).
  let mock: ReturnType<typeof mockClient>;
  beforeAll(() => {
    mock = mockClient(SFNClient);
  });
  afterEach(() => mock.reset());
  afterAll(() => mock.restore());

  it('starts, answers and fails exactly as SfnWorkflow (same commands, same ExecutionAlreadyExists mapping)', async () => {
    const wf = lazySfnWorkflow(ARN);
    mock
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:c1`, startDate: new Date() })
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    mock.on(SendTaskSuccessCommand).resolves({}).on(SendTaskFailureCommand).resolves({});
    expect(await wf.start('c1', { caseId: 'c1' })).toEqual({ executionId: `${ARN.replace(':stateMachine:', ':execution:')}:c1`, alreadyRunning: false });
    expect(await wf.start('c1', { caseId: 'c1' })).toEqual({ executionId: `${ARN.replace(':stateMachine:', ':execution:')}:c1`, alreadyRunning: true });
    expect(mock.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: ARN, name: 'c1', input: '{"caseId":"c1"}' });
    await wf.sendTaskSuccess('tok', { phase: 'acceptance' });
    await wf.sendTaskFailure('tok2', 'E', 'why');
    expect(mock.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok', output: '{"phase":"acceptance"}' });
    expect(mock.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok2', error: 'E', cause: 'why' });
    mock.on(SendTaskSuccessCommand).rejects(new TaskTimedOut({ message: 'timed out', $metadata: {} }));
    await expect(wf.sendTaskSuccess('old', {})).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('the callbacks send task answers only, on a client of their own', async () => {
    mock.on(SendTaskSuccessCommand).resolves({});
    const callbacks = lazySfnCallbacks();
    expect(Object.keys(callbacks).sort()).toEqual(['sendTaskFailure', 'sendTaskSuccess']);
    await callbacks.sendTaskSuccess('t2', { phase: 'handling' });
    expect(mock.commandCalls(SendTaskSuccessCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: 't2', output: '{"phase":"handling"}' }]);
  });
});
