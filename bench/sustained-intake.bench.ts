/**
 * Sustained intake on the embedded runtime (SQLite, issue 26 item 6): rates measured until screening has drained,
 * not only until the intake answered. The load generator runs in a child process (bench/load-client.ts), so the
 * CPU per intake and the RSS are the runtime's own. Each scenario runs BENCH_REPEAT times (default 2), each run on
 * a fresh runtime and data directory, with the 1-minute load average beside it.
 *
 * - mail: BENCH_SMTP_MAILS (default 1,500) forwarded Chinese mails (QQ Mail "原始邮件" forward from a department's
 *   forwarding mailbox, a distinct complaint each) over BENCH_SMTP_CONNECTIONS (default 8) pooled SMTP connections.
 *   mails/s sustained = mails accepted / (first send → every accepted mail a case and every execution waiting).
 *   Targets: ≥ 70 mails/s, ≤ 20 ms CPU per mail.
 * - web: autocannon, BENCH_CONNECTIONS (default 10), BENCH_DURATION_S (default 15 s), distinct complaints, unpaced
 *   (as fast as answered) and paced at BENCH_HTTP_RATE (default 150/s). per second sustained = 2xx / (start → drained);
 *   p50/p99 of the answer from autocannon. Targets: ≥ 150/s with screening keeping up, p99 ≤ 100 ms.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRuntime } from '../infra/local/runtime';
import { countCases, cpuMs, drained, load1, mib, runLoadClient } from './load';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const MAILS = Number(process.env.BENCH_SMTP_MAILS ?? 1500);
const SMTP_CONNECTIONS = Number(process.env.BENCH_SMTP_CONNECTIONS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const RATE = Number(process.env.BENCH_HTTP_RATE ?? 150);
const DRAIN_LIMIT_MS = 600_000;
const WARM_UP = 100;

/**
 * Raised by configuration, as an operator would for a load test (docs/limits.md): the complaint rate per address,
 * and for SMTP the messages per envelope sender (default 30 an hour: the bench forwards from one mailbox) and the
 * connections per client address (default 5: the bench is one client).
 */
const CONFIG = { limits: { complaints: { perMinute: 10_000_000 } }, smtp: { messagesPerSender: 1_000_000, maxClientsPerAddress: 20 } };

