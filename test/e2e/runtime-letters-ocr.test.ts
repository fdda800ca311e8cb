/**
 * Letters without keyed fields on the embedded runtime (issue 24): a batch of scans without manifest.csv is read
 * by the real OCR engine (PaddleOCR on onnxruntime-node), its letters wait for the clerk's check, and only the
 * clerk's confirmation makes a case, with the OCR text as the letter's transcript. Without an engine such a
 * batch fails loudly. The scans are the committed sample of the labelled set (test/fixtures/letters/sample).
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { proposedFields } from '../../shared/services/letter-review';
import type { LetterLabel } from '../fixtures/letters/labelled-set';
import { freePort, REPO, spawnRuntime, waitFor } from './runtime-helpers';

const SAMPLE = join(REPO, 'test/fixtures/letters/sample');
const CLERK = { role: 'agency' as const, id: 'clerk-1' };

async function dropBatch(inbox: string, dir: string, name: string, ids: string[]): Promise<void> {
  const staging = join(dir, 'staging', name);
  await mkdir(staging, { recursive: true });
  for (const id of ids) for (const f of [`${id}.jpg`, `${id}-envelope.jpg`]) await copyFile(join(SAMPLE, f), join(staging, f));
  await rename(staging, join(inbox, 'letters', name));
}

/** The batch's report, from done/ or failed/ (the test says which it expects). */
const report = async (inbox: string, sub: 'done' | 'failed', name: string) => {
  const r = await waitFor(
    `${name} processed`,
    async () => {
      for (const s of ['done', 'failed'] as const) {
        const items = await readdir(join(inbox, 'letters', s)).catch(() => [] as string[]);
        if (items.includes(`${name}.report.json`)) return { sub: s, body: JSON.parse(await readFile(join(inbox, 'letters', s, `${name}.report.json`), 'utf8')) };
      }
      return undefined;
    },
    400_000,
  );
  expect({ sub: r.sub, problems: r.body.problems, failedRows: r.body.rows.filter((x: { ok: boolean }) => !x.ok) }).toEqual({
    sub,
    problems: sub === 'done' ? undefined : expect.anything(),
    failedRows: [],
  });
  return r.body;
};

describe('scanned letters read by OCR wait for the clerk', () => {
  let dir: string;
  let rt: Runtime | undefined;
  afterEach(async () => {
    await rt?.stop();
    rt = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a batch without manifest, files nothing before the clerk confirms, then files the fields and the transcript', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-ocr-'));
    // The reading runs in a runtime of its own process: onnxruntime-node refuses typed arrays made in jest's
    // module realm, and this is also how `tousu start` runs it.
    const httpPort = await freePort();
    const child = await spawnRuntime(['--data-dir', dir, '--smtp-port', String(await freePort()), '--clock-scale', '1', '--clock-start', '2026-12-04T09:00:00+08:00'], httpPort, 60_000);
    const label = JSON.parse(await readFile(join(SAMPLE, 'L006.json'), 'utf8')) as LetterLabel;
    let r: { rows: unknown[] };
    try {
      await dropBatch(join(dir, 'inbox'), dir, 'scan-1', ['L006']);
      r = await report(join(dir, 'inbox'), 'done', 'scan-1');
    } finally {
      child.child.kill('SIGTERM');
      await child.exited;
    }
    expect(r.rows).toEqual([{ row: 1, ok: true, letter: 'L006', review: 'scan-1--L006' }]);
    expect(await readFile(join(dir, 'inbox', 'letters', 'done', 'scan-1.report.txt'), 'utf8')).toContain('等待工作人员在工作台核对后立案');

    // The clerk's side, on the same data directory.
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock: new ManualClock('2026-12-04T10:00:00+08:00'), quiet: true, folderPollMs: 100, ocr: false });
    const pending = await rt.letterReview.store.get('scan-1--L006');
    expect(pending?.status).toBe('pending');
    expect(pending?.pages).toEqual(['L006.jpg']);
    expect(pending?.envelope).toBe('L006-envelope.jpg');
    // Nothing filed yet: no case in the store.
    expect((await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 10 })).items).toHaveLength(0);

    // Every short field is proposed exactly; the long facts may carry a misread character (this page reads 真 as
    // its variant 眞), which is what the clerk's check is for: the clerk corrects it before confirming.
    const proposed = proposedFields(pending!);
    const { facts: proposedFacts, ...rest } = proposed;
    const { facts: trueFacts, ...restLabel } = label.fields;
    expect(rest).toEqual(restLabel);
    expect(proposedFacts?.length).toBe(trueFacts.length);
    const fields = { ...proposed, facts: trueFacts };
    const { caseId } = await rt.letterReview.confirm('scan-1--L006', fields, CLERK);
    const c = await rt.store.get(caseId);
    expect(c?.intake.channel).toBe('letter');
    expect(c?.intake.complainant).toMatchObject({ name: label.fields.name, phone: label.fields.phone, address: label.fields.address });
    expect(c?.intake.matter).toBe(label.fields.matter);
    expect(c?.intake.facts).toBe(label.fields.facts);
    expect(c?.intake.channelDetails).toMatchObject({ envelopeDate: label.fields.envelopeDate });
    expect(String(c?.intake.channelDetails?.ocrText)).toContain(label.fields.phone);
    expect((await rt.letterReview.store.get('scan-1--L006'))?.status).toBe('confirmed');
    // Confirming twice is the same case.
    expect((await rt.letterReview.confirm('scan-1--L006', fields, CLERK)).caseId).toBe(caseId);
  }, 480_000);

  it('fails a batch without manifest loudly when the runtime has no OCR engine', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-ocr-off-'));
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock: new ManualClock('2026-12-04T09:00:00+08:00'), quiet: true, folderPollMs: 100, ocr: false });
    await dropBatch(rt.paths.inbox, dir, 'scan-2', ['L001']);
    const r = await report(rt.paths.inbox, 'failed', 'scan-2');
    expect(r.problems).toEqual([expect.objectContaining({ code: 'ocr_unavailable', message: expect.stringContaining('文字识别（OCR）引擎不可用') })]);
    expect(await rt.letterReview.store.list()).toEqual([]);
  }, 120_000);
});
