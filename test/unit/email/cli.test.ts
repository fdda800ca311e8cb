import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeFixtures } from '../../fixtures/email/generate';
import { testJurisdiction } from '../../fixtures/email/jurisdiction';
import { createEmailIntakeRoute } from '../../../shared/email-intake/route';
import { MemoryQuarantineStore } from '../../../shared/adapters/memory/quarantine-store';
import { MemoryBlobStore } from './memory-blobs';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tousu-email-cli-'));
const configFile = join(dir, '510903.json');
let files: string[] = [];

beforeAll(async () => {
  files = await writeFixtures(join(dir, 'eml'));
  writeFileSync(configFile, JSON.stringify(testJurisdiction));
});

const tousu = (args: string[], env: Record<string, string> = {}) =>
  run('node', ['bin/tousu.js', ...args], { cwd: process.cwd(), env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

test('--dry-run --json prints one canonical intake line per file', async () => {
  const qq = files.find((f) => f.endsWith('qq-gbk-inline.eml'))!;
  const spam = files.find((f) => f.endsWith('ses-spam-fail.eml'))!;
  const r = await tousu(['intake', 'email', qq, spam, '--dry-run', '--json', '--config', configFile]);
  expect(r.code).toBe(0);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatchObject({
    file: qq,
    ignored: false,
    intake: { channel: 'email', forwardedBy: 'xinfang@scjgj.cs.test.gov.cn', receivedBy: { department: 'SCJGJ' }, originalSentAt: '2024-03-05T10:12:00+08:00', complainant: { name: '王秀英' } },
  });
  expect(lines[1]).toEqual({ file: spam, ignored: true, reason: 'spam' });
}, 60_000);

test('an unreadable file is bad input (exit 2)', async () => {
  const r = await tousu(['intake', 'email', join(dir, 'missing.eml'), '--dry-run', '--config', configFile]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('无法读取邮件文件');
}, 60_000);

describe('submission to a running instance over HTTP', () => {
  let server: Server;
  let url = '';
  const seen: { auth?: string; type?: string }[] = [];
  beforeAll(async () => {
    const route = createEmailIntakeRoute({
      clock: { now: () => new Date() },
      jurisdiction: testJurisdiction,
      blobs: new MemoryBlobStore(),
      quarantine: new MemoryQuarantineStore(),
      submit: async (i) => ({ caseId: `C-${i.complainant.name}` }),
    });
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, type: req.headers['content-type'] });
        void route({ body: Buffer.concat(chunks) }).then((out) => {
          res.writeHead(out.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(out.body));
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const addr = server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test('posts message/rfc822 with the bearer token and prints the case ids', async () => {
    const gmail = files.find((f) => f.endsWith('gmail-zh.eml'))!;
    const r = await tousu(['intake', 'email', gmail, '--api', url, '--config', configFile], { TOUSU_TOKEN: 'tok-1' });
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`${gmail}: C-赵敏`);
    expect(seen.at(-1)).toEqual({ auth: 'Bearer tok-1', type: 'message/rfc822' });
  }, 60_000);

  test('without a token it is bad input', async () => {
    const r = await tousu(['intake', 'email', files[0]!, '--api', url], { TOUSU_TOKEN: '' });
    expect(r.code).toBe(2);
  }, 60_000);
});
