/**
 * The load generator of the sustained intake benches, run in a CHILD process (bench/load.ts `runLoadClient`) so
 * that the runtime's process CPU, event loop and RSS measure the runtime alone, not the client: nodemailer for
 * SMTP, autocannon for HTTP. Reads its job as JSON from argv[2], prints one JSON result line on stdout.
 *
 * - smtp: `total` forwarded Chinese mails (QQ Mail style, "原始邮件" block, from a department's forwarding
 *   address) over `connections` pooled SMTP connections; each mail a distinct complaint (`distinctComplaint`).
 * - http: autocannon POSTs distinct complaints to /api/complaints for `durationS` or `maxRequests`, optionally
 *   paced at `rate` requests per second overall (autocannon `overallRate`).
 * - burst: `total` distinct complaints over `connections` fetch loops, each sent once (or retried after Retry-After
 *   with `retry`), with a progress line on stdout every few seconds and at the 1,000th / 5,000th answer and
 *   acknowledgement (the bench samples the runtime's RSS there).
 */
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import type { Department } from '../shared/domain/jurisdiction';
import { distinctComplaint } from './http-intake.bench';

export interface SmtpJob {
  kind: 'smtp';
  port: number;
  to: string;
  forwarder: string;
  departments: Department[];
  total: number;
  connections: number;
  offset: number;
}
export interface HttpJob {
  kind: 'http';
  url: string;
  departments: Department[];
  connections: number;
  durationS: number;
  maxRequests: number;
  rate?: number;
  offset: number;
}
/** A burst: `total` distinct web intakes, each sent once (or, with `retry`, again after the answer's Retry-After). */
export interface BurstJob {
  kind: 'burst';
  url: string;
  departments: Department[];
  total: number;
  connections: number;
  offset: number;
  /** Send a refused intake (503) again after its Retry-After (at most `maxRetryWaitS` s), until acknowledged. */
  retry?: boolean;
  maxRetryWaitS?: number;
  /** A progress line every this many ms (default 5,000). */
  progressEveryMs?: number;
}
/** A progress line of the burst client (stdout, one JSON object a line, before the result line). */
export interface BurstProgress {
  progress: { sent: number; answered: number; acknowledged: number; retries: number; byStatus: Record<string, number> };
  /** Set when `answered` or `acknowledged` has just reached 1,000 or 5,000. */
  mark?: string;
}
export interface BurstResult {
  sent: number;
  answered: number;
  acknowledged: number;
  retries: number;
  byStatus: Record<string, number>;
  /** Case ids of the acknowledged intakes (the bench checks each one is a case waiting for its task). */
  caseIds: string[];
  /** Answer time of every request, ms: p50 / p99 / max (refusals included). */
  latency: { p50: number; p99: number; max: number };
  firstAt: number;
  lastAt: number;
}
export interface SmtpResult {
  accepted: number;
  refused: number;
  refusedBy: Record<string, number>;
  firstAt: number;
  lastAt: number;
}
export interface HttpResult {
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  statusCodes: Record<string, number>;
  /** Wall time (ms) when the first request went out (after the client's own start-up). */
  firstAt: number;
}

/** A citizen's complaint forwarded by a department mailbox, as QQ Mail web writes a forward (plain text). */
export function forwardedMail(i: number, job: Pick<SmtpJob, 'to' | 'forwarder' | 'departments'>, stamp: number): SendMailOptions {
  const c = distinctComplaint(i, job.departments) as { complainant: { name: string; phone: string; email: string }; respondent: { unit: string }; matter: string; facts: string };
  const original = [
    `发件人: "${c.complainant.name}"<${c.complainant.email}>;`,
    '发送时间: 2026年12月3日(星期四) 上午10:12',
    `收件人: "信访"<${job.forwarder}>;`,
    `主题: 投诉${c.respondent.unit}`,
    '',
    `投诉人：${c.complainant.name}`,
    `联系电话：${c.complainant.phone}`,
    `被投诉单位：${c.respondent.unit}`,
    `投诉事项：${c.matter}`,
    `事实和理由：${c.facts}`,
  ].join('\n');
  return {
    from: `"信访办" <${job.forwarder}>`,
    to: job.to,
    subject: `转发：投诉${c.respondent.unit}（${i}）`,
    messageId: `<fwd-${i}-${stamp}@bench.example.cn>`,
    text: `请按规定处理。\n\n办公室\n\n------------------ 原始邮件 ------------------\n${original}\n`,
  };
}

