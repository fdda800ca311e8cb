/**
 * Staff channels over real HTTP: `tousu intake letters` and `tousu intake box` against the app on
 * @hono/node-server (CaseStore on dynalite), and phone / window entries through POST /api/intake/{channel}.
 */
import { mkdtemp, readFile, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { jest } from '@jest/globals';
import { serve } from '@hono/node-server';
import { createApp } from '../../functions/api/app';
import { UnauthorizedError } from '../../shared/domain/errors';
import { main } from '../../infra/cli/main';
import { startHarness } from '../fixtures/channels/harness';
import type { Harness } from '../fixtures/channels/harness';
import { PNG } from '../fixtures/channels/apigw';

const FIX = fileURLToPath(new URL('../fixtures/channels/', import.meta.url));
const TOKEN = 'window-staff-token';

describe('staff channels over HTTP and the tousu CLI', () => {
  let h: Harness;
  let server: ReturnType<typeof serve>;
  let api: string;
  let out: string[];
  let work: string;
  beforeEach(async () => {
    h = await startHarness();
    const app = createApp({
      deps: {
        intake: h.deps,
        authenticateStaff: async (auth) => {
          if (auth !== `Bearer ${TOKEN}`) throw new UnauthorizedError();
          return { role: 'agency', id: 'window-01' };
        },
      },
    });
    server = await new Promise((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    out = [];
    jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    work = await mkdtemp(join(tmpdir(), 'tousu-cli-'));
    process.exitCode = undefined;
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    process.exitCode = undefined;
    await new Promise((r) => server.close(r));
    await h.close();
    await rm(work, { recursive: true, force: true });
  });

  it('tousu intake letters: good rows filed, the bad row in the error report (exit 2); a second run files nothing new', async () => {
    await copyFile(join(FIX, 'letters.csv'), join(work, 'letters.csv'));
    const args = ['intake', 'letters', join(FIX, 'scans'), '--manifest', join(work, 'letters.csv'), '--api', api, '--token', TOKEN, '--json'];
    expect(await main(args)).toBe(2);
    const results = out.map((l) => JSON.parse(l) as { row: number; caseId: string; duplicate: boolean });
    expect(results.map((r) => [r.row, r.duplicate])).toEqual([
      [1, false],
      [2, false],
    ]);
    const report = await readFile(join(work, 'letters.csv.errors.csv'), 'utf8');
    expect(report).toContain('3,envelopeDate,invalid_date');
    expect(report).toContain('3,phone,invalid_phone');
    const letter2 = await h.store.get(results[1]!.caseId);
    expect(letter2?.intake.evidence.map((e) => e.filename)).toEqual(['letter-002.pdf', 'letter-002-p2.png']);
    expect(letter2?.flags.anonymous).toBe(true);
    expect((await h.store.timeline(results[0]!.caseId))[0]?.actor).toEqual({ role: 'agency', id: 'window-01' });

    out.length = 0;
    expect(await main(args)).toBe(2);
    expect(out.map((l) => (JSON.parse(l) as { duplicate: boolean }).duplicate)).toEqual([true, true]);
    expect(h.started).toHaveLength(2);
  });

  it('tousu intake box: one case per valid slip; a wrong token is a failure (exit 1) that files nothing', async () => {
    expect(await main(['intake', 'box', join(FIX, 'box-opening.csv'), '--api', api, '--token', 'wrong', '--report', join(work, 'r.csv')])).toBe(1);
    expect(h.started).toHaveLength(0);
    expect(await main(['intake', 'box', join(FIX, 'box-opening.csv'), '--api', api, '--token', TOKEN, '--report', join(work, 'r.csv')])).toBe(2);
    expect(h.started).toHaveLength(2);
  });

  const post = (channel: string, body: unknown, token = TOKEN) =>
    fetch(`${api}/api/intake/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

  it('phone entries are filed once per entry id', async () => {
    const entry = { entryId: 'call-2026-0001', name: '郑十一', phone: '13300001234', respondentUnit: '遂宁市船山区医疗保障局', matter: '电话反映：医保窗口推诿。', hotline: '0825-12345678' };
    const first = await post('phone', entry);
    expect(first.status).toBe(201);
    const again = await post('phone', entry);
    expect(again.status).toBe(200);
    const a = (await first.json()) as { caseId: string };
    expect(((await again.json()) as { caseId: string }).caseId).toBe(a.caseId);
    expect((await h.store.get(a.caseId))?.intake).toMatchObject({ channel: 'phone', respondent: { unitCode: 'YBJ' }, channelDetails: { hotline: '0825-12345678', enteredBy: 'window-01' } });
  });

  it('a major matter at the window needs the signed written form (art. 7(1))', async () => {
    const entry = { entryId: 'win-2026-0001', name: '钱十二', phone: '13300005678', respondentUnit: '某窗口', matter: '重大事项', major: true, form: 'written' };
    const refused = await post('onsite', entry);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { errors: { code: string }[] }).errors).toEqual([expect.objectContaining({ code: 'signed_form_required' })]);
    const form = new FormData();
    form.set('entry', JSON.stringify(entry));
    form.append('signedForm', new Blob([PNG]), 'signed-form.png');
    const ok = await fetch(`${api}/api/intake/onsite`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: form });
    expect(ok.status).toBe(201);
    const { caseId } = (await ok.json()) as { caseId: string };
    expect((await h.store.get(caseId))?.intake.evidence).toEqual([expect.objectContaining({ kind: 'signed_form', contentType: 'image/png' })]);
  });
});
