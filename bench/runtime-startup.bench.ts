/**
 * Start-up of the embedded runtime (issue 6: "serves the form on 8080 and accepts mail on 2525 within 5 seconds
 * of the start command"): from spawning `node bin/tousu.js start` (a fresh process, TypeScript loaded through
 * tsx, exactly what `npm start` runs) to GET / answering 200 with the form AND the SMTP listener greeting 220.
 * Measured on an empty data directory (first start: tables created, secrets generated) and on a restart.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.STARTUP_RUNS ?? 5);
const LIMIT_MS = 5000;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function httpReady(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`);
    return res.status === 200 && (await res.text()).includes('<form');
  } catch {
    return false;
  }
}

function smtpReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection({ port, host: '127.0.0.1' });
    sock.setTimeout(1000);
    sock.once('data', (d) => {
      sock.end('QUIT\r\n');
      resolve(d.toString().startsWith('220'));
    });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
  });
}

/** Milliseconds until both are ready. */
export async function measureOnce(dataDir: string): Promise<{ http: number; smtp: number; both: number }> {
  const [port, smtpPort] = [await freePort(), await freePort()];
  const t0 = performance.now();
  const child = spawn(process.execPath, ['bin/tousu.js', 'start', '--data-dir', dataDir, '--port', String(port), '--smtp-port', String(smtpPort)], { stdio: 'ignore' });
  let http: number | undefined;
  let smtp: number | undefined;
  while ((http === undefined || smtp === undefined) && performance.now() - t0 < 30_000) {
    if (http === undefined && (await httpReady(port))) http = performance.now() - t0;
    if (smtp === undefined && (await smtpReady(smtpPort))) smtp = performance.now() - t0;
    await sleep(10);
  }
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  if (http === undefined || smtp === undefined) throw new Error('the runtime did not become ready within 30 s');
  return { http: Math.round(http), smtp: Math.round(smtp), both: Math.round(Math.max(http, smtp)) };
}

export async function run() {
  const first: number[] = [];
  const restart: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-startup-'));
    try {
      first.push((await measureOnce(dir)).both);
      restart.push((await measureOnce(dir)).both);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const worst = Math.max(...first, ...restart);
  return {
    name: 'Embedded runtime start-up (start command → form on HTTP and SMTP 220)',
    results: {
      runs: RUNS,
      'first start, median ms': median(first),
      'first start, max ms': Math.max(...first),
      'restart, median ms': median(restart),
      'restart, max ms': Math.max(...restart),
      [`within ${LIMIT_MS} ms`]: worst <= LIMIT_MS ? 'yes' : 'NO',
    },
    notes: 'Each run spawns a fresh `node bin/tousu.js start` on a new temporary data directory, then restarts it on the same directory; readiness is polled every 10 ms.',
  };
}
