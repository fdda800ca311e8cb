/**
 * The 来信核对 routes of the embedded runtime over HTTP: staff auth (agency only), the audit of every content read
 * and confirmation, the same validation as a keyed letter row, no case before the clerk confirms, the transcript
 * kept, and the configured confidence threshold. The OCR engine here is a stand-in that returns each sample scan's
 * true text (the real engine runs in test/e2e/console-letters-ocr-browser.test.ts and runtime-letters-ocr.test.ts);
 * everything after the reading is the runtime's own.
 */
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../infra/local/clock';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { letterAuditKey } from '../../functions/api/routes/letter-review';
import type { OcrEngine, OcrPage } from '../../shared/ports/ocr';
import type { LetterLabel } from '../fixtures/letters/labelled-set';
import { api, REPO, waitFor } from './runtime-helpers';
import type { Api } from './runtime-helpers';

const SAMPLE = join(REPO, 'test/fixtures/letters/sample');
const PASSWORD = 'a-letter-review-password';
const IDS = ['L001', 'L006', 'L013'];
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** Reads a sample scan as its label says it reads, each line with `confidence` (the L006 phone line lower when asked). */
function labelledEngine(confidence = 0.99, weakPhoneOf?: string): OcrEngine {
  const texts = new Map<string, string>();
  for (const id of IDS) {
    const l = JSON.parse(readFileSync(join(SAMPLE, `${id}.json`), 'utf8')) as LetterLabel;
    texts.set(sha(readFileSync(join(SAMPLE, l.files.page))), l.text);
    texts.set(sha(readFileSync(join(SAMPLE, l.files.envelope))), l.envelopeText);
  }
  return {
    name: 'labelled-stand-in',
    async read(image: Uint8Array): Promise<OcrPage> {
      const text = texts.get(sha(image)) ?? '';
      const lines = text.split('\n').map((t) => ({ text: t, confidence: weakPhoneOf && t.includes(weakPhoneOf) ? 0.6 : confidence }));
      return { lines, text, confidence, rotated: 0, engine: 'labelled-stand-in' };
    },
  };
}

const label = (id: string) => JSON.parse(readFileSync(join(SAMPLE, `${id}.json`), 'utf8')) as LetterLabel;

