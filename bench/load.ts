/**
 * Helpers of the sustained intake benches: the load generator in a child process (bench/load-client.ts), the wait
 * until screening has drained, and the load average beside each figure.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Runtime } from '../infra/local/runtime';
import type { BurstJob, BurstProgress, BurstResult, HttpJob, HttpResult, SmtpJob, SmtpResult } from './load-client';

const CLIENT = join(dirname(fileURLToPath(import.meta.url)), 'load-client.ts');

/** Runs the load generator in its own Node process (tsx), so none of its CPU or memory is the runtime's. */
export function runLoadClient(job: SmtpJob): Promise<SmtpResult>;
export function runLoadClient(job: HttpJob): Promise<HttpResult>;
export function runLoadClient(job: BurstJob, onProgress?: (p: BurstProgress) => void): Promise<BurstResult>;
export function runLoadClient(job: SmtpJob | HttpJob | BurstJob, onProgress?: (p: BurstProgress) => void): Promise<SmtpResult | HttpResult | BurstResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLIENT, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let pending = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!onProgress) return;
      // Progress lines as they come (the last line, the result, is read at exit).
      pending += d;
      for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
        const l = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (l.startsWith('{"progress"')) onProgress(JSON.parse(l) as BurstProgress);
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line) return reject(new Error(`load client exited ${code}: ${out.slice(-500)}`));
      try {
        resolve(JSON.parse(line) as SmtpResult | HttpResult | BurstResult);
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** Open and merged cases of the runtime's jurisdiction. */
export async function countCases(rt: Runtime): Promise<number> {
  let n = 0;
  let cursor: string | undefined;
  do {
    const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
    n += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return n;
}

/** Waits until `cases` cases exist and every execution waits (screening drained), bounded by `limitMs`. */
export async function drained(rt: Runtime, cases: number, limitMs: number): Promise<boolean> {
  const until = Date.now() + limitMs;
  for (;;) {
    if (rt.workflow.engine.busyCount() === 0 && (await countCases(rt)) >= cases) {
      await rt.workflow.idle();
      return true;
    }
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The 1-minute load average now (two cores: above 2, other work waited for the CPU). */
export const load1 = (): string => os.loadavg()[0]!.toFixed(1);

export const mib = (bytes: number): number => Number((bytes / 2 ** 20).toFixed(1));

export const cpuMs = (since: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};
