import fc from 'fast-check';
import { buildFixtures, type EmailFixture } from '../../fixtures/email/generate';
import { testJurisdiction } from '../../fixtures/email/jurisdiction';
import { ingestEmail, type EmailIntakeResult } from '../../../shared/email-intake/service';
import { MailParseError } from '../../../shared/mail/errors';
import { parseMail, DEFAULT_MAIL_LIMITS } from '../../../shared/mail/parse';

const clock = { now: () => new Date('2024-03-06T02:00:00Z') };
const dry = (raw: Uint8Array, limits = {}): Promise<EmailIntakeResult> => ingestEmail(raw, 'cli', { clock, jurisdiction: testJurisdiction, dryRun: true, limits });

let fixtures: EmailFixture[] = [];
beforeAll(async () => {
  fixtures = await buildFixtures();
});

/** Either a valid outcome or a quarantine: ingestEmail must never throw on bad mail. */
function wellFormed(r: EmailIntakeResult): boolean {
  return r.ignored ? typeof r.reason === 'string' && r.detail.length > 0 : r.intake.matter.length > 0;
}

test('random bytes never crash the intake', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
      expect(wellFormed(await dry(bytes))).toBe(true);
    }),
    { numRuns: 150 },
  );
});

test('mutated real mails (truncated, spliced, broken boundaries, wrong charsets) never crash the intake', async () => {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
    fc.record({ kind: fc.constant('splice' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
    fc.record({ kind: fc.constant('charset' as const), name: fc.constantFrom('utf-7', 'x-unknown', 'gbk', 'utf-16', 'base64', '', 'iso-2022-jp', 'big5') }),
    fc.record({ kind: fc.constant('boundary' as const), junk: fc.string({ maxLength: 20 }) }),
  );
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: 1000 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (pick, mutations) => {
      let text = fixtures[pick % fixtures.length]!.raw.toString('latin1');
      for (const m of mutations) {
        if (m.kind === 'truncate') text = text.slice(0, Math.floor(text.length * m.at));
        else if (m.kind === 'splice') {
          const at = Math.floor(text.length * m.at);
          text = text.slice(0, at) + Buffer.from(m.bytes).toString('latin1') + text.slice(at);
        } else if (m.kind === 'charset') text = text.replace(/charset="?[\w-]+"?/gi, `charset=${m.name}`);
        else text = text.replace(/boundary="?([^";\r\n]+)"?/i, `boundary="${m.junk}"`);
      }
      expect(wellFormed(await dry(Buffer.from(text, 'latin1')))).toBe(true);
    }),
    { numRuns: 200 },
  );
});

test('a huge header block is refused with a clear error, quickly', async () => {
  const raw = Buffer.from(`From: a@b.test\r\nX-Junk: ${'x'.repeat(2 * 1024 * 1024)}\r\nSubject: s\r\n\r\nbody\r\n`);
  const started = Date.now();
  const r = await dry(raw);
  expect(r).toMatchObject({ ignored: true, reason: 'malformed' });
  expect(Date.now() - started).toBeLessThan(5000);
});

test('thousands of folded header lines are bounded too', async () => {
  const raw = Buffer.from(`From: a@b.test\r\nSubject: s\r\n${Array.from({ length: 50000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\nbody\r\n`);
  const r = await dry(raw);
  expect(r.ignored ? r.reason : 'accepted').toBe('malformed');
});

test('deeply nested multiparts (zip-bomb-like) are quarantined, not followed', async () => {
  const depth = 2000;
  let head = 'From: a@b.test\r\nSubject: nest\r\nMIME-Version: 1.0\r\n';
  let tail = '';
  for (let i = 0; i < depth; i++) {
    head += `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`;
    tail = `\r\n--b${i}--\r\n` + tail;
  }
  const raw = Buffer.from(`${head}Content-Type: text/plain\r\n\r\n投诉事项：测试\r\n${tail}`);
  const started = Date.now();
  const r = await dry(raw);
  expect(r).toMatchObject({ ignored: true, reason: 'malformed' });
  expect(Date.now() - started).toBeLessThan(10000);
});

test('messages attached in messages beyond the depth limit are quarantined as too deep', async () => {
  let mail = 'From: x@citizen.test\r\nSubject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n投诉事项：测试\r\n';
  for (let i = 0; i < DEFAULT_MAIL_LIMITS.maxDepth + 2; i++) {
    mail = `From: f${i}@fwd.test\r\nSubject: fwd ${i}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="L${i}"\r\n\r\n--L${i}\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--L${i}\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment; filename="m${i}.eml"\r\n\r\n${mail}\r\n--L${i}--\r\n`;
  }
  const r = await dry(Buffer.from(mail));
  expect(r).toMatchObject({ ignored: true, reason: 'too_deep' });
});

test('a mail over the size limit is refused before parsing', async () => {
  const r = await dry(Buffer.alloc(2048, 0x41), { maxBytes: 1024 });
  expect(r).toMatchObject({ ignored: true, reason: 'too_large' });
  await expect(parseMail(Buffer.alloc(2048, 0x41), { ...DEFAULT_MAIL_LIMITS, maxBytes: 1024 })).rejects.toBeInstanceOf(MailParseError);
});

test('the parse time is bounded', async () => {
  const big = Buffer.from(`From: a@b.test\r\nSubject: s\r\nContent-Type: text/plain\r\n\r\n${'投诉事项：很长的正文。\r\n'.repeat(200000)}`);
  const r = await dry(big, { timeoutMs: 1 });
  expect(r).toMatchObject({ ignored: true, reason: 'timeout' });
});
