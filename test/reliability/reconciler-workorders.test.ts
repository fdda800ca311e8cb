/**
 * The 12345 loop on AWS (art. 7(2)): a function with WORKORDER_MARKS writes a work-order case (the DynamoDB outbox
 * on dynalite gets its mark), and the scheduled reconciler with WORKORDER_OUTBOUND collects and posts its reports
 * to a real HTTP receiver: while the receiver is down for an hour of scheduled runs the reports wait in the table;
 * once it is back the next run delivers them, once. The secret comes through the injected reader (Secrets Manager
 * in production, never in the environment).
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SFNClient } from '@aws-sdk/client-sfn';
import { ReconcilerEnv } from '../../functions/reconciler/env';
import { reconcilerDeps, runReconciler } from '../../functions/reconciler/service';
import type { ReconcilerLogger } from '../../functions/reconciler/service';
import { composeAws } from '../../shared/composition/aws';
import { DynamoWorkOrderOutbox } from '../../shared/adapters/aws/dynamo-workorder-outbox';
import { createDocumentClient } from '../../shared/adapters/aws/dynamo-case-store';
import { verifySignature } from '../../shared/adapters/local/workorder-webhook';
import { WorkOrderReport } from '../../shared/domain/workorder/report';
import { makeCase, makeEvent } from '../integration/case-store-helpers';
import { openHarness } from './helpers';
import type { ReliabilityHarness } from './helpers';

const SECRET = 'aws-side-shared-secret-0123';
let h: ReliabilityHarness;
let server: Server | undefined;
let port = 0;
const got: WorkOrderReport[] = [];
const lines: { level: string; message: string; data?: Record<string, unknown> }[] = [];
const logger: ReconcilerLogger = {
  info: (message, data) => lines.push({ level: 'info', message, ...(data ? { data } : {}) }),
  warn: (message, data) => lines.push({ level: 'warn', message, ...(data ? { data } : {}) }),
  error: (message, data) => lines.push({ level: 'error', message, ...(data ? { data } : {}) }),
};

async function listen(): Promise<void> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!verifySignature(SECRET, req.headers['x-tousu-signature'] as string | undefined, body, Math.floor(h.now.value.getTime() / 1000))) return void res.writeHead(401).end();
      got.push(WorkOrderReport.parse(JSON.parse(body)));
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((ok) => server!.listen(port, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
}
const close = () => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));

beforeAll(async () => {
  h = await openHarness();
  await listen();
  await close(); // down, on a known port
}, 60_000);
afterAll(async () => {
  await close();
  await h.close();
});

test('a marked work-order case reaches the receiver after an hour of it being down, through the scheduled reconciler', async () => {
  const base = { TABLE_NAME: h.tableName, JURISDICTION: '510903' };
  // Any function of the stack, composed with the marks (as CDK sets WORKORDER_MARKS on all of them).
  const fn = composeAws({ ...base, WORKORDER_MARKS: '1' }, { dynamo: h.client, clock: { now: () => h.now.value }, calendarRefreshMs: 0, logger });
  const c = makeCase({ intake: { ...makeCase().intake, channel: 'hotline_12345', workOrderNo: 'SN12345-AWS-1' } });
  await fn.store.create(c, [makeEvent('received')]);
  const stored = (await fn.store.get(c.caseId))!;
  await fn.store.update(stored, stored.version, [makeEvent('accepted', { actor: { role: 'department', id: 'liaison', department: 'SCJGJ' } })]);
  const outbox = new DynamoWorkOrderOutbox({ doc: createDocumentClient(h.client), tableName: h.tableName });
  expect((await outbox.markedCases(10)).map((m) => m.caseId)).toEqual([c.caseId]);

  const env = ReconcilerEnv.parse({
    ...base,
    STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:000000000000:stateMachine:tousu-510903',
    START_QUEUE_URL: 'https://sqs.ap-east-1.amazonaws.com/000000000000/tousu-start',
    WORKORDER_OUTBOUND: JSON.stringify({ url: `http://127.0.0.1:${port}/reports` }),
    WORKORDER_SECRET_ARN: 'arn:aws:secretsmanager:ap-east-1:000000000000:secret:tousu/510903/workorder-webhook',
  });
  const clients = { dynamo: h.client, sqs: new SQSClient({ region: 'ap-east-1' }), sfn: new SFNClient({ region: 'ap-east-1' }) };
  const secretsRead: string[] = [];
  const deps = reconcilerDeps(env, clients, { now: () => h.now.value }, logger, { readSecret: async (id) => (secretsRead.push(id), SECRET) });
  expect(deps.workOrders).toBeDefined();
  const run = () => runReconciler(deps, { thresholdMs: 24 * 3600_000, workOrders: deps.workOrders! }, logger);

  // Five scheduled runs over an hour, the receiver down: queued, retried on the back-off (1, 5, 15, 30 min), kept.
  for (let i = 0; i < 5; i++) {
    await run();
    h.now.value = new Date(h.now.value.getTime() + 15 * 60_000);
  }
  const runs = lines.filter((l) => l.message === 'workorder reports run').map((l) => l.data);
  expect(runs[0]).toMatchObject({ collected: 1, queued: 1, delivered: 0, failed: 1 });
  expect(runs.every((r) => r?.delivered === 0 && r?.dead === 0)).toBe(true);
  expect(await outbox.markedCases(10)).toEqual([]);
  expect(await outbox.list('pending')).toEqual([expect.objectContaining({ attempts: 4, lastError: expect.objectContaining({ code: 'ECONNREFUSED' }) })]);

  await listen();
  h.now.value = new Date(h.now.value.getTime() + 3600_000);
  await run();
  await run();
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ workOrderNo: 'SN12345-AWS-1', kind: 'acceptance', department: { code: 'SCJGJ' } });
  expect((await outbox.list('delivered')).map((x) => x.report.id)).toEqual([got[0]!.id]);
  expect(secretsRead).toEqual([env.WORKORDER_SECRET_ARN]); // once per container
  expect(JSON.stringify(lines)).not.toContain(SECRET);
});

test('WORKORDER_OUTBOUND without its secret, or with a bad url, fails the run (after the reconcile) naming the variable', async () => {
  const base = { TABLE_NAME: h.tableName, JURISDICTION: '510903', STATE_MACHINE_ARN: 'arn:aws:states:x:0:stateMachine:s', START_QUEUE_URL: 'https://sqs.x.amazonaws.com/0/q' };
  const clients = { dynamo: h.client };
  const noSecret = reconcilerDeps(ReconcilerEnv.parse({ ...base, WORKORDER_OUTBOUND: JSON.stringify({ url: 'https://x.example/r' }) }), clients, { now: () => h.now.value }, logger);
  await expect(noSecret.workOrders!()).rejects.toThrow(/WORKORDER_SECRET_ARN/);
  const badUrl = reconcilerDeps(
    ReconcilerEnv.parse({ ...base, WORKORDER_OUTBOUND: JSON.stringify({ url: 'ftp://x' }), WORKORDER_SECRET_ARN: 'arn:aws:secretsmanager:x:0:secret:s' }),
    clients,
    { now: () => h.now.value },
    logger,
  );
  lines.length = 0;
  await expect(runReconciler(badUrl, { thresholdMs: 24 * 3600_000, workOrders: badUrl.workOrders! }, logger)).rejects.toThrow(/WORKORDER_OUTBOUND\.url/);
  expect(lines.map((l) => l.message)).toEqual(expect.arrayContaining(['workorder reports run failed', 'reconcile run']));
});
