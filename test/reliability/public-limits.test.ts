/**
 * Limits on the public routes: sizes (request body, fields, files), rates (complaints and status look-ups per
 * client address; failed look-ups per case id, i.e. query-code guessing) and uploads judged by content, never by
 * their name or declared type. The real public routes run on the real intake core and CaseStore (dynalite),
 * with the rate limiter that createApp mounts in front of them.
 */
import type { Hono } from 'hono';
import { createApp } from '../../functions/api/app';
import { FailureBackoff, WindowCounter } from '../../functions/api/rate-limit';
import { parseHttpLimits, proxyMatcher, resolveClientAddress } from '../../functions/api/limits';
import type { HttpLimitsInput } from '../../functions/api/limits';
import { contentDisposition } from '../../functions/api/routes/console-api';
import { safeFilename } from '../../shared/intake/evidence';
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
function limitedApp(limits: HttpLimitsInput = {}): Hono {
  return createApp({ deps: { intake: h.deps, limits: parseHttpLimits(limits), rateLimitClock: () => t } });
}

const from = (ip: string) => ({ incoming: { socket: { remoteAddress: ip } } });
const post = (app: Hono, ip: string, body: unknown, key?: string) =>
  app.request('/api/complaints', { method: 'POST', headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) }, body: JSON.stringify(body) }, from(ip));
const lookup = (app: Hono, ip: string, caseId: string, code: string, method = 'GET') => app.request(`/api/complaints/${caseId}?code=${code}`, { method }, from(ip));
const file = async (app: Hono, ip: string, i: number) => (await (await post(app, ip, webBody(i))).json()) as { caseId: string; queryCode: string };

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

test('HEAD and OPTIONS on /api/complaints count against the same per-address rate', async () => {
  const app = limitedApp();
  for (let i = 0; i < 10; i++) await app.request('/api/complaints', { method: i % 2 ? 'HEAD' : 'OPTIONS' }, from('198.51.100.9'));
  for (let i = 0; i < 10; i++) expect((await post(app, '198.51.100.9', webBody(i))).status).toBe(201);
  expect((await post(app, '198.51.100.9', webBody(11))).status).toBe(429);
});

test('wrong query codes cost the guessing address, never the complainant asking from another address', async () => {
  const app = limitedApp();
  const made = await file(app, '203.0.113.1', 1);
  for (let i = 0; i < 10; i++) expect((await lookup(app, '192.0.2.9', made.caseId, `WRONG${String(i).padStart(3, '2')}`)).status).toBe(404);
  // The guesser's 11th try is refused, even with the right code, with a wait to respect.
  const blocked = await lookup(app, '192.0.2.9', made.caseId, made.queryCode);
  expect(blocked.status).toBe(429);
  expect(Number(blocked.headers.get('retry-after'))).toBe(60);
  const html = await app.request(`/status?caseId=${made.caseId}&code=${made.queryCode}`, { headers: { accept: 'text/html' } }, from('192.0.2.9'));
  expect(html.status).toBe(429);
  expect(await html.text()).toContain('1 分钟后再试');
  // The complainant, elsewhere, still reads the status page.
  expect((await lookup(app, '198.51.100.20', made.caseId, made.queryCode)).status).toBe(200);
  expect((await app.request(`/status?caseId=${made.caseId}&code=${made.queryCode}`, { headers: { accept: 'text/html' } }, from('198.51.100.20'))).status).toBe(200);
  // The wait doubles with each further wrong code: 60 s, then 120 s.
  t += 61_000;
  expect((await lookup(app, '192.0.2.9', made.caseId, 'WRONG999')).status).toBe(404);
  expect(Number((await lookup(app, '192.0.2.9', made.caseId, made.queryCode)).headers.get('retry-after'))).toBe(120);
  t += 121_000;
  expect((await lookup(app, '192.0.2.9', made.caseId, made.queryCode)).status).toBe(200);
});

test.each(['HEAD', 'OPTIONS'])('%s look-ups count like GET: wrong codes sent that way are throttled too', async (method) => {
  const app = limitedApp();
  const made = await file(app, '203.0.113.1', 1);
  for (let i = 0; i < 10; i++) expect((await lookup(app, '192.0.2.10', made.caseId, `WRONG${String(i).padStart(3, '2')}`, method)).status).toBe(404);
  expect((await lookup(app, '192.0.2.10', made.caseId, made.queryCode, method)).status).toBe(429);
  expect((await app.request(`/status?caseId=${made.caseId}&code=${made.queryCode}`, { method }, from('192.0.2.10'))).status).toBe(429);
  expect((await lookup(app, '192.0.2.10', made.caseId, made.queryCode)).status).toBe(429);
});

