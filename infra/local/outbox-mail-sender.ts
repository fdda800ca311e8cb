/**
 * MailSender of the embedded runtime: every mail becomes an .eml file in an outbox directory (survives
 * restarts; the staff console lists it), written atomically (temp file, then rename). When a relay is given
 * (an SMTP transport), each mail is also relayed; a relay failure is recorded beside the mail and can be
 * retried with `relayPending()`, the mail itself stays in the outbox.
 */
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file';
import { PRIVATE_DIR_MODE } from './private-dir';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { buildMime } from '../../shared/adapters/aws/ses-mail-sender';
import type { Clock, MailSender, OutgoingMail } from '../../shared/ports';
import { systemClock } from '../../shared/ports';

export interface OutboxEntry {
  /** File name of the .eml in the outbox directory. */
  file: string;
  messageId: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  kind: string;
  caseId?: string;
  relay?: { ok: boolean; at: string; error?: string };
}

export interface OutboxOptions {
  dir: string;
  /** An SMTP transport, or its options (host, port, …), to relay every mail through. */
  relay?: Transporter | SMTPTransport.Options;
  clock?: Clock;
  /** Domain of generated Message-IDs. */
  messageIdDomain?: string;
  logger?: { warn(msg: string, extra?: Record<string, unknown>): void };
}

const isTransporter = (x: unknown): x is Transporter => typeof (x as Transporter | undefined)?.sendMail === 'function';

const writeAtomic = (path: string, data: Buffer | string): Promise<void> => writeFileAtomic(path, data);

export class OutboxMailSender implements MailSender {
  private readonly relay?: Transporter;
  private readonly clock: Clock;
  private ready?: Promise<unknown>;

  constructor(private readonly opts: OutboxOptions) {
    this.clock = opts.clock ?? systemClock;
    if (opts.relay) this.relay = isTransporter(opts.relay) ? opts.relay : nodemailer.createTransport(opts.relay);
  }

  get dir(): string {
    return this.opts.dir;
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    this.ready ??= mkdir(this.opts.dir, { recursive: true, mode: PRIVATE_DIR_MODE });
    await this.ready;
    const at = this.clock.now().toISOString();
    const id = randomUUID();
    const messageId = `<${id}@${this.opts.messageIdDomain ?? mail.from.split('@')[1] ?? 'tousu.local'}>`;
    const raw = await buildMimeWithId(mail, messageId, at);
    const base = `${at.replace(/[-:.]/g, '').slice(0, 15)}-${id}`;
    const entry: OutboxEntry = {
      file: `${base}.eml`,
      messageId,
      at,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      kind: mail.tags.kind,
      ...(mail.tags.caseId ? { caseId: mail.tags.caseId } : {}),
    };
    await writeAtomic(join(this.opts.dir, entry.file), raw);
    await writeAtomic(join(this.opts.dir, `${base}.json`), JSON.stringify(entry));
    if (this.relay) await this.relayOne(entry, raw);
    return { messageId };
  }

  /** The outbox, newest first. */
  async list(): Promise<OutboxEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.opts.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: OutboxEntry[] = [];
    for (const n of names.filter((x) => x.endsWith('.json'))) {
      try {
        out.push(JSON.parse(await readFile(join(this.opts.dir, n), 'utf8')) as OutboxEntry);
      } catch {
        // A partial index file cannot exist (atomic rename); an unreadable one is skipped, the .eml stays.
      }
    }
    return out.sort((a, b) => b.at.localeCompare(a.at) || b.file.localeCompare(a.file));
  }

  /** The raw MIME of one outbox entry. */
  async read(file: string): Promise<Buffer> {
    if (!/^[\w-]+\.eml$/.test(file)) throw new Error('invalid outbox file name');
    return readFile(join(this.opts.dir, file));
  }

  /** Re-relays every mail whose relay failed. Returns how many went through. */
  async relayPending(): Promise<number> {
    if (!this.relay) return 0;
    let n = 0;
    for (const e of await this.list()) {
      if (e.relay?.ok) continue;
      if (await this.relayOne(e, await this.read(e.file))) n += 1;
    }
    return n;
  }

  private async relayOne(entry: OutboxEntry, raw: Buffer): Promise<boolean> {
    let ok = true;
    let error: string | undefined;
    try {
      await this.relay!.sendMail({ envelope: { from: entry.from, to: entry.to }, raw });
    } catch (err) {
      ok = false;
      error = err instanceof Error ? err.message : String(err);
      this.opts.logger?.warn('outbox relay failed', { file: entry.file, kind: entry.kind });
    }
    entry.relay = { ok, at: this.clock.now().toISOString(), ...(error ? { error } : {}) };
    await writeAtomic(join(this.opts.dir, entry.file.replace(/\.eml$/, '.json')), JSON.stringify(entry));
    return ok;
  }
}

function buildMimeWithId(mail: OutgoingMail, messageId: string, at: string): Promise<Buffer> {
  // Our Message-ID and Date, so the .eml matches the outbox index and the (virtual) clock.
  return buildMime(mail, undefined, { messageId, date: new Date(at) });
}
