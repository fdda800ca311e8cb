/**
 * The AWS start path end to end, short of AWS: the intake core on the real CaseStore (dynalite) starts cases
 * through QueuedWorkflow (SQS mocked, messages captured), then the real execution-starter Lambda handler (middy,
 * Powertools logger) is fed those messages with Step Functions mocked as it behaves: a second start of the same
 * name raises ExecutionAlreadyExists.
 */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SendMessageCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { QueuedWorkflow } from '../../shared/adapters/aws/queued-workflow';
import { submitIntake } from '../../shared/intake/core';
import type { IntakeDeps } from '../../shared/intake/core';
import { handler } from '../../functions/execution-starter/index';
import { STATE_MACHINE_ARN, sampleIntake, startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';
import { sqsEvent } from '../fixtures/sqs-event';

const QUEUE_URL = 'https://sqs.ap-east-1.amazonaws.com/123456789012/StartQueue';
const context = { functionName: 'execution-starter', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

describe('intake → start queue → execution starter', () => {
  let h: Harness;
  let deps: IntakeDeps;
  let queued: string[];
  const sqsClient = new SQSClient({ region: 'ap-east-1' });
  const sqs = mockClient(sqsClient);
  // The starter builds its own SFNClient at cold start: mock the class, after the harness mocked its instance
  // (a class mock made first stops working once an instance is mocked).
  let sfn: AwsClientStub<SFNClient>;
  const executions = new Set<string>();
  let logged: string;
  const writeOut = process.stdout.write.bind(process.stdout);
  const writeErr = process.stderr.write.bind(process.stderr);

  beforeAll(() => {
    process.env.STATE_MACHINE_ARN = STATE_MACHINE_ARN;
  });
  beforeEach(async () => {
    h = await startHarness();
    queued = [];
    executions.clear();
    sqs.on(SendMessageCommand).callsFake((i: SendMessageCommandInput) => {
      queued.push(i.MessageBody!);
      return { MessageId: `m${queued.length}` };
    });
    sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).callsFake((i: StartExecutionCommandInput) => {
      if (executions.has(i.name!)) throw new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} });
      executions.add(i.name!);
      return { executionArn: `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${i.name}`, startDate: new Date() };
    });
    deps = { ...h.deps, workflow: new QueuedWorkflow(sqsClient, QUEUE_URL, h.deps.workflow) };
    logged = '';
    // Powertools writes INFO to stdout and WARN to stderr.
    const capture = ((chunk: string | Uint8Array) => {
      logged += String(chunk);
      return true;
    }) as typeof process.stdout.write;
    process.stdout.write = capture;
    process.stderr.write = capture;
  });
  afterEach(async () => {
    process.stdout.write = writeOut;
    process.stderr.write = writeErr;
    sqs.reset();
    sfn.restore();
    await h.close();
  });
  afterAll(() => {
    sqs.restore();
    delete process.env.STATE_MACHINE_ARN;
  });

  const startCalls = () => sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
  const run = (bodies: string[], prefix = 'm') => handler(sqsEvent(bodies, prefix), context) as Promise<SQSBatchResponse>;

  it('each case is queued, then started once; the intake itself never calls StartExecution', async () => {
    const a = await submitIntake(deps, sampleIntake());
    const b = await submitIntake(deps, sampleIntake({ channel: 'letter', sourceKey: 'letter:scan-0042' }));

    expect(queued.map((m) => JSON.parse(m) as unknown)).toEqual([
      { caseId: a.caseId, input: { caseId: a.caseId }, executionName: a.caseId },
      { caseId: b.caseId, input: { caseId: b.caseId }, executionName: b.caseId },
    ]);
    expect(h.startCalls()).toEqual([]);
    expect(startCalls()).toEqual([]);

    const out = await run(queued);

    expect(out).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toEqual([
      { stateMachineArn: STATE_MACHINE_ARN, name: a.caseId, input: JSON.stringify({ caseId: a.caseId }) },
      { stateMachineArn: STATE_MACHINE_ARN, name: b.caseId, input: JSON.stringify({ caseId: b.caseId }) },
    ]);
    expect((await h.store.get(a.caseId))?.phase).toBe('received');
  });

  it('a message delivered twice and a replayed intake still make one execution per case', async () => {
    const intake = sampleIntake();
    const first = await submitIntake(deps, intake);
    const replay = await submitIntake(deps, intake);
    expect(replay).toMatchObject({ caseId: first.caseId, duplicate: true });
    expect(queued).toHaveLength(2); // the replay re-queues the start of the still 'received' case

    const once = await run(queued);
    const again = await run(queued, 'redelivered-'); // SQS at least once: the same batch again

    expect(once).toEqual({ batchItemFailures: [] });
    expect(again).toEqual({ batchItemFailures: [] });
    expect(startCalls()).toHaveLength(4);
    expect(new Set(startCalls().map((c) => c.name))).toEqual(new Set([first.caseId]));
    expect([...executions]).toEqual([first.caseId]);
  });

  it('the starter logs case ids, never what the complainant wrote', async () => {
    const r = await submitIntake(deps, sampleIntake());
    await run(queued);
    expect(logged).toContain(r.caseId);
    expect(logged).toContain('execution started');
    for (const pii of ['张三', '13800138000', 'zhangsan@example.cn', '营业执照']) expect(logged).not.toContain(pii);
  });
});
