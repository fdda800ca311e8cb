/**
 * The one middy chain of the Lambdas (shared/composition/aws-lambda.ts): Powertools Metrics in the embedded metric
 * format on stdout, published only when something was counted, after success and after an error; and the overdue
 * count of the handle-deadline task (the metric the CasesOverdue alarm watches, not a log filter).
 */
import { jest } from '@jest/globals';
import type { Context } from 'aws-lambda';
import { loadRulesRegistry } from '../../shared/config/load';
import { openSqliteStores } from '../../shared/adapters/local/sqlite';
import type { SqliteStores } from '../../shared/adapters/local/sqlite';
import { MemoryMailSender } from '../../shared/adapters/memory/mail-sender';
import { lambdaHandler, lambdaTelemetry } from '../../shared/composition/aws-lambda';
import type { Counters } from '../../shared/ports';
import { OVERDUE_METRIC, handleDeadline } from '../../shared/services/lifecycle-tasks';
import { caseIn, calendar, jurisdiction } from '../fixtures/lifecycle';

const context = { functionName: 'handle-deadline', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/** The EMF documents written to stdout while `run` runs. */
async function emfWritten(run: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    await run().catch(() => undefined);
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.includes('"_aws"'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('lambdaHandler: Powertools metrics', () => {
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, { POWERTOOLS_METRICS_NAMESPACE: 'Tousu/510903', POWERTOOLS_SERVICE_NAME: 'tousu-handle-deadline' }));
  afterAll(() => {
    process.env = saved;
  });

  test('a count is published once, in the namespace and with the service dimension the alarm reads', async () => {
    const t = lambdaTelemetry('fallback-name');
    const handler = lambdaHandler(t, async () => {
      t.ports.metrics.count(OVERDUE_METRIC, 2);
      return 'done';
    });
    const docs = await emfWritten(() => handler({}, context));
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(doc[OVERDUE_METRIC]).toBe(2);
    expect(doc.service).toBe('tousu-handle-deadline');
    const aws = doc._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
    expect(aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'Tousu/510903', Dimensions: [['service']], Metrics: [{ Name: OVERDUE_METRIC, Unit: 'Count' }] });
  });

  test('nothing counted, nothing published; a failed invocation still publishes what it counted', async () => {
    const t = lambdaTelemetry('x');
    expect(await emfWritten(() => lambdaHandler(t, async () => 'nothing')({}, context))).toEqual([]);
    const failing = lambdaHandler(t, async () => {
      t.ports.metrics.count('Something');
      throw new Error('boom');
    });
    const docs = await emfWritten(() => failing({}, context));
    expect(docs.map((d) => d.Something)).toEqual([1]);
  });
});

describe('handle-deadline: the overdue count', () => {
  let stores: SqliteStores;
  beforeEach(() => {
    stores = openSqliteStores(':memory:');
  });
  afterEach(() => stores.close());

  test('one OverdueCases count per overdue mark, none for the reminder', async () => {
    const counts: [string, number | undefined][] = [];
    const metrics: Counters = { count: (name, value) => counts.push([name, value]) };
    const c = caseIn('classification').c;
    await stores.store.create(c, []);
    let now = new Date('2025-03-05T09:00:00+08:00'); // the reminder is due
    const deps = {
      store: stores.store,
      clock: { now: () => now },
      calendar,
      rules: loadRulesRegistry(),
      jurisdiction,
      mail: new MemoryMailSender(),
      workflow: { sendTaskSuccess: async () => undefined },
      metrics,
      mailRetry: { attempts: 1, backoffMs: 0 },
    };
    await handleDeadline(deps, { caseId: c.caseId, step: 'classification' });
    expect(counts).toEqual([]);
    now = new Date('2025-03-07T00:00:00+08:00'); // the result clock is overdue
    await handleDeadline(deps, { caseId: c.caseId, step: 'classification' });
    expect(counts).toEqual([[OVERDUE_METRIC, 1]]);
    expect((await stores.store.get(c.caseId))!.deadlines.some((d) => d.overdueAt)).toBe(true);
  });
});
