/**
 * The load generator of the sustained intake benches, run in a CHILD process (bench/load.ts `runLoadClient`) so
 * that the runtime's process CPU, event loop and RSS measure the runtime alone, not the client: nodemailer for
 * SMTP, autocannon for HTTP. Reads its job as JSON from argv[2], prints one JSON result line on stdout.
 *
 * - smtp: `total` forwarded Chinese mails (QQ Mail style, "原始邮件" block, from a department's forwarding
 *   address) over `connections` pooled SMTP connections; each mail a distinct complaint (`distinctComplaint`).
 * - http: autocannon POSTs distinct complaints to /api/complaints for `durationS` or `maxRequests`, optionally
 *   paced at `rate` requests per second overall (autocannon `overallRate`).
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

const isMain = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (isMain) {
  const job = JSON.parse(process.argv[2] ?? '{}') as SmtpJob | HttpJob;
  const result = job.kind === 'smtp' ? await smtp(job) : await http(job);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
