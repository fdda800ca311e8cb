/**
 * Nothing lost, nothing doubled: for every channel adapter, 1,000 deliveries, each delivered twice in a shuffled
 * order with 16 in flight (so that a delivery and its duplicate often race), make exactly 1,000 cases, each with
 * one execution and at most one acknowledgement. The adapters' own service functions are driven (web form route
 * through app.request, SES→S3 mail event, letter sidecars, box CSV, SQS work orders, staff entries) over the real
 * intake core and the real CaseStore on dynalite.
 */
import type { S3Event } from 'aws-lambda';
import { createApp } from '../../functions/api/app';
import { parseHttpLimits } from '../../functions/api/limits';
import { handleLetterUploads } from '../../functions/letter-intake/service';
import { processSesMailEvent } from '../../functions/email-intake/service';
import { ingestEmail } from '../../shared/email-intake/service';
import { MemoryQuarantineStore } from '../../shared/adapters/memory/quarantine-store';
import { submitIntake } from '../../shared/intake/core';
import { citizenMail, expectOneCasePerDelivery, fakePng, isInProgress, keyedRow, LOAD_LIMITS, memoryReader, openHarness, pool, recordCase, retryInProgress, twiceShuffled, webBody } from './helpers';
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
  'web form: POST /api/complaints with an Idempotency-Key, twice each',
  async () => {
    // 2,000 deliveries from one test client: the default limits (tested in public-limits.test.ts) would refuse
    // them, so they are raised by configuration.
    const app = createApp({ deps: { intake: h.deps, limits: parseHttpLimits(LOAD_LIMITS) } });
    const seen = new Map<number, Set<string>>();
    const statuses: number[] = [];
    await pool(twice(1), CONCURRENCY, async (i) => {
      const res = await retryInProgress(
        async () => app.request('/api/complaints', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `replay-web-${i}` }, body: JSON.stringify(webBody(i)) }),
        (r) => r instanceof Response && r.status === 409,
      );
      statuses.push(res.status);
      recordCase(seen, i, ((await res.json()) as { caseId?: string }).caseId);
    });
    expect(statuses.filter((s) => s === 201)).toHaveLength(N);
    expect(statuses.filter((s) => s === 200)).toHaveLength(N);
    await expectExactlyOnePerDelivery(seen);
  },
  TIMEOUT,
);

test(
  'email: SES→S3 events, the same object delivered twice',
  async () => {
    const quarantine = new MemoryQuarantineStore();
    const emailDeps = { clock: h.deps.clock, jurisdiction: h.deps.jurisdiction, blobs: h.blobs, quarantine, submit: (x: unknown) => submitIntake(h.deps, x) };
    const mails = Array.from({ length: N }, (_, i) => citizenMail(i));
    const seen = new Map<number, Set<string>>();
    await pool(twice(2), CONCURRENCY, async (i) => {
      const event = { Records: [{ s3: { bucket: { name: 'mail' }, object: { key: `inbound/${i}` } } }] } as unknown as S3Event;
      const out = await retryInProgress(
        () => processSesMailEvent(event, { readObject: async () => mails[i]!, ingest: (raw, source) => ingestEmail(raw, source, emailDeps), log: () => undefined }),
        isInProgress,
      );
      recordCase(seen, i, out[0]?.caseId);
    });
    expect((await quarantine.list(h.deps.jurisdiction.code)).items).toHaveLength(0);
    await expectExactlyOnePerDelivery(seen);
  },
  TIMEOUT,
);

test(
  'letters: sidecar + scan uploads, each S3 event delivered twice',
  async () => {
    const objects = new Map<string, Uint8Array>();
    for (let i = 0; i < N; i++) {
      objects.set(`letters/b1/l${i}.png`, fakePng(i));
      objects.set(`letters/b1/l${i}.letter.json`, Buffer.from(JSON.stringify({ ...keyedRow(i), file: `l${i}.png` })));
    }
    const reader = memoryReader(objects);
    const seen = new Map<number, Set<string>>();
    await pool(twice(3), CONCURRENCY, async (i) => {
      const event = { Records: [{ s3: { bucket: { name: 'scans' }, object: { key: `letters/b1/l${i}.letter.json` } } }] } as unknown as S3Event;
      const out = await retryInProgress(() => handleLetterUploads(h.deps, reader, event), isInProgress);
      expect(out.rejected).toEqual([]);
      recordCase(seen, i, out.created[0]?.caseId);
    });
    await expectExactlyOnePerDelivery(seen);
  },
  TIMEOUT,
);
