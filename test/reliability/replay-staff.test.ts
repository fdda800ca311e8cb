/**
 * Nothing lost, nothing doubled: for every channel adapter, 1,000 deliveries, each delivered twice in a shuffled
 * order with 16 in flight (so that a delivery and its duplicate often race), make exactly 1,000 cases, each with
 * one execution and at most one acknowledgement. The adapters' own service functions are driven (box CSV, SQS work orders, staff entries;
 * web form, mail and letters are in replay.test.ts: two files so that jest runs them on both cores) over the real
 * intake core and the real CaseStore on dynalite.
 */
import type { SQSEvent } from 'aws-lambda';
import { handleBoxOpening } from '../../functions/box-intake/service';
import { staffSubmit } from '../../functions/staff-intake/service';
import { handleWorkOrders } from '../../functions/workorder-intake/service';
import { expectOneCasePerDelivery, isInProgress, keyedRow, memoryReader, openHarness, pool, recordCase, retryInProgress, shuffled, twiceShuffled } from './helpers';
import type { ReliabilityHarness } from './helpers';

const N = 1000;
const CONCURRENCY = 16;
const TIMEOUT = 120_000;

let h: ReliabilityHarness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

const twice = (seed: number) => twiceShuffled(N, seed);
const expectExactlyOnePerDelivery = (m: Map<number, Set<string>>) => expectOneCasePerDelivery(h, m, N);

test(
  'suggestion boxes: 10 openings of 100 slips, each CSV event delivered twice',
  async () => {
    const objects = new Map<string, Uint8Array>();
    const header = 'box,place,openedAt,openedBy,slipNo,signed,name,phone,respondentUnit,matter';
    for (let b = 0; b < 10; b++) {
      const rows = Array.from({ length: 100 }, (_, s) => {
        const i = b * 100 + s;
        const k = keyedRow(i);
        return [`BOX${b}`, '船山区政务服务中心一楼', '2026-03-02 09:00', '张三;李四', `S${s}`, s % 2 === 0 ? '是' : '否', k.name, k.phone, k.respondentUnit, k.matter].join(',');
      });
      objects.set(`boxes/o${b}.csv`, Buffer.from([header, ...rows].join('\n')));
    }
    const reader = memoryReader(objects);
    const seen = new Map<number, Set<string>>();
    await pool(shuffled([...Array.from({ length: 10 }, (_, b) => b), ...Array.from({ length: 10 }, (_, b) => b)], 4), 4, async (b) => {
      const out = await retryInProgress(() => handleBoxOpening(h.deps, reader, 'scans', `boxes/o${b}.csv`), isInProgress);
      for (const r of out) {
        expect(r.problems).toBeUndefined();
        recordCase(seen, b * 100 + (r.row - 1), r.caseId);
      }
    });
    await expectExactlyOnePerDelivery(seen);
  },
  TIMEOUT,
);

test(
  '12345 work orders: SQS batches of 10, every message delivered twice',
  async () => {
    const order = (i: number) => ({
      workOrderNo: `GD2026${String(i).padStart(6, '0')}`,
      createdAt: '2026-03-02 08:00',
      caller: { name: keyedRow(i).name, phone: keyedRow(i).phone },
      respondentUnit: '遂宁市船山区市场监督管理局',
      matter: keyedRow(i).matter,
    });
    const messages = twice(5);
    const batches: number[][] = [];
    for (let k = 0; k < messages.length; k += 10) batches.push(messages.slice(k, k + 10));
    const seen = new Map<number, Set<string>>();
    await pool(batches, CONCURRENCY / 2, async (batch) => {
      let pending = batch;
      for (let attempt = 0; pending.length > 0 && attempt < 50; attempt++) {
        // SQS redelivers exactly the messages reported as failed.
        const event = { Records: pending.map((i) => ({ messageId: `m${i}-${Math.random()}`, body: JSON.stringify(order(i)) })) } as unknown as SQSEvent;
        const ids = new Map(event.Records.map((r, k) => [r.messageId, pending[k]!]));
        const res = await handleWorkOrders(h.deps, event);
        pending = res.batchItemFailures.map((f) => ids.get(f.itemIdentifier)!);
        if (pending.length > 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(pending).toEqual([]);
    });
    for (const c of await h.allCases()) recordCase(seen, Number(c.intake.workOrderNo!.slice(6)), c.caseId);
    await expectExactlyOnePerDelivery(seen);
  },
  TIMEOUT,
);

test(
  'phone and window entries by staff: the same entry id submitted twice',
  async () => {
    const actor = { role: 'agency' as const, id: 'window-staff' };
    const seen = new Map<number, Set<string>>();
    await pool(twice(6), CONCURRENCY, async (i) => {
      const channel = i % 2 === 0 ? 'phone' : 'onsite';
      const r = await retryInProgress(() => staffSubmit(h.deps, channel, { ...keyedRow(i), entryId: `entry-${String(i).padStart(6, '0')}` }, [], actor), isInProgress);
      recordCase(seen, i, r.caseId);
    });
    await expectExactlyOnePerDelivery(seen);
  },
  TIMEOUT,
);
