/**
 * Lambda bundle size (issues 11, 26): every function is bundled as CDK deploys it (bundleFunction, the local
 * bundling of TousuFunction) and the code its cold start loads (the entry and the chunks it imports statically)
 * is held against 500 KB. Timing is not asserted here (bench/bundles.bench.ts measures init).
 *
 * Not all functions meet 500 KB yet. Those that do not are listed in OVER_TARGET with a ceiling a little above
 * what they load today, so that they may not grow unnoticed; docs/BENCHMARKS.md ("Lambda bundles") says why each
 * one is over. A function that gets under 500 KB must leave the list (the test says so); any other function above
 * 500 KB fails.
 *
 * The bundler aliases (html-to-text, encoding-japanese, pino and socks stubs, one libmime) are checked here too: on
 * a real bundle of shared/mail/parse.ts, HTML-only, ISO-2022-JP and GBK mail parse as they do unbundled; a real
 * bundle of imapflow accepts the IMAP poller's options, and says why when asked for its default logger or a proxy.
 */
import { mkdtempSync, readdirSync, existsSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import iconv from 'iconv-lite';
import { bundleFunction } from '../../infra/constructs/bundle-function';
import { REPO_ROOT } from '../../infra/config';
import * as unbundled from '../../shared/mail/parse';
import type * as Imapflow from 'imapflow';
import { createRequire } from 'node:module';
import stubHe, { defaultEncode } from '../../shared/mail/bundle-stubs/he';

const KB = 1024;
/** The real `he` (mailparser's dependency, untyped), to hold the bundle stub against. */
const realHe = createRequire(import.meta.url)('he') as { encode(text: string, options?: object): string; escape(text: string): string };
const TARGET = 500 * KB;

/**
 * Functions still above 500 KB at init, each with its ceiling in KB (measured + ~2 %). Raised on 2026-12-03 after
 * the composition-root, routing, duplicate-matching and secrecy merges; lowered on 2026-12-04 (issue 26) when each
 * life-cycle task got a bundle of its own (functions/lifecycle/runtime.ts `run(task)`: await-action, handle-deadline,
 * prepare-wait and record-failure went from 505-511 KB to 459-482 KB and left this list) and the hand-over sender
 * became a lazy chunk of the screening. What remains is code each function runs on its first invocation:
 * - screen-case (521) carries the duplicate fingerprinting it files the LSH bands with, on every screening, and the
 *   notices a screening sends;
 * - workorder-intake (539), box-intake (715), letter-intake (683) carry routing (~20 KB) and the duplicate check
 *   (~25 KB) that every intake runs before the case is made; box and letter also the S3 client they read with.
 * - archive-case (634) the S3 client; api (888) the Powertools logger of the composition root (~20 KB), hono,
 *   the Cognito client, routing and the lifecycle domain of every action route.
 * - email-intake (1,060), imap-poller (1,114): mailparser and iconv-lite with libmime's GB tables.
 * Raised again on 2026-12-04 (measured + ~1 %) by Powertools Metrics in the one middy chain of every handler
 * (shared/composition/aws-lambda.ts, issue 16): +1 to +11 KB per function; and by the AWS hand-over (issue 15):
 * the reconciler (550) replays parked hand-overs, handle-deadline (517) and screen-case (567) carry its sender;
 * api 940 with the hand-over route and the console's new routes (issues 21, 22). +1 KB on archive-case, imap-poller,
 * screen-case and workorder-intake (2026-12-04, issue 23): the 12345 marks decorator every case writer carries
 * (shared/services/workorder-marks.ts; its DynamoDB adapter and the reconciler's pump are lazy chunks).
 * Raised on 2026-12-04 (h23, issue 22) for the one duplicate matcher of both runtimes: the plain-JS word segmenter
 * (2.7 KB; its 5 MB dictionary is a data file beside the code, not loaded at init) in every function that checks
 * or indexes duplicates, +4 KB of catalogue loading in screen-case (the matcher now gets the catalogue items, halls
 * and counties on AWS too), +3.4 KB of the 不是重复 route in api: screen-case 573 → 585, workorder-intake 560 → 569,
 * box-intake 739 → 746, letter-intake 707 → 714, imap-poller 1131 → 1145, api 950 → 958 (measured + ~1 %).
 * Lowered on 2026-12-04 (issue 26) by about 11 KB each where jsonc-parser left every bundle (shared/config/json.ts
 * loads it only to place a configuration problem), which pays for the case store that writes a change in one
 * TransactWriteItems; the ceilings above keep the larger of the merged branches' figures until re-measured.
 * api 973 (measured on the merged main, 2026-12-04; ceiling + ~1 %): the console's account administration and
 * dead-letter/workflow recovery routes with their Cognito admin commands (issue 21).
 * Lowered on 2026-12-04 (h42, issue 26 item 5; measured + ~1 %, `npx tsx bench/bundle-inputs.ts` prints the sizes
 * and what they are made of): api 973 → 680 (the staff side is a chunk loaded by the first staff request,
 * functions/api/lazy-routes.ts), email-intake 1,078 → 994 and imap-poller 1,132 → 1,047 (`he` stub), archive-case
 * 664 → 651 and handle-deadline 513 → 500 (only screen-case carries the hand-over wiring; handle-deadline is off
 * the list, 107 bytes under 500 KB). What keeps the others above 500 KB is code every invocation runs
 * (docs/BENCHMARKS.md, "Lambda bundles (issue 26 item 5, h42)").
 */
// Raised on 2026-12-04 after the art. 17/20 merge (h46): api 692 (decision routes, single outbox/quarantine items,
// a merged case's joined progress) and handle-deadline back over the target at 504 (the art. 17 cause categories
// that every classification tags, in the life-cycle actions every life-cycle Lambda carries).
const OVER_TARGET: Record<string, number> = {
  api: 699,
  'archive-case': 658,
  'box-intake': 745,
  'email-intake': 1004,
  'handle-deadline': 509,
  'imap-poller': 1058,
  'letter-intake': 713,
  reconciler: 553,
  'screen-case': 583,
  'workorder-intake': 567,
};

const FUNCTIONS = readdirSync(join(REPO_ROOT, 'functions')).filter((n) => existsSync(join(REPO_ROOT, 'functions', n, 'index.ts')));

const outdir = mkdtempSync(join(tmpdir(), 'tousu-bundle-size-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

interface Measured {
  bytes: number;
  eagerInputs: string[];
  allInputs: string[];
}
const measured = new Map<string, Measured>();

beforeAll(() => {
  for (const name of FUNCTIONS) {
    const r = bundleFunction(`functions/${name}/index.ts`, name, join(outdir, name));
    const eager = r.eager.filter((f) => f.endsWith('.mjs'));
    const eagerKeys = new Set(eager.map((f) => relative(REPO_ROOT, f)));
    const outputs = Object.entries(r.metafile.outputs);
    measured.set(name, {
      bytes: eager.reduce((sum, f) => sum + statSync(f).size, 0),
      eagerInputs: outputs.filter(([o]) => eagerKeys.has(o)).flatMap(([, m]) => Object.keys(m.inputs)),
      allInputs: outputs.flatMap(([, m]) => Object.keys(m.inputs)),
    });
  }
}, 180_000);

test('every function with an index.ts is measured (the deployed ones, imap-poller included)', () => {
  expect(FUNCTIONS).toEqual(expect.arrayContaining(['api', 'email-intake', 'imap-poller', 'screen-case', 'archive-case']));
  expect(Object.keys(OVER_TARGET).filter((n) => !FUNCTIONS.includes(n))).toEqual([]);
});

test.each(FUNCTIONS)('%s loads at most 500 KB at init (or its recorded ceiling, never more)', (name) => {
  const { bytes } = measured.get(name)!;
  const kb = Math.round(bytes / KB);
  const ceiling = OVER_TARGET[name];
  if (ceiling === undefined) {
    expect(`${name}: ${kb} KB`).toBe(bytes <= TARGET ? `${name}: ${kb} KB` : `${name}: ≤ 500 KB`);
  } else {
    // Under the target now: take it off OVER_TARGET, so that it stays under.
    expect(`${name}: ${kb} KB, over 500: ${bytes > TARGET}`).toBe(`${name}: ${kb} KB, over 500: true`);
    expect(kb).toBeLessThanOrEqual(ceiling);
  }
});

test('no function loads the HTML-to-text stack, encoding-japanese, zod-openapi, pino, socks or imapflow at init, except imapflow in its poller', () => {
  const lazyOnly = /node_modules\/(html-to-text|htmlparser2|encoding-japanese|he|zod-openapi|pino|socks|ip-address|smart-buffer)\//;
  for (const [name, m] of measured) {
    expect({ name, eager: m.eagerInputs.filter((i) => lazyOnly.test(i)) }).toEqual({ name, eager: [] });
    if (name !== 'imap-poller') expect({ name, imapflow: m.allInputs.some((i) => i.includes('node_modules/imapflow/')) }).toEqual({ name, imapflow: false });
  }
  // …and the lazy chunks are there: HTML-only mail still converts on Lambda.
  expect(measured.get('email-intake')!.allInputs.some((i) => i.includes('node_modules/html-to-text/'))).toBe(true);
  // One libmime build, not two.
  expect(measured.get('email-intake')!.allInputs.filter((i) => /node_modules\/libmime\/dist\/[a-z]+\/libmime\.js$/.test(i))).toEqual(['node_modules/libmime/dist/cjs/libmime.js']);
});

test('bundled, the mail parser reads HTML-only GBK mail, ISO-2022-JP and UTF-8 mail exactly as unbundled', async () => {
  const dir = join(outdir, 'mail-parse');
  const r = bundleFunction('shared/mail/parse.ts', 'mail-parse', dir);
  expect(r.lazyData).toEqual(expect.arrayContaining(['node_modules/encoding-japanese/src']));
  const bundled = (await import(pathToFileURL(join(dir, 'functions/mail-parse/index.mjs')).href)) as typeof unbundled;
  const b64 = (s: string, cs: string) => iconv.encode(s, cs).toString('base64');
  const mails = {
    htmlOnlyGbk: Buffer.from(
      `From: =?GBK?B?${b64('张三', 'gbk')}?= <zs@example.cn>\r\nTo: ts@example.gov.cn\r\nSubject: =?GB2312?B?${b64('投诉', 'gb2312')}?=\r\nMIME-Version: 1.0\r\n` +
        `Content-Type: text/html; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n${b64('<h1>窗口</h1><p>拒绝&nbsp;受理</p><table><tr><th>姓名</th><td>张三</td></tr></table>', 'gbk')}\r\n`,
    ),
    iso2022jp: Buffer.from(
      'From: a@example.jp\r\nTo: ts@example.gov.cn\r\nSubject: jp\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$B$3$s$K$A$O\x1b(B\r\n',
      'latin1',
    ),
    utf8: Buffer.from(`From: b@example.cn\r\nTo: ts@example.gov.cn\r\nSubject: =?UTF-8?B?${Buffer.from('你好').toString('base64')}?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n正文\r\n`),
  };
  const view = (m: unbundled.ParsedMail) => ({ subject: m.subject, from: m.from, text: m.text, htmlOnly: m.htmlOnly });
  for (const raw of Object.values(mails)) expect(view(await bundled.parseMail(raw))).toEqual(view(await unbundled.parseMail(raw)));
  expect(view(await bundled.parseMail(mails.htmlOnlyGbk))).toEqual({
    subject: '投诉',
    from: { name: '张三', address: 'zs@example.cn' },
    text: expect.stringMatching(/窗口\n\n拒绝\s受理\n\n姓名\s+张三/),
    htmlOnly: true,
  });
  expect((await bundled.parseMail(mails.iso2022jp)).text).toBe('こんにちは\n');
});

test("the he stub encodes every code point as he's default encode does, and hands any other call to the real package", () => {
  // Every BMP code point (lone surrogates included), astral pairs, and he's unsafe symbols in context.
  const bmp = Array.from({ length: 0x10000 }, (_, i) => String.fromCharCode(i)).join('');
  const samples = [bmp, '张三 <zs@example.cn> & "李四" \'x\' `y`', '𠀀😀\uD83D x \uDE00', '\u0000\t\n\r\x7F\x80\x81\xA0', ''];
  for (const text of samples) expect(defaultEncode(text)).toBe(realHe.encode(text));
  expect(stubHe.encode('<王五> ©')).toBe(realHe.encode('<王五> ©'));
  // Other options and functions: the real package (loaded on first use).
  expect(stubHe.encode('<©>', { useNamedReferences: true })).toBe('&lt;&copy;&gt;');
  expect(stubHe.decode('&lt;&copy;&#x4E2D;')).toBe('<©中');
  expect(stubHe.escape('<a>')).toBe(realHe.escape('<a>'));
});

test('bundled, imapflow connects as the IMAP poller configures it (logger: false, no proxy); pino and socks are stubs that say so', async () => {
  const dir = join(outdir, 'imapflow');
  bundleFunction('node_modules/imapflow/dist/esm/imap-flow.js', 'imapflow', dir);
  const { ImapFlow } = (await import(pathToFileURL(join(dir, 'functions/imapflow/index.mjs')).href)) as typeof Imapflow;
  const options = { host: '127.0.0.1', port: 1, secure: false, auth: { user: 'u', pass: 'p' } };
  // The poller's options: no default logger is made, so the pino stub is never called.
  expect(new ImapFlow({ ...options, logger: false })).toBeInstanceOf(ImapFlow);
  expect(() => new ImapFlow(options)).toThrow('pino is not in this bundle');
  const failure = (await new ImapFlow({ ...options, logger: false, proxy: 'socks5://127.0.0.1:1' }).connect().then(
    () => undefined,
    (err: unknown) => err,
  )) as { message?: string; _err?: { message?: string }; cause?: { message?: string } } | undefined;
  expect(failure?.message).toBe('Failed to setup proxy connection');
  expect(failure?._err?.message ?? failure?.cause?.message).toContain('socks is not in this bundle');
});
