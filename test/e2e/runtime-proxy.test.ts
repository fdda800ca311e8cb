/**
 * Behind a reverse proxy (TLS in front of the HTTP port, docs/runtime.md) every request comes from the proxy's
 * address, so the public rate limits would count the whole city as one client. With `trustForwardedFor` in
 * tousu.config.json the runtime counts per the X-Forwarded-For address the proxy sets; without it that header is
 * ignored (a client could otherwise pick any address per request and never be limited).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../../infra/local/runtime';
import type { Runtime } from '../../infra/local/runtime';
import { webBody } from '../reliability/helpers';

async function postFrom(rt: Runtime, forwardedFor: string, i: number): Promise<number> {
  const res = await fetch(`${rt.httpUrl}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify(webBody(i)) });
  return res.status;
}

describe.each([
  ['with trustForwardedFor, per forwarded address', true],
  ['without it, per socket address (the header is ignored)', false],
])('public rate limits behind a proxy (%s)', (_label, trusted) => {
  let dir: string;
  let rt: Runtime;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-proxy-'));
    if (trusted) await writeFile(join(dir, 'tousu.config.json'), JSON.stringify({ trustForwardedFor: true }));
    rt = await startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true, rateLimit: { complaintsPerMinute: 1 }, reconcileEveryMs: 0 });
  });
  afterAll(async () => {
    await rt.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('limits each citizen, not the proxy', async () => {
    expect(await postFrom(rt, '198.51.100.1', 1)).toBe(201);
    expect(await postFrom(rt, '198.51.100.1', 2)).toBe(429);
    expect(await postFrom(rt, '198.51.100.2', 3)).toBe(trusted ? 201 : 429);
  });
});

it('refuses a trustForwardedFor that is not a boolean, with the file named', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tousu-proxy-bad-'));
  try {
    await writeFile(join(dir, 'tousu.config.json'), JSON.stringify({ trustForwardedFor: 'yes' }));
    await expect(startRuntime({ dataDir: dir, port: 0, smtpPort: 0, quiet: true })).rejects.toMatchObject({ code: 'bad_data_file', message: expect.stringContaining('trustForwardedFor') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
