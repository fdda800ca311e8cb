/**
 * SMTP intake of the embedded runtime (smtp-server): an agency points its forwarding rule at this listener.
 * - Recipients: only the jurisdiction's intake address(es); anything else is `550` (no open relay).
 * - Size: `SIZE` advertised; a larger message is `552` and nothing is kept.
 * - No AUTH, no STARTTLS: the listener binds to loopback by default; put a real MTA in front for the Internet.
 * - Each message goes to the email intake (mailparser → canonical intake → submitIntake), idempotent on its
 *   Message-ID. Two dead-letter places, one command (`tousu dead-letters list|replay`):
 *   1. the mail was parsed but filing it failed (the store or the engine): the runtime's `ingest` parks the
 *      canonical intake in the dead-letter store (`DLQ#` items, shared/services/dead-letters.ts) and reports
 *      `deadLetterId`; the message is accepted (250);
 *   2. anything else failed, including the dead-letter store itself (the database is down) or the raw-mail
 *      write before parsing: the raw mail is written (fsync) to `<data-dir>/dead-letters/smtp/` with a small
 *      error report and the message is accepted (250). This folder keeps the raw bytes, which the store cannot
 *      hold when it is the part that failed; it is replayed by `tousu dead-letters replay --all` and on every
 *      start. Only when even that write fails does the sender get a temporary `451` and retry.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file';
import { PRIVATE_DIR_MODE } from './private-dir';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerAddress, SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import type { RuntimeLogger } from './log';

export interface MailIngestOutcome {
  ignored: boolean;
  caseId?: string;
  reason?: string;
  /** The mail was parsed but could not be filed: its canonical intake is parked in the dead-letter store. */
  deadLetterId?: string;
}

export interface SmtpIntakeOptions {
  host: string;
  port: number;
  /** Accepted recipient addresses (case-insensitive). */
  addresses: string[];
  /** Raw MIME → case (or quarantine). Throws on failure. */
  ingest: (raw: Uint8Array) => Promise<MailIngestOutcome>;
  deadLetterDir: string;
  /** Largest message accepted, bytes (default 30 MB). */
  maxBytes?: number;
  logger?: RuntimeLogger;
  /** Name in the greeting. */
  serverName?: string;
}

export interface SmtpIntakeHandle {
  port: number;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

const writeDurably = (path: string, data: Uint8Array | string): Promise<void> => writeFileAtomic(path, data, { durable: true });

/** Keeps a raw mail that could not be processed, with a report that carries no personal data. */
export async function writeDeadLetter(dir: string, raw: Uint8Array, err: unknown, meta: Record<string, unknown> = {}): Promise<string> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const sha = createHash('sha256').update(raw).digest('hex');
  const base = `${new Date().toISOString().replace(/[-:.]/g, '')}-${sha.slice(0, 12)}`;
  await writeDurably(join(dir, `${base}.eml`), raw);
  const e = err as { name?: string; code?: string };
  await writeDurably(
    join(dir, `${base}.json`),
    JSON.stringify({ file: `${base}.eml`, sha256: sha, size: raw.byteLength, failedAt: new Date().toISOString(), error: { name: e?.name ?? 'Error', ...(typeof e?.code === 'string' ? { code: e.code } : {}) }, ...meta }, null, 2) + '\n',
  );
  return `${base}.eml`;
}

export interface ReplayResult {
  file: string;
  ok: boolean;
  caseId?: string;
  ignored?: boolean;
  error?: string;
}

/** Re-submits every dead letter; successes move to `replayed/`, failures stay (their report is updated). */
export async function replayDeadLetters(dir: string, ingest: (raw: Uint8Array) => Promise<MailIngestOutcome>): Promise<ReplayResult[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.eml')).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const results: ReplayResult[] = [];
  for (const file of names) {
    const raw = new Uint8Array(await readFile(join(dir, file)));
    try {
      const r = await ingest(raw);
      await mkdir(join(dir, 'replayed'), { recursive: true, mode: PRIVATE_DIR_MODE });
      await rename(join(dir, file), join(dir, 'replayed', file));
      await rename(join(dir, file.replace(/\.eml$/, '.json')), join(dir, 'replayed', file.replace(/\.eml$/, '.json'))).catch(() => undefined);
      results.push({ file, ok: true, ignored: r.ignored, ...(r.caseId ? { caseId: r.caseId } : {}) });
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      await writeDurably(join(dir, file.replace(/\.eml$/, '.json')), JSON.stringify({ file, lastReplayAt: new Date().toISOString(), error: { name } }, null, 2) + '\n');
      results.push({ file, ok: false, error: name });
    }
  }
  return results;
}

export async function startSmtpIntake(opts: SmtpIntakeOptions): Promise<SmtpIntakeHandle> {
  const accepted = new Set(opts.addresses.map((a) => a.trim().toLowerCase()));
  const maxBytes = opts.maxBytes ?? 30 * 1024 * 1024;
  const log = opts.logger;
  const inFlight = new Set<Promise<unknown>>();

  const server = new SMTPServer({
    name: opts.serverName ?? 'tousu',
    banner: 'tousu complaint intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    maxClients: 20,
    socketTimeout: 60_000,
    closeTimeout: 10_000,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      if (recipientCount(_session) >= 10) return cb(smtpError(452, 'Too many recipients'));
      if (accepted.has(address.address.trim().toLowerCase())) return cb();
      log?.info('smtp recipient refused', { reason: 'not an intake address' });
      cb(smtpError(550, 'No such recipient here: this server only accepts mail for the complaint intake address (relay denied)'));
    },
    onData(stream: SMTPServerDataStream, _session: SMTPServerSession, cb: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= maxBytes) chunks.push(c);
      });
      stream.on('error', () => undefined);
      stream.on('end', () => {
        if (stream.sizeExceeded || size > maxBytes) {
          log?.warn('smtp message too large', { size });
          return cb(smtpError(552, `Message exceeds the size limit of ${maxBytes} bytes`));
        }
        const raw = new Uint8Array(Buffer.concat(chunks));
        const work = (async () => {
          try {
            const r = await opts.ingest(raw);
            if (r.deadLetterId) {
              log?.warn('smtp mail parked as dead letter', { size, deadLetterId: r.deadLetterId });
              return cb(null, 'Accepted; kept for processing');
            }
            log?.info(r.ignored ? 'smtp mail quarantined' : 'smtp mail accepted', { size, ...(r.caseId ? { caseId: r.caseId } : {}), ...(r.reason ? { reason: r.reason } : {}) });
            cb(null, r.caseId ? `Accepted as ${r.caseId}` : 'Accepted');
          } catch (err) {
            try {
              const file = await writeDeadLetter(opts.deadLetterDir, raw, err, { source: 'smtp' });
              log?.error('smtp mail kept as dead letter', { file, error: err instanceof Error ? err.name : 'unknown' });
              cb(null, 'Accepted; kept for processing');
            } catch (writeErr) {
              log?.error('smtp mail not kept', { error: writeErr instanceof Error ? writeErr.name : 'unknown' });
              cb(smtpError(451, 'Temporary failure, please retry later'));
            }
          }
        })();
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.server.once('error', onError);
    server.listen(opts.port, opts.host, () => {
      server.server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (err: Error) => log?.error('smtp server error', { error: err.name }));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
      })();
      return closing;
    },
  };
}

function recipientCount(session: SMTPServerSession): number {
  return session.envelope?.rcptTo?.length ?? 0;
}
