/**
 * Mail intake over SMTP in a burst: 1,000 complaint mails sent as fast as the embedded runtime's SMTP listener
 * takes them (nodemailer, a pool of 5 connections, loopback), then the wait until every one is a case (or
 * quarantined / parked as a dead letter). Measures the burst's acceptance rate, the time to the last case and the
 * outcome counts. Bounded: BENCH_SMTP_MAILS mails (default 1,000) and 180 s.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { startRuntime } from '../infra/local/runtime';
import { benchComplaint } from './http-intake.bench';

const MAILS = Number(process.env.BENCH_SMTP_MAILS ?? 1000);
const LIMIT_MS = 180_000;

const parkedMails = (dir: string): number => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).length : 0);

export async function run(): Promise<{ name: string; results: Record<string, number | string>; notes?: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tousu-bench-smtp-'));
  const rt = await startRuntime({ dataDir, port: 0, smtpPort: 0, quiet: true, logFormat: 'json' });
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: rt.smtpPort, secure: false, ignoreTLS: true, pool: true, maxConnections: 5, maxMessages: Infinity });
  const started = Date.now();
  let accepted = 0;
  let refused = 0;
  try {
    const sends = Array.from({ length: MAILS }, (_, i) => {
      const c = benchComplaint(i, '邮件压测') as { matter: string; facts: string };
      return transport
        .sendMail({
          from: `"市民${i}" <citizen${i}@example.cn>`,
          to: rt.jurisdiction.intakeAddress,
          subject: `投诉：窗口办事难（${i}）`,
          messageId: `<burst-${i}-${started}@example.cn>`,
          text: `投诉人：市民${i}\n联系电话：13800138000\n被投诉单位：遂宁市船山区市场监督管理局\n投诉事项：${c.matter}\n事实和理由：${c.facts}`,
        })
        .then(
          () => accepted++,
          () => refused++,
        );
    });
    await Promise.all(sends);
    const acceptMs = Date.now() - started;
    // Every accepted mail becomes a case, a quarantine entry, or an SMTP dead letter.
    let cases = 0;
    for (;;) {
      cases = 0;
      let cursor: string | undefined;
      do {
        const page = await rt.store.query({ jurisdiction: rt.jurisdiction.code, limit: 500, ...(cursor ? { cursor } : {}) });
        cases += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      const parked = parkedMails(rt.paths.deadLetters);
      if (cases + parked >= accepted || Date.now() - started > LIMIT_MS) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const allMs = Date.now() - started;
    const parked = parkedMails(rt.paths.deadLetters);
    return {
      name: `Mail intake over SMTP: a burst of ${MAILS} mails`,
      results: {
        'mails sent': MAILS,
        'accepted (250) / refused': `${accepted} / ${refused}`,
        'burst accepted in (s)': Number((acceptMs / 1000).toFixed(2)),
        'mails accepted per second': Number(((accepted / acceptMs) * 1000).toFixed(1)),
        'cases made': cases,
        'SMTP dead letters': parked,
        'time to the last case (s)': Number((allMs / 1000).toFixed(2)),
      },
      notes:
        'The SMTP listener answers 250 after the mail went through the email intake (mailparser → canonical intake → intake core), or after it was parked as a dead letter on disk; so "accepted" means filed or safely kept. Duplicate matching runs on every mail (distinct random wording per mail, so none merges). nodemailer pool of 5 connections on loopback.',
    };
  } finally {
    transport.close();
    await rt.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
