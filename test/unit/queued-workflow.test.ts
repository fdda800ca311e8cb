import { SFNClient, SendTaskFailureCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { QueuedWorkflow, StartMessage } from '../../shared/adapters/aws/queued-workflow';
import { SfnWorkflow } from '../../shared/adapters/aws/sfn-workflow';
import { sfnStartWorkflow } from '../../shared/composition/aws-parts';

const ARN = 'arn:aws:states:ap-east-1:123456789012:stateMachine:CaseLifecycle';
const QUEUE_URL = 'https://sqs.ap-east-1.amazonaws.com/123456789012/StartQueue';

describe('QueuedWorkflow (Workflow port through the start queue)', () => {
  const sqsClient = new SQSClient({ region: 'ap-east-1' });
  const sfnClient = new SFNClient({ region: 'ap-east-1' });
  const sqs = mockClient(sqsClient);
  const sfn = mockClient(sfnClient);
  const wf = new QueuedWorkflow(sqsClient, QUEUE_URL, new SfnWorkflow(sfnClient, ARN));
  afterEach(() => {
    sqs.reset();
    sfn.reset();
  });
  afterAll(() => {
    sqs.restore();
    sfn.restore();
  });

  it('start sends one message { caseId, input, executionName } and calls no StartExecution', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });

    const r = await wf.start('510903-20260302-0001', { caseId: '510903-20260302-0001' }, '510903-20260302-0001');

    expect(r).toEqual({ executionId: 'queued:510903-20260302-0001', alreadyRunning: false });
    const calls = sqs.commandCalls(SendMessageCommand);
    expect(calls).toHaveLength(1);
    const sent = calls[0]!.args[0].input;
    expect(sent.QueueUrl).toBe(QUEUE_URL);
    expect(sent.MessageGroupId).toBeUndefined();
    expect(JSON.parse(sent.MessageBody!)).toEqual({ caseId: '510903-20260302-0001', input: { caseId: '510903-20260302-0001' }, executionName: '510903-20260302-0001' });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('the execution name defaults to the case id and is made a valid Step Functions name', async () => {
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });

    const r = await wf.start('510903/GX.0001', { caseId: '510903/GX.0001', resumeFrom: 'acceptance' });

    const body = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!) as unknown;
    expect(StartMessage.parse(body)).toEqual({ caseId: '510903/GX.0001', input: { caseId: '510903/GX.0001', resumeFrom: 'acceptance' }, executionName: '510903_GX_0001' });
    expect(r.executionId).toBe('queued:510903_GX_0001');
  });

  it('an SQS failure reaches the caller (the intake core then fails and its delivery is retried)', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('sqs down'));
    await expect(wf.start('c1', { caseId: 'c1' })).rejects.toThrow('sqs down');
  });

  it('task-token callbacks go straight to Step Functions, not through the queue', async () => {
    sfn.on(SendTaskSuccessCommand).resolves({}).on(SendTaskFailureCommand).resolves({});

    await wf.sendTaskSuccess('tok', { action: 'dispatch' });
    await wf.sendTaskFailure('tok2', 'PhaseConflictError', 'cause');

    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok', output: '{"action":"dispatch"}' });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok2', error: 'PhaseConflictError', cause: 'cause' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

describe('sfnStartWorkflow', () => {
  // Its clients are its own: mock every SQSClient and SFNClient instance (this block only).
  let sqs: ReturnType<typeof mockClient>;
  let sfn: ReturnType<typeof mockClient>;
  beforeAll(() => {
    sqs = mockClient(SQSClient);
    sfn = mockClient(SFNClient);
  });
  afterAll(() => {
    sqs.restore();
    sfn.restore();
  });

  it('queues starts when START_QUEUE_URL is set, else starts executions directly', async () => {
    sqs.on(SendMessageCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN.replace(':stateMachine:', ':execution:')}:c2`, startDate: new Date() });
    const queued = sfnStartWorkflow({ env: { STATE_MACHINE_ARN: ARN, START_QUEUE_URL: QUEUE_URL } });
    // The QueuedWorkflow (and the SQS client) load on the first start (lazy-queued-workflow.ts): the message is on the queue.
    expect(await queued.start('c1', { caseId: 'c1' })).toEqual({ executionId: 'queued:c1', alreadyRunning: false });
    expect(sqs.commandCalls(SendMessageCommand).map((c) => (c.args[0].input as { QueueUrl: string }).QueueUrl)).toEqual([QUEUE_URL]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    // Direct: StartExecution on the Step Functions client (loaded on first use, lazy-sfn-workflow.ts).
    const direct = sfnStartWorkflow({ env: { STATE_MACHINE_ARN: ARN } });
    expect(direct).not.toBeInstanceOf(QueuedWorkflow);
    expect(await direct.start('c2', { caseId: 'c2' })).toEqual({ executionId: `${ARN.replace(':stateMachine:', ':execution:')}:c2`, alreadyRunning: false });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([{ stateMachineArn: ARN, name: 'c2', input: '{"caseId":"c2"}' }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(1);
  });
});
