/**
 * The SMTP intake listener on its own (real smtp-server, real nodemailer client): recipients other than the
 * intake address are refused (no relay), an oversized message is refused, and a message whose processing
 * fails is kept as a dead letter (accepted, nothing lost) and replayed later; the connection, recipient and
 * sender limits hold against raw-socket clients.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { replayDeadLetters, startSmtpIntake } from '../../infra/local/smtp-intake';
import type { SmtpIntakeHandle, SmtpIntakeOptions } from '../../infra/local/smtp-intake';
import { DEFAULT_SMTP_LIMITS, SmtpLimitsError, parseSmtpLimits } from '../../infra/local/smtp-limits';

const INTAKE = 'tousu@chuanshan.example.gov.cn';

describe('SMTP intake listener', () => {
  let dir: string;
  let smtp: SmtpIntakeHandle;
  let fail = true;
  const received: Uint8Array[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-smtp-'));
    smtp = await startSmtpIntake({
      host: '127.0.0.1',
      port: 0,
      addresses: [INTAKE],
      deadLetterDir: join(dir, 'dead'),
      limits: { maxBytes: 64 * 1024 },
      ingest: async (raw) => {
        if (fail) throw Object.assign(new Error('store unavailable'), { name: 'ServiceUnavailable' });
        received.push(raw);
        return { ignored: false, caseId: `510903-20260302-000${received.length}` };
      },
    });
  });

  afterAll(async () => {
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  });

  const send = (to: string, text: string, messageId: string) =>
    nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true }).sendMail({ from: 'a@example.com', to, subject: '投诉', text, messageId });

  it('refuses other recipients with 550 and oversized mail with 552', async () => {
    await expect(send('postmaster@elsewhere.example', '内容', '<r1@x>')).rejects.toMatchObject({ responseCode: 550 });
    await expect(send(INTAKE, 'x'.repeat(100 * 1024), '<big@x>')).rejects.toMatchObject({ responseCode: 552 });
    expect(await readdir(join(dir, 'dead')).catch(() => [])).toEqual([]);
  });

  it('keeps a mail whose processing failed as a dead letter, then replays it', async () => {
    const info = await send(INTAKE.toUpperCase(), '窗口工作人员态度恶劣。', '<dl-1@x>');
    expect(info.response).toMatch(/^250/);
    const kept = (await readdir(join(dir, 'dead'))).filter((n) => n.endsWith('.eml'));
    expect(kept).toHaveLength(1);

    fail = false;
    const results = await replayDeadLetters(join(dir, 'dead'), async (raw) => {
      received.push(raw);
      return { ignored: false, caseId: 'C-1' };
    });
    expect(results).toEqual([{ file: kept[0], ok: true, ignored: false, caseId: 'C-1' }]);
    expect(Buffer.from(received[0]!).toString()).toContain('Message-ID: <dl-1@x>');
    expect((await readdir(join(dir, 'dead'))).filter((n) => n.endsWith('.eml'))).toEqual([]);
    expect(await readdir(join(dir, 'dead', 'replayed'))).toContain(kept[0]);
  });
});

/** A raw SMTP client on a socket: sends lines, reads replies (multi-line replies joined), sees the close. */
class RawSmtp {
  private buffer = '';
  private waiters: ((line: string) => void)[] = [];
  private replies: string[] = [];
  closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      let i;
      while ((i = this.buffer.indexOf('\r\n')) >= 0) {
        const line = this.buffer.slice(0, i);
        this.buffer = this.buffer.slice(i + 2);
        if (/^\d{3}-/.test(line)) continue; // continuation of a multi-line reply
        const w = this.waiters.shift();
        if (w) w(line);
        else this.replies.push(line);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((r) => socket.once('close', () => r()));
  }

  static async open(port: number, localAddress = '127.0.0.1'): Promise<RawSmtp> {
    const socket = connect({ host: '127.0.0.1', port, localAddress });
    await new Promise<void>((res, rej) => socket.once('connect', res).once('error', rej));
    return new RawSmtp(socket);
  }

  reply(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((r) => this.waiters.push(r));
  }

  async command(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }
}