test('the query code by POST (the status form, the JSON look-up): answered, throttled like GET, never needed in a URL', async () => {
  const app = limitedApp();
  const made = await file(app, '203.0.113.1', 1);
  const form = (code: string, ip: string) =>
    app.request(
      '/status',
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: new URLSearchParams({ caseId: made.caseId, code }).toString() },
      from(ip),
    );
  const json = (code: string, ip: string) =>
    app.request(`/api/complaints/${made.caseId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) }, from(ip));
  const header = (code: string, ip: string) => app.request(`/api/complaints/${made.caseId}`, { headers: { 'x-query-code': code } }, from(ip));
  const page = await form(made.queryCode, '198.51.100.30');
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('已接收');
  expect((await json(made.queryCode, '198.51.100.30')).status).toBe(200);
  expect((await header(made.queryCode, '198.51.100.30')).status).toBe(200);
  expect((await header(made.queryCode, '198.51.100.30')).headers.get('deprecation')).toBeNull();
  // ?code= on GET still answers, for links made before, and says it is deprecated.
  expect((await lookup(app, '198.51.100.30', made.caseId, made.queryCode)).headers.get('deprecation')).toBe('true');
  // Wrong codes posted by the form or as JSON cost the guessing address like wrong codes in a URL.
  for (let i = 0; i < 5; i++) expect((await form(`WRONG${String(i).padStart(3, '2')}`, '192.0.2.40')).status).toBe(404);
  for (let i = 5; i < 10; i++) expect((await json(`WRONG${String(i).padStart(3, '2')}`, '192.0.2.40')).status).toBe(404);
  expect((await form(made.queryCode, '192.0.2.40')).status).toBe(429);
  expect((await json(made.queryCode, '192.0.2.40')).status).toBe(429);
  // A form without the code asks for it (400), as the GET form did.
  const empty = await app.request(
    '/status',
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }, body: `caseId=${made.caseId}` },
    from('198.51.100.31'),
  );
  expect(empty.status).toBe(400);
  expect(await empty.text()).toContain('请填写“查询码”');
});

test('HEAD /status with wrong codes is throttled (Hono answers HEAD with the GET handler)', async () => {
  const app = limitedApp();
  const made = await file(app, '203.0.113.1', 1);
  for (let i = 0; i < 10; i++) {
    expect((await app.request(`/status?caseId=${made.caseId}&code=WRONG${String(i).padStart(3, '2')}`, { method: 'HEAD' }, from('192.0.2.11'))).status).toBe(404);
  }
  expect((await app.request(`/status?caseId=${made.caseId}&code=${made.queryCode}`, { method: 'HEAD' }, from('192.0.2.11'))).status).toBe(429);
});

test('one address guessing across many cases is slowed down after 30 wrong codes in all', async () => {
  const app = limitedApp();
  const made = await file(app, '203.0.113.1', 1);
  for (let i = 0; i < 30; i++) expect((await lookup(app, '192.0.2.12', `510903-20260302-${String(i).padStart(4, '0')}`, 'X')).status).toBe(404);
  expect((await lookup(app, '192.0.2.12', made.caseId, made.queryCode)).status).toBe(429);
  expect((await lookup(app, '192.0.2.13', made.caseId, made.queryCode)).status).toBe(200);
});

test.each(['GET', 'HEAD', 'OPTIONS'])('status look-ups: 60 a minute per client address, %s included', async (method) => {
  const app = limitedApp({
    lookups: {
      wrongCodesPerCase: { freeFailures: 1000, firstDelaySeconds: 1, maxDelaySeconds: 1, forgetAfterSeconds: 60 },
      wrongCodesPerAddress: { freeFailures: 1000, firstDelaySeconds: 1, maxDelaySeconds: 1, forgetAfterSeconds: 60 },
    },
  });
  for (let i = 0; i < 60; i++) expect((await lookup(app, '192.0.2.50', `510903-20260302-${String(i).padStart(4, '0')}`, 'X', method)).status).toBe(404);
  expect((await lookup(app, '192.0.2.50', '510903-20260302-9999', 'X')).status).toBe(429);
});

test('limits are configuration: a raised rate lets one address file more, and a bad value is refused by name', async () => {
  const app = limitedApp({ complaints: { perMinute: 25 } });
  for (let i = 0; i < 25; i++) expect((await post(app, '198.51.100.30', webBody(i))).status).toBe(201);
  expect((await post(app, '198.51.100.30', webBody(26))).status).toBe(429);
  expect(() => parseHttpLimits({ complaints: { perMinute: 0 } })).toThrow(/limits\.complaints\.perMinute/);
  expect(() => parseHttpLimits({ lookups: { wrongCodesPerCase: { freeFailures: 3, firstDelaySeconds: 60, maxDelaySeconds: 10, forgetAfterSeconds: 60 } } })).toThrow(/maxDelaySeconds/);
  expect(() => parseHttpLimits({ trustedProxies: ['10.0.0.0/33'] })).toThrow(/trustedProxies\.0/);
  expect(() => parseHttpLimits({ complaint: {} })).toThrow(/complaint/);
});

describe('client address: X-Forwarded-For only from declared proxies', () => {
  const xff = (ip: string, forwarded: string) => ({ headers: { 'content-type': 'application/json', 'x-forwarded-for': forwarded }, env: from(ip) });
  const postVia = (app: Hono, ip: string, forwarded: string, i: number) =>
    app.request('/api/complaints', { method: 'POST', headers: xff(ip, forwarded).headers, body: JSON.stringify(webBody(i)) }, xff(ip, forwarded).env);

  test('without trusted proxies a forged header changes nothing: one peer is one client', async () => {
    const app = limitedApp();
    for (let i = 0; i < 20; i++) expect((await postVia(app, '198.51.100.40', `10.9.0.${i}`, i)).status).toBe(201);
    expect((await postVia(app, '198.51.100.40', '10.9.0.99', 99)).status).toBe(429);
  });

  test('behind a declared proxy each forwarded client has its own count; entries the client wrote are not believed', async () => {
    const app = limitedApp({ trustedProxies: ['10.0.0.0/8'] });
    for (let i = 0; i < 20; i++) expect((await postVia(app, '10.0.0.5', `1.2.3.${i}, 198.51.100.41`, i)).status).toBe(201);
    expect((await postVia(app, '10.0.0.5', '1.2.3.250, 198.51.100.41', 99)).status).toBe(429);
    expect((await postVia(app, '10.0.0.5', '198.51.100.42', 100)).status).toBe(201);
  });

  test('resolveClientAddress walks the chain from the right and skips trusted hops', () => {
    const trusted = proxyMatcher(['10.0.0.0/8', '::1']);
    expect(resolveClientAddress('::ffff:10.0.0.5', '203.0.113.9, 198.51.100.1, 10.1.1.1', trusted)).toBe('198.51.100.1');
    expect(resolveClientAddress('::1', '198.51.100.2', trusted)).toBe('198.51.100.2');
    expect(resolveClientAddress('198.51.100.3', '10.0.0.1', trusted)).toBe('198.51.100.3');
    expect(resolveClientAddress('10.0.0.5', 'not-an-ip', trusted)).toBe('10.0.0.5');
  });
});

test('the counters stay bounded under a flood of addresses', () => {
  const counter = new WindowCounter(60_000, 1000);
  for (let i = 0; i < 100_000; i++) counter.hit(`10.0.${i >> 8}.${i & 255}`, 0);
  expect(counter.size).toBe(1000);
  const backoff = new FailureBackoff({ freeFailures: 1, firstDelaySeconds: 1, maxDelaySeconds: 1, forgetAfterSeconds: 60 }, 1000);
  for (let i = 0; i < 100_000; i++) backoff.fail(`10.0.${i >> 8}.${i & 255}`, 0);
  expect(backoff.size).toBe(1000);
});

describe('answers about a case are never cached and never framed', () => {
  test.each(['/api/complaints/X?code=Y', '/status?caseId=X&code=Y', '/status'])('%s', async (path) => {
    const app = limitedApp();
    const res = await app.request(path, { headers: { accept: 'text/html' } }, from('192.0.2.70'));
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  test('a filed complaint (it carries the query code) is not cached either; the form script may be', async () => {
    const app = limitedApp();
    const res = await post(app, '192.0.2.71', webBody(1));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect((await app.request('/static/tousu-form.js')).headers.get('cache-control')).toBe('public, max-age=300');
  });
});

describe('sizes', () => {
  test('a body over 4.5 MB is refused with 413 before it is parsed; an over-long matter is a 400 naming the field', async () => {
    const app = createApp({ deps: { intake: h.deps } });
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

  test('the evidence caps are configuration (limits.sizes.evidence): enforced on the route and shown on the form; bad caps refused naming the field', async () => {
    const small = limitedApp({ sizes: { evidence: { maxFiles: 1, maxFileBytes: 2048, maxTotalBytes: 2048, maxRequestBytes: 64 * 1024 } } });
    const two = [
      { name: 'a.png', type: 'image/png', bytes: fakePng(1) },
      { name: 'b.png', type: 'image/png', bytes: fakePng(2) },
    ];
    const refused = await small.request('/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: multipart(two) }, from('198.51.100.20'));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ errors: [{ field: 'evidence', code: 'too_many_files', message: '证明材料最多 1 个文件。' }] });
    const big = Uint8Array.from([...fakePng(3), ...new Uint8Array(4096)]);
    const tooBig = await small.request(
      '/api/complaints',
      { method: 'POST', headers: { accept: 'application/json' }, body: multipart([{ name: 'big.png', type: 'image/png', bytes: big }]) },
      from('198.51.100.20'),
    );
    expect(((await tooBig.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('file_too_large');
    expect(await (await small.request('/', {}, from('198.51.100.20'))).text()).toContain('最多 1 个文件，每个不超过 2 KB，合计不超过 2 KB');
    // Today's default: five files, 4 MB.
    const dflt = limitedApp();
    expect((await dflt.request('/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: multipart(two) }, from('198.51.100.21'))).status).toBe(201);
    expect(await (await dflt.request('/', {}, from('198.51.100.21'))).text()).toContain('最多 5 个文件，每个不超过 4 MB，合计不超过 4 MB');

    expect(() => parseHttpLimits({ sizes: { evidence: { maxFileBytes: 8 * 1024 * 1024 } } })).toThrow(/limits\.sizes\.evidence\.maxFileBytes: 单个文件上限/);
    expect(() => parseHttpLimits({ sizes: { evidence: { maxTotalBytes: 5 * 1024 * 1024, maxFileBytes: 1024 * 1024 } } })).toThrow(/limits\.sizes\.evidence\.maxTotalBytes/);
    expect(() => parseHttpLimits({ sizes: { evidence: { maxFiles: 0 } } })).toThrow(/limits\.sizes\.evidence\.maxFiles/);
    expect(() => parseHttpLimits({ sizes: { evidence: { maxFilez: 1 } } })).toThrow(/limits\.sizes\.evidence/);
  });

  test('an executable named photo.png with type image/png is refused', async () => {
    const app = createApp({ deps: { intake: h.deps } });
    const exe = Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, ...Buffer.from('This program cannot be run in DOS mode')]);
    const res = await app.request('/api/complaints', { method: 'POST', headers: { accept: 'application/json' }, body: multipart([{ name: 'photo.png', type: 'image/png', bytes: exe }]) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [expect.objectContaining({ field: 'evidence', code: 'file_type_not_allowed' })] });
    expect(h.blobs.blobs.size).toBe(0);
  });

  test('a real PNG named scan.exe and a PDF named x.jpg are kept under the type their bytes show', async () => {
    const app = createApp({ deps: { intake: h.deps } });
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

  test.each(['a"b.png', 'a\r\nX-Injected: 1.png', 'a\nb.png'])('a malformed multipart file name (%j) is a 400 naming the problem, not a 500', async (name) => {
    const app = createApp({ deps: { intake: h.deps } });
    const b = 'XyZboundary';
    const body = `--${b}\r\ncontent-disposition: form-data; name="matter"\r\n\r\nhello\r\n--${b}\r\ncontent-disposition: form-data; name="evidence"; filename="${name}"\r\ncontent-type: image/png\r\n\r\n\x89PNG\r\n--${b}--\r\n`;
    const res = await app.request('/api/complaints', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${b}`, accept: 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [expect.objectContaining({ field: '(body)', code: 'invalid_form_data', message: expect.stringMatching(/文件名/) })] });
  });

  test('a file name keeps no path: neither when stored nor in a download', async () => {
    const app = createApp({ deps: { intake: h.deps } });
    const res = await app.request('/api/complaints', {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: multipart([
        { name: '../../etc/scan.png', type: 'image/png', bytes: fakePng(2) },
        { name: 'C:\\Users\\wang\\photo.png', type: 'image/png', bytes: fakePng(3) },
      ]),
    });
    expect(res.status).toBe(201);
    const { caseId } = (await res.json()) as { caseId: string };
    expect((await h.store.get(caseId))!.intake.evidence.map((e) => e.filename)).toEqual(['scan.png', 'photo.png']);
    // A name stored before this rule (or by another channel) still loses its path in the download header.
    expect(contentDisposition('..\\..\\secret\\报告.pdf')).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''${encodeURIComponent('报告.pdf')}`);
    expect(safeFilename('../..', 'file.bin')).toBe('file.bin');
  });
});
