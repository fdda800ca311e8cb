/**
 * SMTP intake of the embedded runtime (smtp-server): an agency points its forwarding rule at this listener.
 * - Recipients: only the jurisdiction's intake address(es); anything else is `550` (no open relay).
 * - Size: `SIZE` advertised; a larger message is `552` and nothing is kept.
 * - Limits (infra/local/smtp-limits.ts, configurable): connections in all and per client address (`421`), a
 *   deadline for MAIL FROM after connecting or after the previous message (`421`, closed), recipients per message
 *   (`452`), refused recipients per connection (the last refusal closes it with `421`), messages per envelope
 *   sender and window (`450`, the sender's MTA retries later). All through smtp-server's own hooks.
 * - Back-pressure (issue 26): when the intake's screening backlog is past its bound (infra/local/intake-backlog.ts)
 *   MAIL FROM (with `admit`) or the end of DATA gets `451` with the measured wait, nothing is filed or kept, and
 *   the sender's MTA retries: no dead letter for a push-back.
 * - Malformed mail (no header block, a header line without a colon, a flood of From addresses) and mail that
 *   cannot make a valid intake are quarantined by the email intake (accepted, never a dead letter).
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
import { WindowCounter } from '../../functions/api/rate-limit';
import type { RuntimeLogger } from './log';
import { parseSmtpLimits, type SmtpLimitsInput } from './smtp-limits';
import { IntakeBusyError, errorName } from '../../shared/domain/errors';

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
  /** Connection, recipient, size and rate limits (validated; defaults in smtp-limits.ts). */
  limits?: SmtpLimitsInput;
  logger?: RuntimeLogger;
  /** Name in the greeting. */
  serverName?: string;
  /**
   * Asked at MAIL FROM: throws IntakeBusyError when the intake pushes back (the runtime passes its workflow's
   * `checkIntakeCapacity`), answered 451 before the data is sent. A busy error from `ingest` is also a 451.
   */
  admit?: () => void;
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
    JSON.stringify(
      {
        file: `${base}.eml`,
        sha256: sha,
        size: raw.byteLength,
        failedAt: new Date().toISOString(),
        error: { name: e?.name ?? 'Error', ...(typeof e?.code === 'string' ? { code: e.code } : {}) },
        ...meta,
      },
      null,
      2,
    ) + '\n',
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
  const limits = parseSmtpLimits(opts.limits ?? {});
  const maxBytes = limits.maxBytes;
  const log = opts.logger;
  const inFlight = new Set<Promise<unknown>>();
  /** Open connections per client address, and the address each counted connection holds (by session id). */
  const perAddress = new Map<string, number>();
  const countedAddress = new Map<string, string>();
  const mailFromTimers = new Map<string, NodeJS.Timeout>();
  const refusedRecipients = new Map<string, number>();
  const senders = new WindowCounter(limits.senderWindowMs, limits.maxTrackedSenders);
  const name = opts.serverName ?? 'tousu';

  const stopMailFromTimer = (session: SMTPServerSession): void => {
    clearTimeout(mailFromTimers.get(session.id));
    mailFromTimers.delete(session.id);
  };
  // A connection must say MAIL FROM within the deadline, after connecting and after each message: an idle
  // connection (even one sending NOOPs, which reset the socket timeout) otherwise holds a slot of maxClients.
  const startMailFromTimer = (session: SMTPServerSession): void => {
    stopMailFromTimer(session);
    if (!countedAddress.has(session.id)) return;
    const timer = setTimeout(() => {
      mailFromTimers.delete(session.id);
      const connection = [...server.connections].find((c) => c.id === session.id);
      if (!connection) return;
      log?.info('smtp connection closed', { reason: 'no MAIL FROM in time', ms: limits.mailFromTimeoutMs });
      connection.send(421, `${name} Timeout waiting for MAIL FROM, closing connection`);
    }, limits.mailFromTimeoutMs);
    timer.unref();
    mailFromTimers.set(session.id, timer);
  };

  const server = new SMTPServer({
    name,
    banner: 'tousu complaint intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    maxClients: limits.maxClients,
    socketTimeout: limits.socketTimeoutMs,
    closeTimeout: limits.closeTimeoutMs,
    logger: false,
    onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void) {
      const address = session.remoteAddress;
      const open = perAddress.get(address) ?? 0;
      if (open >= limits.maxClientsPerAddress) {
        // The address is not logged: it may identify a person.
        log?.warn('smtp connection refused', { reason: 'too many connections from one address', limit: limits.maxClientsPerAddress });
        return cb(smtpError(421, `${name} Too many connections from your address, try again later`));
      }
      perAddress.set(address, open + 1);
      countedAddress.set(session.id, address);
      startMailFromTimer(session);
      cb();
    },
    onClose(session: SMTPServerSession) {
      stopMailFromTimer(session);
      refusedRecipients.delete(session.id);
      const address = countedAddress.get(session.id);
      if (address === undefined) return;
      countedAddress.delete(session.id);
      const open = (perAddress.get(address) ?? 1) - 1;
      if (open > 0) perAddress.set(address, open);
      else perAddress.delete(address);
    },
    onMailFrom(address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error | null) => void) {
      const sender = address.address.trim().toLowerCase() || '<>';
      const now = Date.now();
      if (senders.peek(sender, now) >= limits.messagesPerSender) {
        log?.warn('smtp sender rate exceeded', { limit: limits.messagesPerSender, windowMs: limits.senderWindowMs });
        // The MAIL FROM deadline keeps running: a refused sender does not keep the connection idle.
        return cb(smtpError(450, `Too many messages from this sender, try again in ${senders.retryAfter(sender, now)} s`));
      }
      // Back-pressure before the data is sent: 451 and the sender's MTA retries later.
      try {
        opts.admit?.();
      } catch (err) {
        if (!(err instanceof IntakeBusyError)) return cb(smtpError(451, 'Temporary failure, please retry later'));
        log?.warn('smtp mail deferred', { reason: 'intake backlog full', retryAfterSeconds: err.retryAfterSeconds });
        return cb(smtpError(451, busyReply(err)));
      }
      senders.hit(sender, now);
      stopMailFromTimer(session);
      cb();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, cb: (err?: Error | null) => void) {
      if (recipientCount(session) >= limits.maxRecipients) return cb(smtpError(452, 'Too many recipients'));
      if (accepted.has(address.address.trim().toLowerCase())) return cb();
      const refused = (refusedRecipients.get(session.id) ?? 0) + 1;
      refusedRecipients.set(session.id, refused);
      if (refused >= limits.maxRefusedRecipients) {
        log?.warn('smtp connection closed', { reason: 'too many refused recipients', limit: limits.maxRefusedRecipients });
        return cb(smtpError(421, `${name} Too many refused recipients, closing connection`));
      }
      log?.info('smtp recipient refused', { reason: 'not an intake address' });
      cb(smtpError(550, 'No such recipient here: this server only accepts mail for the complaint intake address (relay denied)'));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      // The next message must start within the MAIL FROM deadline too.
      const cb = (err?: Error | null, message?: string): void => {
        startMailFromTimer(session);
        callback(err, message);
      };
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
            cb(null, r.caseId ? `Accepted as ${r.caseId}` : r.ignored ? `Accepted for review, not filed (${r.reason ?? 'quarantined'})` : 'Accepted');
          } catch (err) {
            if (err instanceof IntakeBusyError) {
              // Back-pressure: nothing was filed; the sender's MTA keeps the mail and retries (no dead letter).
              log?.warn('smtp mail deferred', { reason: 'intake backlog full', retryAfterSeconds: err.retryAfterSeconds });
              return cb(smtpError(451, busyReply(err)));
            }
            try {
              const file = await writeDeadLetter(opts.deadLetterDir, raw, err, { source: 'smtp' });
              log?.error('smtp mail kept as dead letter', { file, error: errorName(err) });
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

/** The 451 text of a push-back: English, as SMTP replies go; the MTA logs it and retries. */
function busyReply(err: IntakeBusyError): string {
  return `Intake busy (screening backlog full), try again in ${err.retryAfterSeconds} s`;
}

function recipientCount(session: SMTPServerSession): number {
  return session.envelope?.rcptTo?.length ?? 0;
}
