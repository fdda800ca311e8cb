/**
 * Art. 7(2), the 12345 loop, on the real ASL: a work-order case's acceptance, transfer, result and follow-up reach
 * a local test receiver of the signed webhook, and survive the receiver being down for an hour (manual clock);
 * past the maximum age they become dead letters, and a replay delivers them.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpWorkOrderWebhook, verifySignature } from '../../shared/adapters/local/workorder-webhook';
import { MemoryWorkOrderOutbox } from '../../shared/adapters/memory/workorder-outbox';
import { WORKORDER_CSV_COLUMNS, WorkOrderReport, exportBatch } from '../../shared/domain/workorder/report';
import { collectWorkOrderReports, deliverDueReports, replayWorkOrderDeadLetters } from '../../shared/services/workorder-outbound';
import { expectOk, useHarness } from './harness';

const harness = useHarness();
const SECRET = 'test-secret-0123456789';

interface Receiver {
  port: number;
  got: WorkOrderReport[];
  badSignatures: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** A stand-in of the 12345 platform: checks the signature against the manual clock, answers 204. */
function receiver(nowS: () => number): Receiver {
  let server: Server | undefined;
  const r: Receiver = {
    port: 0,
    got: [],
    badSignatures: 0,
    async start() {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (!verifySignature(SECRET, req.headers['x-tousu-signature'] as string | undefined, body, nowS())) {
            r.badSignatures++;
            res.writeHead(401).end();
            return;
          }
          r.got.push(WorkOrderReport.parse(JSON.parse(body)));
          res.writeHead(204).end();
        });
      });
      await new Promise<void>((ok) => server!.listen(r.port, '127.0.0.1', ok));
      r.port = (server.address() as AddressInfo).port;
    },
    async stop() {
      await new Promise<void>((ok) => server?.close(() => ok()) ?? ok());
      server = undefined;
    },
  };
  return r;
}

it('delivers a work-order case to the platform after an hour of the receiver being down', async () => {
  const h = harness();
  const r = await h.run('transfer-phone-only');
  expectOk(r);
  expect(r.record.intake.workOrderNo).toMatch(/^WO-/);
  const nowS = () => Math.floor(h.clock.now().getTime() / 1000);
  const rx = receiver(nowS);
  await rx.start();
  await rx.stop(); // down, on a known port
  const outbox = new MemoryWorkOrderOutbox();
  const deps = { outbox, webhook: new HttpWorkOrderWebhook({ url: `http://127.0.0.1:${rx.port}/12345/reports`, secret: SECRET, clock: h.clock }), clock: h.clock };

  expect(await collectWorkOrderReports({ store: h.sb.store, outbox, clock: h.clock, jurisdiction: h.sb.jurisdiction }, r.caseId)).toBe(4);
  expect(await collectWorkOrderReports({ store: h.sb.store, outbox, clock: h.clock, jurisdiction: h.sb.jurisdiction }, r.caseId)).toBe(0);

  const start = h.clock.now().getTime();
  for (let m = 0; m <= 60; m += 5) {
    await h.clock.advanceTo(new Date(start + m * 60_000).toISOString());
    const run = await deliverDueReports(deps);
    expect(run).toMatchObject({ delivered: 0, dead: 0 });
  }
  const waiting = await outbox.list('pending');
  expect(waiting).toHaveLength(4);
  expect(waiting.every((x) => x.attempts >= 4 && x.lastError?.code === 'ECONNREFUSED')).toBe(true);

  await rx.start();
  const nextAt = Math.max(...waiting.map((x) => Date.parse(x.nextAttemptAt)));
  await h.clock.advanceTo(new Date(nextAt).toISOString());
  expect(await deliverDueReports(deps)).toMatchObject({ delivered: 4, failed: 0, dead: 0 });
  expect(await deliverDueReports(deps)).toMatchObject({ delivered: 0 });
  await rx.stop();

  expect(rx.badSignatures).toBe(0);
  expect(rx.got.map((x) => x.kind)).toEqual(['transfer', 'acceptance', 'result', 'follow_up']);
  expect(new Set(rx.got.map((x) => x.id)).size).toBe(4);
  const result = rx.got.find((x) => x.kind === 'result')!;
  expect(result).toMatchObject({ workOrderNo: r.record.intake.workOrderNo, trackingNo: r.record.trackingNo, outcome: 'concluded', finding: 'substantiated', department: { code: 'SCJGJ' } });
  expect(result.resultText).toContain('窗口人员未一次性告知');
  // No personal data of the complainant in what the platform gets.
  expect(JSON.stringify(rx.got)).not.toMatch(/张某某|13800000000/);

  const csv = exportBatch(rx.got, 'csv', h.clock.now().toISOString());
  expect(csv.split('\r\n')[0]).toBe(`\ufeff${WORKORDER_CSV_COLUMNS.join(',')}`);
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(5);
  expect(JSON.parse(exportBatch(rx.got, 'json', h.clock.now().toISOString()))).toMatchObject({ schema: 'tousu.12345.report.v1.batch', count: 4 });
});

it('dead-letters a report past the maximum age and delivers it on replay', async () => {
  const h = harness();
  const r = await h.run('transfer-phone-only');
  expectOk(r);
  const rx = receiver(() => Math.floor(h.clock.now().getTime() / 1000));
  await rx.start();
  await rx.stop();
  const outbox = new MemoryWorkOrderOutbox();
  const warnings: string[] = [];
  const deps = {
    outbox,
    webhook: new HttpWorkOrderWebhook({ url: `http://127.0.0.1:${rx.port}/`, secret: SECRET, clock: h.clock }),
    clock: h.clock,
    policy: { backoffSeconds: [60], maxAgeSeconds: 300, batchLimit: 10 },
    logger: { info: () => undefined, warn: (m: string) => warnings.push(m) },
  };
  await collectWorkOrderReports({ store: h.sb.store, outbox, clock: h.clock, jurisdiction: h.sb.jurisdiction }, r.caseId);
  const start = h.clock.now().getTime();
  for (let m = 0; m <= 6; m++) {
    await h.clock.advanceTo(new Date(start + m * 60_000).toISOString());
    await deliverDueReports(deps);
  }
  expect(await outbox.list('dead')).toHaveLength(4);
  expect(warnings).toContain('workorder_report_dead_letter');
  await rx.start();
  expect(await deliverDueReports(deps)).toMatchObject({ delivered: 0 });
  const replayed = await replayWorkOrderDeadLetters(deps);
  expect(replayed).toHaveLength(4);
  expect(await deliverDueReports(deps)).toMatchObject({ delivered: 4 });
  await rx.stop();
  expect(rx.got).toHaveLength(4);
  await expect(replayWorkOrderDeadLetters(deps, ['nope'])).rejects.toThrow(/not dead letters/);
});
