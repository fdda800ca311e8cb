/**
 * The scheduled reconciler of AWS (functions/reconciler/service.ts) on the real table code (dynalite) with the start
 * queue mocked (aws-sdk-client-mock): a case whose start was lost is queued once; the next scheduled runs, which
 * QueuedWorkflow cannot tell that the execution exists, report it instead of repairing it again; a claim whose
 * intake is parked as a dead letter is replayed into its case. Logs carry no personal data and no source key.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ReconcilerEnv } from '../../functions/reconciler/env';
import { calendarCheck, reconcilerDeps, runReconciler } from '../../functions/reconciler/service';
import type { ReconcilerLogger } from '../../functions/reconciler/service';
import type { CanonicalIntake } from '../../shared/domain/intake';
import { submitIntake } from '../../shared/intake/core';
import { deadLetterId } from '../../shared/services/dead-letters';
import { DynamoDeadLetterStore } from '../../shared/adapters/aws/dynamo-dead-letter-store';
import { FailingWorkflow } from '../fixtures/faults';
import { canonicalWebIntake, openHarness, PEOPLE } from './helpers';
import type { ReliabilityHarness } from './helpers';

const sqs = mockClient(SQSClient);
let h: ReliabilityHarness;
const lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
const logger: ReconcilerLogger = {
  info: (message, data) => lines.push({ level: 'info', message, ...(data ? { data } : {}) }),
  warn: (message, data) => lines.push({ level: 'warn', message, ...(data ? { data } : {}) }),
  error: (message, data) => lines.push({ level: 'error', message, ...(data ? { data } : {}) }),
};

beforeEach(async () => {
  h = await openHarness();
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  lines.length = 0;
});
afterEach(async () => {
  await h.close();
});

function env() {
  return ReconcilerEnv.parse({
    TABLE_NAME: h.tableName,
    JURISDICTION: '510903',
    STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:000000000000:stateMachine:tousu-510903',
    START_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/000000000000/tousu-start',
  });
}

function deps() {
  const clients = { dynamo: h.client, sqs: new SQSClient({ region: 'ap-east-1' }), sfn: new SFNClient({ region: 'ap-east-1' }) };
  return reconcilerDeps(env(), clients, { now: () => h.now.value }, logger);
}

const person = PEOPLE[7]!;
const intake = (key: string): CanonicalIntake => canonicalWebIntake(`web:reconciler-${key}`, person);

const advance = (ms: number) => (h.now.value = new Date(h.now.value.getTime() + ms));
const sentBodies = () => sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!) as Record<string, unknown>);

test('the environment: threshold 15 minutes by default; a bad queue URL is refused at cold start', () => {
  expect(env().THRESHOLD_MINUTES).toBe(15);
  expect(() => ReconcilerEnv.parse({ ...env(), START_QUEUE_URL: 'not a url' })).toThrow();
});

test('a case whose start was lost is queued once; later runs report it instead of repairing it on every run', async () => {
  // StartExecution (here: SendMessage) failed after the case was written, and nobody redelivered.
  const lost = { ...h.deps, workflow: new FailingWorkflow(h.workflow, () => true) };
  await expect(submitIntake(lost, intake('lost-start'))).rejects.toMatchObject({ name: 'ThrottlingException' });
  const [c] = await h.allCases();
  expect(c).toMatchObject({ phase: 'received' });

  advance(20 * 60_000);
  const first = await runReconciler(deps(), { thresholdMs: env().THRESHOLD_MINUTES * 60_000 }, logger);
  expect(first.findings).toEqual({ 'not_started:started': 1 });
  expect(sentBodies()).toEqual([{ caseId: c!.caseId, input: { caseId: c!.caseId }, executionName: c!.caseId }]);
  expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.QueueUrl).toBe(env().START_QUEUE_URL);

  // Three more scheduled runs, the case still not moving (the queued start could not be told apart from a running one).
  for (let run = 0; run < 3; run++) {
    advance(16 * 60_000);
    const next = await runReconciler(deps(), { thresholdMs: 15 * 60_000 }, logger);
    expect(next).toMatchObject({ findings: { 'not_started:already_running': 1 }, needsAttention: 1, problems: 0 });
  }
  expect(sentBodies()).toHaveLength(1);
  expect((await h.store.timeline(c!.caseId)).filter((e) => e.type === 'reconciled')).toHaveLength(1);

  // A failure recorded by the workflow after the repair: the next run restarts it from its phase, once.
  await h.store.update({ ...(await h.store.get(c!.caseId))!, updatedAt: h.now.value.toISOString() }, (await h.store.get(c!.caseId))!.version, [
    { at: h.now.value.toISOString(), type: 'workflow_failed', actor: { role: 'system', id: 'tousu' }, phase: 'received', summary: '自动流程出错。' },
  ]);
  advance(20 * 60_000);
  const restarted = await runReconciler(deps(), { thresholdMs: 15 * 60_000 }, logger);
  expect(restarted.findings).toEqual({ 'not_started:restarted': 1 });
  expect(sentBodies()[1]).toMatchObject({ caseId: c!.caseId, input: { caseId: c!.caseId, resumeFrom: 'received' }, executionName: expect.stringMatching(new RegExp(`^${c!.caseId}-rc-v\\d+$`)) });
  advance(20 * 60_000);
  expect((await runReconciler(deps(), { thresholdMs: 15 * 60_000 }, logger)).findings).toEqual({ 'not_started:already_running': 1 });
  expect(sentBodies()).toHaveLength(2);
}, 60_000);

test('a claim without a case whose intake is parked is replayed into exactly one case, and its start is queued', async () => {
  const i = intake('parked');
  await h.store.claimSource(i.sourceKey, h.now.value.toISOString());
  const dlq = new DynamoDeadLetterStore(h.doc, h.tableName);
  const id = deadLetterId('intake', i.sourceKey);
  await dlq.record({
    id,
    kind: 'intake',
    jurisdiction: '510903',
    sourceKey: i.sourceKey,
    channel: 'web',
    firstFailedAt: h.now.value.toISOString(),
    at: h.now.value.toISOString(),
    error: { name: 'InternalServerError' },
    payload: i,
  });

  advance(20 * 60_000);
  const summary = await runReconciler(deps(), { thresholdMs: 15 * 60_000 }, logger);
  expect(summary).toMatchObject({ claimsChecked: 1, findings: { 'orphan_claim:replayed': 1 }, needsAttention: 0, problems: 0 });
  const cases = await h.allCases();
  expect(cases).toHaveLength(1);
  expect(sentBodies()).toEqual([{ caseId: cases[0]!.caseId, input: { caseId: cases[0]!.caseId }, executionName: cases[0]!.caseId }]);
  expect(await dlq.get(id)).toMatchObject({ status: 'resolved', resolution: { caseId: cases[0]!.caseId } });

  // The claim is bound to its case now: nothing more to replay (the queued start is the starter's business; in
  // this test nobody consumes the queue, so the case itself is the not-started one of the test above).
  advance(20 * 60_000);
  const again = await runReconciler(deps(), { thresholdMs: 15 * 60_000 }, logger);
  expect(Object.keys(again.findings).filter((k) => k.startsWith('orphan_claim'))).toEqual([]);
  expect(await h.allCases()).toHaveLength(1);
  expect(await dlq.list({ jurisdiction: '510903' })).toEqual({ items: [] });

  const logged = JSON.stringify(lines);
  for (const secret of [person.name, person.phone, i.sourceKey]) expect(logged).not.toContain(secret);
  expect(lines.find((l) => l.message === 'reconcile finding')?.data).toMatchObject({ kind: 'orphan_claim', action: 'replayed', deadLetterId: id, replayedInto: cases[0]!.caseId });
}, 60_000);

test("each run reads the years imported through the admin API, through the composition root's refresher (issue 16)", async () => {
  const d = deps();
  const check = calendarCheck(d, d.refreshCalendar);
  const year = 2099;
  expect(d.lifecycle!.calendar.hasYear(year)).toBe(false);
  await check();
  expect(d.lifecycle!.calendar.hasYear(year)).toBe(false);
  // An administrator imports a year after the first run (POST /api/admin/calendar writes it to the table); the
  // next run has it at once (no 5-minute cache: the reconciler reads at every run). 2099-01-05 is a Monday.
  await d.calendarYears.put({ year, source: '测试通知', holidays: [`${year}-01-05`], workdays: [] }, { at: h.now.value.toISOString(), by: 'admin' });
  await check();
  expect(d.lifecycle!.calendar.hasYear(year)).toBe(true);
  expect(d.lifecycle!.calendar.isWorkday(`${year}-01-05`)).toBe(false);
});
