/**
 * Limits on the public routes: sizes (request body, fields, files), rates (complaints and status look-ups per
 * client address; failed look-ups per case id, i.e. query-code guessing) and uploads judged by content, never by
 * their name or declared type. The real public routes run on the real intake core and CaseStore (dynalite),
 * with the rate limiter that createApp mounts in front of them.
 */
import type { Hono } from 'hono';
import { createApp } from '../../functions/api/app';
import { WindowCounter } from '../../functions/api/rate-limit';
import { openHarness, webBody, fakePng } from './helpers';
import type { ReliabilityHarness } from './helpers';

let h: ReliabilityHarness;
let t = Date.parse('2026-03-02T01:30:00Z');
beforeEach(async () => {
  h = await openHarness();
});
afterEach(async () => {
  await h.close();
});

/** The app exactly as deployed (createApp mounts the limiter before the public routes), on a test clock. */
function limitedApp(): Hono {
  return createApp({ deps: { intake: h.deps, rateLimit: { now: () => t } } });
}

const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
const post = (app: Hono, ip: string, body: unknown, key?: string) =>
  app.request('/api/complaints', { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) }, from(ip));

test('POST /api/complaints: 20 a minute per client address, then 429 with Retry-After; others are not affected', async () => {
  const app = limitedApp();
  for (let i = 0; i < 20; i++) expect((await post(app, '198.51.100.7', webBody(i))).status).toBe(201);
  const refused = await post(app, '198.51.100.7', webBody(99));
  expect(refused.status).toBe(429);
  expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await refused.json()).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/频繁/) });
  expect((await post(app, '198.51.100.8', webBody(100))).status).toBe(201);
  t += 61_000;
  expect((await post(app, '198.51.100.7', webBody(101))).status).toBe(201);
  expect(await h.allCases()).toHaveLength(22);
});

test('query-code guessing is throttled per case id, whatever address asks', async () => {
  const app = limitedApp();
  const made = (await (await post(app, '203.0.113.1', webBody(1))).json()) as { caseId: string; queryCode: string };
  const other = (await (await post(app, '203.0.113.1', webBody(2))).json()) as { caseId: string; queryCode: string };
  for (let i = 0; i < 10; i++) {
    const res = await app.request(`/api/complaints/${made.caseId}?code=WRONG${String(i).padStart(3, '2')}`, {}, from(`192.0.2.${i}`));
    expect(res.status).toBe(404);
  }
  // The 11th try is refused, even with the right code, from a new address; another case still answers.
  const blocked = await app.request(`/api/complaints/${made.caseId}?code=${made.queryCode}`, {}, from('192.0.2.200'));
  expect(blocked.status).toBe(429);
  const html = await app.request(`/status?caseId=${made.caseId}&code=${made.queryCode}`, { headers: { accept: 'text/html' } }, from('192.0.2.201'));
  expect(html.status).toBe(429);
  expect(await html.text()).toContain('一小时后再试');
  expect((await app.request(`/api/complaints/${other.caseId}?code=${other.queryCode}`, {}, from('192.0.2.202'))).status).toBe(200);
  t += 3_600_000 + 1000;
  expect((await app.request(`/api/complaints/${made.caseId}?code=${made.queryCode}`, {}, from('192.0.2.203'))).status).toBe(200);
});

test('status look-ups: 60 a minute per client address', async () => {
  const app = limitedApp();
  for (let i = 0; i < 60; i++) expect((await app.request(`/api/complaints/510903-20260302-${String(i).padStart(4, '0')}?code=X`, {}, from('192.0.2.50'))).status).toBe(404);
  expect((await app.request('/api/complaints/510903-20260302-9999?code=X', {}, from('192.0.2.50'))).status).toBe(429);
});

test('the counters stay bounded under a flood of addresses', () => {
  const counter = new WindowCounter(60_000, 1000);
  for (let i = 0; i < 100_000; i++) counter.hit(`10.0.${i >> 8}.${i & 255}`, 0);
  expect(counter.size).toBe(1000);
});

describe('sizes (the public routes as they are, without the limiter)', () => {
  test('a body over 4.5 MB is refused with 413 before it is parsed; an over-long matter is a 400 naming the field', async () => {
    const app = createApp({ deps: { intake: h.deps, rateLimit: false } });
    const huge = await app.request('/api/complaints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...webBody(1), facts: 'x'.repeat(5 * 1024 * 1024) }) });
    expect(huge.status).toBe(413);
    const long = await app.request('/api/complaints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...webBody(1), matter: '投'.repeat(20_001) }) });
    expect(long.status).toBe(400);
    expect(await long.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'matter', code: 'too_long' })] });
    expect(await h.allCases()).toHaveLength(0);
  });
});

describe('uploads are judged by their content, not their name or declared type', () => {
  function multipart(files: { name: string; type: string; bytes: Uint8Array }[]): FormData {
    const form = new FormData();
    const b = webBody(7) as { complainant: Record<string, string>; respondent: Record<string, string>; matter: string };
    form.set('complainant.name', b.complainant.name!);
    form.set('complainant.phone', b.complainant.phone!);
    form.set('complainant.wantsReply', 'on');
    form.set('respondent.unit', b.respondent.unit!);
    form.set('matter', b.matter);
    for (const f of files) form.append('evidence', new File([f.bytes], f.name, { type: f.type }));
    return form;
  }

  test('an executable named photo.png with type image/png is refused', async () => {
    const app = createApp({ deps: { intake: h.deps, rateLimit: false } });
    const exe = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, ...Buffer.from('This program cannot be run in DOS mode')]);
    const res = await app.request('/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: multipart([{ name: 'photo.png', type: 'image/png', bytes: exe }]) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'evidence', code: 'file_type_not_allowed' })] });
    expect(h.blobs.blobs.size).toBe(0);
  });

  test('a real PNG named scan.exe and a PDF named x.jpg are kept under the type their bytes show', async () => {
    const app = createApp({ deps: { intake: h.deps, rateLimit: false } });
    const pdf = Uint8Array.from(Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'));
    const res = await app.request('/api/complaints', {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: multipart([
        { name: 'scan.exe', type: 'application/x-msdownload', bytes: fakePng(1) },
        { name: 'x.jpg', type: 'image/jpeg', bytes: pdf },
      ]),
    });
    expect(res.status).toBe(201);
    const { caseId } = (await res.json()) as { caseId: string };
    const c = (await h.store.get(caseId))!;
    expect(c.intake.evidence.map((e) => [e.contentType, e.ref.split('.').pop()])).toEqual([
      ['image/png', 'png'],
      ['application/pdf', 'pdf'],
    ]);
    expect([...h.blobs.blobs.values()].map((b) => b.contentType).sort()).toEqual(['application/pdf', 'image/png']);
  });
});