async function smtp(job: SmtpJob): Promise<SmtpResult> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: job.port, secure: false, ignoreTLS: true, pool: true, maxConnections: job.connections, maxMessages: Infinity });
  const stamp = Date.now();
  const out: SmtpResult = { accepted: 0, refused: 0, refusedBy: {}, firstAt: Date.now(), lastAt: 0 };
  try {
    await Promise.all(
      Array.from({ length: job.total }, (_, k) =>
        transport.sendMail(forwardedMail(job.offset + k, job, stamp)).then(
          () => {
            out.accepted += 1;
            out.lastAt = Date.now();
          },
          (err: { responseCode?: number; code?: string }) => {
            out.refused += 1;
            const key = String(err.responseCode ?? err.code ?? 'error');
            out.refusedBy[key] = (out.refusedBy[key] ?? 0) + 1;
            out.lastAt = Date.now();
          },
        ),
      ),
    );
  } finally {
    transport.close();
  }
  return out;
}

interface AutocannonResult {
  requests: { total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  '2xx': number;
  statusCodeStats?: Record<string, { count: number }>;
}

async function http(job: HttpJob): Promise<HttpResult> {
  const autocannon = (await import('autocannon' as string)).default as (o: Record<string, unknown>) => Promise<AutocannonResult>;
  let n = job.offset;
  const setupRequest = (req: Record<string, unknown>) => ({
    ...req,
    method: 'POST',
    path: '/api/complaints',
    headers: { 'content-type': 'application/json', 'idempotency-key': `sustained-${process.pid}-${n}` },
    body: JSON.stringify(distinctComplaint(n++, job.departments)),
  });
  const firstAt = Date.now();
  const r = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationS,
    maxOverallRequests: job.maxRequests,
    ...(job.rate ? { overallRate: job.rate } : {}),
    requests: [{ setupRequest }],
  });
  const statusCodes: Record<string, number> = {};
  for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statusCodes[k] = v.count;
  return { sent: n - job.offset, ok: r['2xx'], non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, durationS: r.duration, latency: r.latency, statusCodes, firstAt };
}

async function burst(job: BurstJob): Promise<BurstResult> {
  const out: BurstResult = { sent: 0, answered: 0, acknowledged: 0, retries: 0, byStatus: {}, caseIds: [], latency: { p50: 0, p99: 0, max: 0 }, firstAt: Date.now(), lastAt: 0 };
  const times: number[] = [];
  const marks = new Set([1000, 5000]);
  const line = (mark?: string) => {
    const p: BurstProgress = { progress: { sent: out.sent, answered: out.answered, acknowledged: out.acknowledged, retries: out.retries, byStatus: out.byStatus }, ...(mark ? { mark } : {}) };
    process.stdout.write(`${JSON.stringify(p)}\n`);
  };
  const tick = setInterval(() => line(), job.progressEveryMs ?? 5000);
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: job.connections }, async () => {
        for (let i = next++; i < job.total; i = next++) {
          const n = job.offset + i;
          const body = JSON.stringify(distinctComplaint(n, job.departments));
          for (;;) {
            let status: number | string;
            let retryAfterS = 0;
            let caseId: string | undefined;
            const t0 = performance.now();
            out.sent += 1;
            try {
              const res = await fetch(`${job.url}/api/complaints`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': `burst-${process.pid}-${n}` }, body });
              const text = await res.text();
              status = res.status;
              if (status >= 200 && status < 300) caseId = (JSON.parse(text) as { caseId?: string }).caseId;
              retryAfterS = Number(res.headers.get('retry-after') ?? 0);
            } catch (err) {
              // A refused or reset connection is an answer too (counted; retried like a 503 when retrying).
              status = ((err as { cause?: { code?: string } }).cause?.code ?? 'fetch_failed') as string;
            }
            times.push(performance.now() - t0);
            out.answered += 1;
            out.byStatus[String(status)] = (out.byStatus[String(status)] ?? 0) + 1;
            if (marks.has(out.answered)) line(`answered:${out.answered}`);
            if (caseId) {
              out.acknowledged += 1;
              out.caseIds.push(caseId);
              if (marks.has(out.acknowledged)) line(`acknowledged:${out.acknowledged}`);
              break;
            }
            if (!job.retry || (typeof status === 'number' && status !== 503)) break;
            out.retries += 1;
            await new Promise((r) => setTimeout(r, 1000 * Math.min(job.maxRetryWaitS ?? 5, Math.max(1, retryAfterS || 1))));
          }
        }
      }),
    );
  } finally {
    clearInterval(tick);
  }
  out.lastAt = Date.now();
  times.sort((a, b) => a - b);
  const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0);
  out.latency = { p50: at(0.5), p99: at(0.99), max: Math.round(times[times.length - 1] ?? 0) };
  return out;
}

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  const job = JSON.parse(process.argv[2] ?? '{}') as SmtpJob | HttpJob | BurstJob;
  const result = job.kind === 'smtp' ? await smtp(job) : job.kind === 'burst' ? await burst(job) : await http(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