describe('SMTP listener limits (abuse costs the abuser, not everyone else)', () => {
  let dir: string;
  const open: RawSmtp[] = [];
  const handles: SmtpIntakeHandle[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-smtp-limits-'));
  });
  afterEach(async () => {
    for (const c of open.splice(0)) c.socket.destroy();
    for (const h of handles.splice(0)) await h.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const listen = async (limits: SmtpIntakeOptions['limits'] = {}) => {
    const h = await startSmtpIntake({ host: '127.0.0.1', port: 0, addresses: [INTAKE], deadLetterDir: join(dir, 'dead'), limits, ingest: async () => ({ ignored: false, caseId: 'C-1' }) });
    handles.push(h);
    return h;
  };
  const client = async (port: number, localAddress?: string) => {
    const c = await RawSmtp.open(port, localAddress);
    open.push(c);
    return c;
  };

  it('twenty idle connections from one address no longer shut out everyone else (default limits)', async () => {
    const smtp = await listen();
    // 20 idle connections (today's maxClients) from 127.0.0.2: the address gets 5, the rest 421.
    const idle = await Promise.all(Array.from({ length: 20 }, () => client(smtp.port, '127.0.0.2')));
    const greetings = await Promise.all(idle.map((c) => c.reply()));
    expect(greetings.filter((g) => g.startsWith('220'))).toHaveLength(5);
    expect(greetings.filter((g) => g.startsWith('421'))).toHaveLength(15);
    // Another client still delivers.
    const info = await nodemailer.createTransport({ host: '127.0.0.1', port: smtp.port, ignoreTLS: true }).sendMail({ from: 'a@example.com', to: INTAKE, subject: '投诉', text: '窗口态度恶劣。' });
    expect(info.response).toMatch(/^250/);
  });

  it('closes a connection that does not say MAIL FROM in time, even while it sends NOOPs', async () => {
    const smtp = await listen({ mailFromTimeoutMs: 1000 });
    const c = await client(smtp.port);
    expect(await c.reply()).toMatch(/^220/);
    expect(await c.command('EHLO idle.example')).toMatch(/^250/);
    const started = Date.now();
    const noops = setInterval(() => c.socket.writable && c.socket.write('NOOP\r\n'), 200);
    try {
      let line: string;
      do line = await c.reply();
      while (line.startsWith('250'));
      expect(line).toMatch(/^421 .*MAIL FROM/);
      await c.closed;
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      clearInterval(noops);
    }
  });

  it('closes the connection after the allowed number of refused recipients', async () => {
    const smtp = await listen({ maxRefusedRecipients: 3 });
    const c = await client(smtp.port);
    await c.reply();
    await c.command('EHLO probe.example');
    expect(await c.command('MAIL FROM:<probe@example.com>')).toMatch(/^250/);
    expect(await c.command('RCPT TO:<a@elsewhere.example>')).toMatch(/^550/);
    expect(await c.command('RCPT TO:<b@elsewhere.example>')).toMatch(/^550/);
    expect(await c.command('RCPT TO:<c@elsewhere.example>')).toMatch(/^421/);
    await c.closed;
  });

  it('limits the messages one envelope sender may start per window (450), other senders unaffected', async () => {
    const smtp = await listen({ messagesPerSender: 2, senderWindowMs: 60_000 });
    const c = await client(smtp.port);
    await c.reply();
    await c.command('EHLO flood.example');
    for (let i = 0; i < 2; i++) {
      expect(await c.command('MAIL FROM:<flood@example.com>')).toMatch(/^250/);
      expect(await c.command('RSET')).toMatch(/^250/);
    }
    expect(await c.command('MAIL FROM:<Flood@Example.com>')).toMatch(/^450/);
    expect(await c.command('MAIL FROM:<someone-else@example.com>')).toMatch(/^250/);
  });

  it("the limits are validated: a wrong value is an error naming the field, in Chinese; defaults are today's", () => {
    expect(DEFAULT_SMTP_LIMITS).toMatchObject({ maxBytes: 30 * 1024 * 1024, maxClients: 20, socketTimeoutMs: 60_000, closeTimeoutMs: 10_000, maxRecipients: 10 });
    expect(() => parseSmtpLimits({ maxClients: 0 })).toThrow(SmtpLimitsError);
    let problems: { path: string; message: string }[] = [];
    try {
      parseSmtpLimits({ maxClients: 0, mailFromTimeout: 5, senderWindowMs: 'hour' });
    } catch (err) {
      problems = (err as SmtpLimitsError).problems;
    }
    expect(problems.map((p) => p.path).sort()).toEqual(['smtp', 'smtp.maxClients', 'smtp.senderWindowMs']);
    for (const p of problems) expect(p.message).toMatch(/[\u4e00-\u9fff]/);
    expect(parseSmtpLimits(undefined)).toEqual(DEFAULT_SMTP_LIMITS);
  });
});