describe('来信核对 routes on the embedded runtime', () => {
  let dir: string;
  let rt: Runtime;
  let http: Api;
  let agency: string;
  let liaison: string;

  const drop = async (batch: string, ids: string[]) => {
    const staging = join(dir, 'staging', batch);
    await mkdir(staging, { recursive: true });
    for (const id of ids) for (const f of [`${id}.jpg`, `${id}-envelope.jpg`]) await copyFile(join(SAMPLE, f), join(staging, f));
    await rename(staging, join(rt.paths.inbox, 'letters', batch));
    await waitFor(`${batch} read`, async () => (await readdir(join(rt.paths.inbox, 'letters', 'done'))).includes(`${batch}.report.json`), 60_000);
  };

  const start = async (jurisdictionDir?: string, engine = labelledEngine(0.99, '13539837868')) => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-letter-review-'));
    const clock = new ManualClock('2026-12-04T10:00:00+08:00');
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, clock, quiet: true, folderPollMs: 50, reconcileEveryMs: 0, ocr: engine, ...(jurisdictionDir ? { jurisdictionDir } : {}) });
    clock.setSettle(() => rt.workflow.idle());
    http = api(rt.httpUrl);
    await rt.users.add({ username: 'clerk1', role: 'agency', password: PASSWORD });
    await rt.users.add({ username: 'liaison1', role: 'department', department: 'SCJGJ', password: PASSWORD });
    agency = await http.login('clerk1', PASSWORD);
    liaison = await http.login('liaison1', PASSWORD);
  };

  afterEach(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists, shows and confirms letters for the agency only, audits each read, and files only what the clerk confirms', async () => {
    await start();
    await drop('b1', IDS);

    // Staff auth: no token 401, a department 403, an unknown letter 404.
    expect((await http.call('GET', '/api/console/letters')).status).toBe(401);
    expect((await http.call('GET', '/api/console/letters', { token: liaison })).status).toBe(403);
    expect((await http.call('GET', '/api/console/letters/b1--L006', { token: liaison })).status).toBe(403);
    expect((await http.call('POST', '/api/console/letters/b1--L006/confirm', { token: liaison, body: { fields: {} } })).status).toBe(403);
    expect((await http.call('GET', '/api/console/letters/nope', { token: agency })).status).toBe(404);

    const list = await http.call('GET', '/api/console/letters', { token: agency });
    expect(list.status).toBe(200);
    expect(list.body.batches).toEqual([{ batch: 'b1', letters: 3, read: 3, confirmed: 0, pending: 3, reading: false }]);
    expect(list.body.items.map((x: { id: string }) => x.id)).toEqual(['b1--L001', 'b1--L006', 'b1--L013']);
    // The list carries no letter content.
    expect(list.text).not.toContain(label('L006').fields.name);

    // One letter: the phone line was read with low confidence, so the phone is left empty for the clerk.
    const one = await http.call('GET', '/api/console/letters/b1--L006', { token: agency });
    expect(one.status).toBe(200);
    expect(one.body.threshold).toBe(0.9);
    expect(one.body.forClerk).toEqual(['phone']);
    expect(one.body.fields.phone).toMatchObject({ reason: 'low_confidence', reading: label('L006').fields.phone });
    expect(one.body.fields.phone.value).toBeUndefined();
    expect(one.body.fields.name.value).toBe(label('L006').fields.name);
    expect(one.body.position).toEqual({ index: 2, of: 3 });
    expect(one.body.next).toBe('b1--L013');
    expect(one.body.transcript).toContain(label('L006').fields.matter);

    const scan = await fetch(`${rt.httpUrl}/api/console/letters/b1--L006/scans/L006.jpg`, { headers: { authorization: `Bearer ${agency}` } });
    expect(scan.status).toBe(200);
    expect(scan.headers.get('content-type')).toBe('image/jpeg');
    expect(scan.headers.get('x-content-type-options')).toBe('nosniff');
    expect(new Uint8Array(await scan.arrayBuffer())).toEqual(new Uint8Array(readFileSync(join(SAMPLE, 'L006.jpg'))));
    expect((await http.call('GET', '/api/console/letters/b1--L006/scans/L001.jpg', { token: agency })).status).toBe(404);
    expect((await http.call('GET', '/api/console/letters/b1--L006/scans/..%2Fb1--L001%2Fletter.json', { token: agency })).status).toBe(404);

    // Nothing is a case yet.
    expect((await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 10 })).items).toHaveLength(0);

    // The same validation as a keyed row: a wrong phone is refused beside its field, and no case is made.
    const fields = { ...one.body.fields };
    const typed: Record<string, string | boolean> = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, (v as { value?: string }).value ?? '']));
    const bad = await http.call('POST', '/api/console/letters/b1--L006/confirm', { token: agency, body: { fields: { ...typed, phone: '12345', anonymous: false } } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'phone' })]);
    expect((await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 10 })).items).toHaveLength(0);
    expect((await http.call('POST', '/api/console/letters/b1--L006/confirm', { token: agency, body: { fields: { shoeSize: '42' } } })).status).toBe(400);
    expect((await http.call('POST', '/api/console/letters/b1--L006/confirm', { token: agency, body: { typo: {} } })).status).toBe(400);

    // The clerk types the phone and accepts.
    const ok = await http.call('POST', '/api/console/letters/b1--L006/confirm', {
      token: agency,
      body: { fields: { ...typed, phone: label('L006').fields.phone, anonymous: false, wantsReply: true, confidential: false } },
    });
    expect(ok.status).toBe(201);
    expect(ok.body.next).toBe('b1--L013');
    const c = await rt.store.get(ok.body.caseId);
    expect(c?.intake.channel).toBe('letter');
    expect(c?.intake.complainant).toMatchObject({ name: label('L006').fields.name, phone: label('L006').fields.phone, address: label('L006').fields.address });
    expect(c?.intake.matter).toBe(label('L006').fields.matter);
    expect(c?.intake.channelDetails).toMatchObject({ envelopeDate: label('L006').fields.envelopeDate, ocrText: expect.stringContaining('投诉信') });
    expect((await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 10 })).items).toHaveLength(1);
    // Again: the same case, not a second one.
    const again = await http.call('POST', '/api/console/letters/b1--L006/confirm', { token: agency, body: { fields: typed } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ caseId: ok.body.caseId, duplicate: true });

    // Audited: who read the letter and its scan, the refusal (field names only), the confirmation, on the case too.
    // (The manual clock stands still, so entries of the same instant are compared as a set.)
    const trail = (await rt.store.auditTrail(letterAuditKey('b1--L006'))).map((a) => [a.actor.id, a.what, a.detail]);
    expect(trail).toHaveLength(5);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['clerk1', 'read_pending_letter', undefined],
        ['clerk1', 'read_pending_scan', { scan: 'page1' }],
        ['clerk1', 'confirm_letter_refused', { fields: ['phone'] }],
        ['clerk1', 'confirm_letter_refused', { fields: ['shoeSize'] }],
        ['clerk1', 'letter_confirmed', { caseId: ok.body.caseId, edited: ['phone'] }],
      ]),
    );
    expect(JSON.stringify(trail)).not.toContain('12345');
    expect((await rt.store.auditTrail(ok.body.caseId)).some((a) => a.what === 'letter_confirmed' && a.detail?.review === 'b1--L006')).toBe(true);

    const after = await http.call('GET', '/api/console/letters', { token: agency });
    expect(after.body.batches).toEqual([{ batch: 'b1', letters: 3, read: 3, confirmed: 1, pending: 2, reading: false }]);

    // The transcript is searchable: a closing line that only the letter's OCR text holds finds the case.
    const closing = label('L006')
      .text.split('\n')
      .find((t) => t.startsWith('以上'))!;
    expect(c?.intake.matter + (c?.intake.facts ?? '')).not.toContain(closing);
    const found = await http.call('GET', `/api/console/search?q=${encodeURIComponent(closing)}`, { token: agency });
    expect(found.body).toMatchObject({ by: 'text', items: [expect.objectContaining({ caseId: ok.body.caseId })] });
    expect((await http.call('GET', `/api/console/search?q=${encodeURIComponent('没有这句话的来信')}`, { token: agency })).body.items).toEqual([]);
    expect((await rt.store.auditTrail(ok.body.caseId)).filter((a) => a.what === 'search').map((a) => a.detail)).toEqual([{ by: 'text' }]);

    // The case read carries the transcript.
    const read = await http.call('GET', `/api/cases/${ok.body.caseId}`, { token: agency });
    expect(read.body.intake.channelDetails.ocrText).toContain(label('L006').fields.matter);
  }, 120_000);

  it('shows the transcript to the department the case is dispatched to, and hides it when the complainant asked for confidentiality (art. 13)', async () => {
    await start(undefined, labelledEngine(0.99));
    await drop('b3', ['L001', 'L013']);
    const filed: Record<string, string> = {};
    for (const [id, confidential] of [
      ['L001', false],
      ['L013', true],
    ] as const) {
      const one = (await http.call('GET', `/api/console/letters/b3--${id}`, { token: agency })).body;
      const fields = { ...label(id).fields, anonymous: false, wantsReply: true, confidential };
      const r = await http.call('POST', `/api/console/letters/b3--${id}/confirm`, { token: agency, body: { fields } });
      expect([id, r.status, one.status]).toEqual([id, 201, 'pending']);
      filed[id] = r.body.caseId;
    }
    await rt.workflow.idle();
    for (const caseId of Object.values(filed)) {
      const d = await http.call('POST', `/api/cases/${caseId}/actions`, { token: agency, body: { action: 'dispatch', department: 'SCJGJ' } });
      expect([caseId, d.status]).toEqual([caseId, 200]);
    }
    await rt.workflow.idle();
    const open = (await http.call('GET', `/api/cases/${filed.L001}`, { token: liaison })).body;
    expect(open.intake.channelDetails.ocrText).toContain(label('L001').fields.matter);
    const secret = await http.call('GET', `/api/cases/${filed.L013}`, { token: liaison });
    expect(secret.status).toBe(200);
    expect(secret.body.intake.channelDetails?.ocrText).toBeUndefined();
    expect(secret.text).not.toContain(label('L013').fields.phone);
    expect(secret.text).not.toContain(label('L013').fields.address);
    // The department's search runs over its own view: the confidential letter's closing line finds only the open one.
    const closing = '以上情况属实';
    const hits = (await http.call('GET', `/api/console/search?q=${encodeURIComponent(closing)}`, { token: liaison })).body.items.map((i: { caseId: string }) => i.caseId);
    const agencyHits = (await http.call('GET', `/api/console/search?q=${encodeURIComponent(closing)}`, { token: agency })).body.items.map((i: { caseId: string }) => i.caseId);
    expect({ hits, agencyHits: agencyHits.sort() }).toEqual({ hits: [filed.L001], agencyHits: [filed.L001, filed.L013].sort() });
  }, 120_000);

  it('leaves every field for the clerk under a configured threshold above the reading’s confidence', async () => {
    const jdir = await mkdtemp(join(tmpdir(), 'tousu-jur-'));
    cpSync(join(REPO, 'config/jurisdictions'), jdir, { recursive: true });
    const file = join(jdir, '510903.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), letterReading: { confidenceThreshold: 0.995 } }, null, 2));
    try {
      await start(jdir, labelledEngine(0.99));
      await drop('b2', ['L001']);
      const one = await http.call('GET', '/api/console/letters/b2--L001', { token: agency });
      expect(one.body.threshold).toBe(0.995);
      expect(one.body.forClerk).toEqual(['name', 'phone', 'address', 'respondentUnit', 'respondentPerson', 'matter', 'facts', 'envelopeDate']);
      expect(Object.values(one.body.fields).map((f) => (f as { value?: string }).value)).toEqual(Array(8).fill(undefined));
    } finally {
      await rm(jdir, { recursive: true, force: true });
    }
  }, 120_000);
});
