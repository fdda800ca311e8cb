/**
 * Intake over HTTP on the embedded runtime (infra/local/runtime.ts, started in-process on random loopback ports,
 * a fresh data directory on disk): autocannon POSTs valid complaints to /api/complaints for a bounded time and
 * number of requests. Every request creates a case (a distinct Idempotency-Key each), so each one costs the whole
 * intake: validation, claim, tracking number, duplicate check and index, case write, execution start (the
 * in-process engine then screens the case in the same process), and the acknowledgement in the outbox.
 * Target: ≥ 200 complaints/s with p99 ≤ 100 ms on two cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startRuntime } from '../infra/local/runtime';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 15);
const MAX_REQUESTS = Number(process.env.BENCH_MAX_REQUESTS ?? 20_000);

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

const COMMON = '的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质';
/**
 * Complaints with random wording, meant to be distinct. Measured (docs/BENCHMARKS.md): they all name the same
 * complainant (name and phone), unit and dates, so the duplicate matcher merges most of them into the first few
 * open cases (art. 11): the run measures the automatic-merge path, not the one of a new case.
 */
export function benchComplaint(n: number, prefix = '压测'): Record<string, unknown> {
  let words = '';
  for (let i = 0; i < 80; i++) words += COMMON[Math.floor(Math.random() * COMMON.length)];
  return {
    complainant: { name: '压测用户', phone: '13800138000', email: `bench${n}@example.cn` },
    respondent: { unit: '遂宁市船山区市场监督管理局' },
    matter: `${prefix}第 ${n} 件：${words}`,
    facts: '2026年2月26日、27日和3月1日三次前往政务服务中心。',
  };
}
const body = (n: number) => JSON.stringify(benchComplaint(n));

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const autocannon = (await import('autocannon' as string)).default as Autocannon;
  const dataDir = mkdtempSync(join(tmpdir(), 'tousu-bench-http-'));
  // One load generator on loopback is one client address: the per-address limiter (20 complaints a minute,
  // tested in test/reliability/public-limits.test.ts) is off so that intake itself is measured.
  const rt = await startRuntime({ dataDir, port: 0, smtpPort: 0, quiet: true, logFormat: 'json', rateLimit: false });
  let n = 0;
  const request = (req: Record<string, unknown>) => ({ ...req, method: 'POST', path: '/api/complaints', headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${process.pid}-${n}` }, body: body(n++) });
  try {
    // Warm-up (JIT, dynalite, first tracking counter), not measured.
    await autocannon({ url: rt.httpUrl, connections: 2, amount: 200, requests: [{ setupRequest: request }] });
    const before = n;
    // Profiling only (the workload is unchanged): DynamoDB commands sent by the runtime, CPU of this process
    // (the main thread; dynalite runs in a worker thread of it) and the main event loop's utilisation.
    const ops = new Map<string, number>();
    const send = DynamoDBDocumentClient.prototype.send;
    DynamoDBDocumentClient.prototype.send = function (this: DynamoDBDocumentClient, command: { constructor: { name: string } }, ...rest: unknown[]) {
      const name = command.constructor.name.replace(/Command$/, '');
      ops.set(name, (ops.get(name) ?? 0) + 1);
      return (send as (...a: unknown[]) => unknown).call(this, command, ...rest);
    } as typeof send;
    const cpu0 = process.cpuUsage();
    const elu0 = performance.eventLoopUtilization();
    let r: AutocannonResult;
    let settleMs: number;
    try {
      r = await autocannon({ url: rt.httpUrl, connections: CONNECTIONS, duration: DURATION_S, maxOverallRequests: MAX_REQUESTS, requests: [{ setupRequest: request }] });
      const t = Date.now();
      await rt.workflow.idle();
      settleMs = Date.now() - t;
    } finally {
      DynamoDBDocumentClient.prototype.send = send;
    }
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    const rps = r['2xx'] / r.duration;
    const sent = n - before;
    const totalOps = [...ops.values()].reduce((a, b) => a + b, 0);
    const topOps = [...ops.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${k} ${(v / Math.max(1, sent)).toFixed(1)}`).join(', ');
    const phases = new Map<string, number>();
    for (let cursor: string | undefined, first = true; first || cursor; first = false) {
      const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
      for (const c of page.items) phases.set(c.phase, (phases.get(c.phase) ?? 0) + 1);
      cursor = page.cursor;
    }
    return {
      name: 'HTTP intake on the embedded runtime (autocannon, loopback)',
      results: {
        connections: CONNECTIONS,
        'duration (s)': r.duration,
        'requests sent': n - before,
        '2xx (cases created)': r['2xx'],
        'non-2xx / errors / timeouts': `${r.non2xx} / ${r.errors} / ${r.timeouts}`,
        'complaints per second (target ≥ 200)': Number(rps.toFixed(1)),
        'latency p50 / p90 (ms)': `${r.latency.p50} / ${r.latency.p90}`,
        'latency p99 (ms, target ≤ 100)': r.latency.p99,
        'latency max (ms)': r.latency.max,
        'profile: DynamoDB commands per request (all, incl. the engine)': Number((totalOps / Math.max(1, sent)).toFixed(1)),
        'profile: most frequent commands per request': topOps,
        'profile: process CPU ms per request (main + dynalite thread)': Number(((cpu.user + cpu.system) / 1000 / Math.max(1, sent)).toFixed(1)),
        'profile: main event loop utilisation': Number(elu.utilization.toFixed(2)),
        'profile: engine busy after the run (ms)': settleMs,
        'profile: cases by phase at the end (warm-up included)': [...phases.entries()].map(([k, v]) => `${k} ${v}`).join(', '),
      },
      notes: `One process runs everything (HTTP, intake, duplicate matching, dynalite on disk, the engine screening each new case, the outbox), as \`tousu start\` does. Bounded: ${DURATION_S} s or ${MAX_REQUESTS} requests, whichever comes first (BENCH_DURATION_S, BENCH_MAX_REQUESTS, BENCH_CONNECTIONS). The public rate limiter (functions/api/rate-limit.ts) is switched off for this run (\`rateLimit: false\`): the load generator is one client address, which it would refuse after 20 a minute. dynalite runs in a worker thread of the same process. Profile rows: DynamoDB commands counted on the document client, CPU from process.cpuUsage() over the measured run; all payloads name the same complainant, unit and dates, so the duplicate matcher merges most of them into a few open cases (see the analysis below the section).`,
    };
  } finally {
    await rt.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
