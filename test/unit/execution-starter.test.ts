import { ExecutionAlreadyExists, ExecutionLimitExceeded, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSEvent } from 'aws-lambda';
import { SfnWorkflow } from '../../shared/adapters/aws/sfn-workflow';
import { startExecutions } from '../../functions/execution-starter/service';
import type { StarterLogger } from '../../functions/execution-starter/service';
import { sqsRecord } from '../fixtures/sqs-event';

const ARN = 'arn:aws:states:ap-east-1:123456789012:stateMachine:CaseLifecycle';

const message = (caseId: string, extra: Record<string, unknown> = {}) => JSON.stringify({ caseId, input: { caseId, ...extra }, executionName: caseId });

class RecordingLogger implements StarterLogger {
  readonly lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
  info(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(data ? { data } : {}) });
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(data ? { data } : {}) });
  }
}

describe('execution starter (SQS start queue → StartExecution)', () => {
  const client = new SFNClient({ region: 'ap-east-1' });
  const sfn = mockClient(client);
  const workflow = new SfnWorkflow(client, ARN);
  let logger: RecordingLogger;
  beforeEach(() => {
    logger = new RecordingLogger();
  });
  afterEach(() => sfn.reset());
  afterAll(() => sfn.restore());

  it('starts one execution per message, named as the message says, with its input', async () => {
    sfn.on(StartExecutionCommand).callsFake((i: { name: string }) => ({ executionArn: `arn:execution:${i.name}`, startDate: new Date() }));
    const event: SQSEvent = { Records: [sqsRecord('m1', message('510903-20260302-0001')), sqsRecord('m2', message('510903-20260302-0002', { resumeFrom: 'acceptance' }))] };

    const out = await startExecutions({ workflow, logger }, event);

    expect(out).toEqual({ batchItemFailures: [] });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: ARN, name: '510903-20260302-0001', input: '{"caseId":"510903-20260302-0001"}' },
      { stateMachineArn: ARN, name: '510903-20260302-0002', input: '{"caseId":"510903-20260302-0002","resumeFrom":"acceptance"}' },
    ]);
    expect(logger.lines.at(-1)).toEqual({ level: 'info', message: 'start batch done', data: { records: 2, started: 2, already_exists: 0, invalid: 0, failed: 0 } });
  });

  it('ExecutionAlreadyExists is success (a message delivered twice, or a replayed intake)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const out = await startExecutions({ workflow, logger }, { Records: [sqsRecord('m1', message('c1'))] });

    expect(out).toEqual({ batchItemFailures: [] });
    expect(logger.lines[0]).toMatchObject({ message: 'execution already exists', data: { caseId: 'c1', executionName: 'c1' } });
  });

  it('a failing start is reported in batchItemFailures; the other records of the batch still start', async () => {
    sfn.on(StartExecutionCommand).callsFake((i: { name: string }) => {
      if (i.name === 'c2') throw new ExecutionLimitExceeded({ message: 'limit', $metadata: {} });
      return { executionArn: `arn:execution:${i.name}`, startDate: new Date() };
    });

    const out = await startExecutions({ workflow, logger }, { Records: [sqsRecord('m1', message('c1')), sqsRecord('m2', message('c2'), 3), sqsRecord('m3', message('c3'))] });

    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(['c1', 'c2', 'c3']);
    expect(logger.lines.find((l) => l.level === 'warn')).toEqual({
      level: 'warn',
      message: 'execution start failed',
      data: { messageId: 'm2', caseId: 'c2', executionName: 'c2', receiveCount: '3', error: 'ExecutionLimitExceeded' },
    });
  });

  it('an invalid message (not JSON, wrong shape, bad execution name) is a failure and starts nothing; the log names fields, not values', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    const secret = '张三 13800138000';
    const event: SQSEvent = {
      Records: [
        sqsRecord('bad-json', `{"caseId": "${secret}"`),
        sqsRecord('no-input', JSON.stringify({ caseId: 'c1', executionName: 'c1', name: secret })),
        sqsRecord('bad-name', JSON.stringify({ caseId: 'c2', input: { caseId: 'c2' }, executionName: secret })),
        sqsRecord('good', message('c3')),
      ],
    };

    const out = await startExecutions({ workflow, logger }, event);

    expect(out.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['bad-json', 'no-input', 'bad-name']);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name)).toEqual(['c3']);
    const warnings = logger.lines.filter((l) => l.level === 'warn');
    expect(warnings.map((w) => w.data?.problems)).toEqual([['(body):invalid_json'], ['input:invalid_type'], ['executionName:invalid_format']]);
    expect(JSON.stringify(logger.lines)).not.toContain('张三');
    expect(JSON.stringify(logger.lines)).not.toContain('13800138000');
  });

  it('logs carry case ids, never the execution input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:x', startDate: new Date() });
    await startExecutions({ workflow, logger }, { Records: [sqsRecord('m1', JSON.stringify({ caseId: 'c1', input: { caseId: 'c1', note: '张三的投诉' }, executionName: 'c1' }))] });
    expect(JSON.stringify(logger.lines)).not.toContain('张三');
    expect(logger.lines[0]).toMatchObject({ message: 'execution started', data: { caseId: 'c1' } });
  });
});