async function withRuntime<T>(fn: (rt: Awaited<ReturnType<typeof startRuntime>>) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tousu-sustained-'));
  writeFileSync(join(dataDir, 'tousu.config.json'), JSON.stringify(CONFIG));
  const rt = await startRuntime({ dataDir, port: 0, smtpPort: 0, quiet: true, logFormat: 'json' });
  try {
    return await fn(rt);
  } finally {
    await rt.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function forwarderOf(rt: Awaited<ReturnType<typeof startRuntime>>): string {
  const d = rt.jurisdiction.departments.find((x) => x.forwardingAddresses.length > 0);
  const a = d?.forwardingAddresses[0] ?? rt.jurisdiction.mail.trustedForwarders.addresses[0];
  if (!a) throw new Error('the jurisdiction has no forwarding mailbox to forward from');
  return a;
}

async function mailRun(): Promise<Record<string, number | string>> {
  return withRuntime(async (rt) => {
    const base = { port: rt.smtpPort, to: rt.jurisdiction.intakeAddress, forwarder: forwarderOf(rt), departments: rt.jurisdiction.departments, connections: SMTP_CONNECTIONS };
    const warm = await runLoadClient({ kind: 'smtp', ...base, total: WARM_UP, offset: 1_000_000 });
    if (warm.refused > 0) throw new Error(`warm-up mails refused: ${JSON.stringify(warm.refusedBy)}`);
    await drained(rt, warm.accepted, DRAIN_LIMIT_MS);
    const before = await countCases(rt);
    const loadStart = load1();
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const r = await runLoadClient({ kind: 'smtp', ...base, total: MAILS, offset: 0 });
    // Rates count from the client's first mail (its process start-up is not the runtime's time).
    const first = Math.max(t0, r.firstAt);
    const acceptS = (Date.now() - first) / 1000;
    const backlog = rt.workflow.engine.busyCount();
    const ok = await drained(rt, before + r.accepted, DRAIN_LIMIT_MS);
    const allS = (Date.now() - first) / 1000;
    const cpu = cpuMs(cpu0);
    const cases = (await countCases(rt)) - before;
    return {
      'accepted / refused': `${r.accepted} / ${r.refused}${
        r.refused
          ? ` (${Object.entries(r.refusedBy)
              .map(([k, v]) => `${k}: ${v}`)
              .join(', ')})`
          : ''
      }`,
      'cases made': cases,
      'accepted per second (answers only)': Number((r.accepted / acceptS).toFixed(1)),
      'mails/s sustained (until screening drained; target ≥ 70)': Number((r.accepted / allS).toFixed(1)),
      'runtime CPU ms per mail (target ≤ 20)': Number((cpu / Math.max(1, r.accepted)).toFixed(1)),
      'backlog when the last mail was answered': backlog,
      drained: ok ? 'yes' : 'NO (limit reached)',
      'RSS MiB after': mib(process.memoryUsage().rss),
      'load 1 min start → end': `${loadStart} → ${load1()}`,
    };
  });
}

async function webRun(rate?: number): Promise<Record<string, number | string>> {
  return withRuntime(async (rt) => {
    const base = { url: rt.httpUrl, departments: rt.jurisdiction.departments };
    const warm = await runLoadClient({ kind: 'http', ...base, connections: 2, durationS: 60, maxRequests: WARM_UP, offset: 1_000_000 });
    await drained(rt, warm.ok, DRAIN_LIMIT_MS);
    const before = await countCases(rt);
    const loadStart = load1();
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    const r = await runLoadClient({ kind: 'http', ...base, connections: CONNECTIONS, durationS: DURATION_S, maxRequests: 100_000, ...(rate ? { rate } : {}), offset: 0 });
    const first = Math.max(t0, r.firstAt);
    const runS = (Date.now() - first) / 1000;
    const backlog = rt.workflow.engine.busyCount();
    const ok = await drained(rt, before + r.ok, DRAIN_LIMIT_MS);
    const allS = (Date.now() - first) / 1000;
    const cpu = cpuMs(cpu0);
    return {
      'sent / 2xx / non-2xx / errors': `${r.sent} / ${r.ok} / ${r.non2xx} / ${r.errors}`,
      'answered per second': Number((r.ok / runS).toFixed(1)),
      'per second sustained (until screening drained; target ≥ 150)': Number((r.ok / allS).toFixed(1)),
      'p50 / p99 / max ms (target p99 ≤ 100)': `${r.latency.p50} / ${r.latency.p99} / ${r.latency.max}`,
      'backlog when the run ended / catch-up s': `${backlog} / ${(allS - runS).toFixed(1)}`,
      'runtime CPU ms per intake': Number((cpu / Math.max(1, r.ok)).toFixed(1)),
      drained: ok ? 'yes' : 'NO (limit reached)',
      'RSS MiB after': mib(process.memoryUsage().rss),
      'load 1 min start → end': `${loadStart} → ${load1()}`,
    };
  });
}

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const results: Record<string, number | string> = {};
  const only = process.env.BENCH_SCENARIO; // mail | web | paced
  const add = (label: string, rows: Record<string, number | string>) => {
    for (const [k, v] of Object.entries(rows)) results[`${label}: ${k}`] = v;
  };
  for (let i = 1; i <= REPEAT; i += 1) {
    if (!only || only === 'mail') add(`mail #${i}`, await mailRun());
    if (!only || only === 'web') add(`web unpaced #${i}`, await webRun());
    if (!only || only === 'paced') add(`web at ${RATE}/s #${i}`, await webRun(RATE));
  }
  return {
    name: 'Sustained intake on the embedded runtime (SQLite): forwarded mail over SMTP, web form over HTTP',
    results,
    notes: `Each run: a fresh runtime and data directory (SQLite, WAL), a warm-up of ${WARM_UP} intakes (not measured), then the measured load from a child process (bench/load-client.ts: nodemailer pool of ${SMTP_CONNECTIONS} / autocannon ${CONNECTIONS} connections, ${DURATION_S} s). "Sustained" divides by the time from the first request until every acknowledged intake is a case and every execution waits (screening drained); rates count from the client's first request (the client process's own start-up excluded); CPU is process.cpuUsage() of the runtime's process from before the client starts until drained (the client excluded), divided by the intakes acknowledged. Load average: 1 minute, at the start and end of each run; the machine is shared (2 cores), so figures taken at a load above 2 are slowed by other work.`,
  };
}
