import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { mockClient } from 'aws-sdk-client-mock';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { SesMailSender } from '../../shared/adapters/aws/ses-mail-sender';
import { OutboxMailSender } from '../../infra/local/outbox-mail-sender';
import { sendNotices } from '../../shared/services/notify';
import type { Notice } from '../../shared/domain/lifecycle';
import type { OutgoingMail } from '../../shared/ports';

const mail: OutgoingMail = {
  from: 'tousu-noreply@chuanshan.example.gov.cn',
  to: ['scjgj.sxdb@chuanshan.example.gov.cn'],
  subject: '政务服务投诉交办单（受理编号 510903-20250303-0001）',
  text: '现将以下政务服务投诉交你单位办理。',
  html: '<p>现将以下政务服务投诉交你单位办理。</p>',
  tags: { kind: 'assignment_slip', caseId: '510903-20250303-0001' },
};

describe('SesMailSender', () => {
  const ses = mockClient(SESv2Client);
  afterEach(() => ses.reset());

  it('sends simple content in UTF-8 with tags', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const sender = new SesMailSender(new SESv2Client({}), { configurationSetName: 'tousu' });
    await expect(sender.send(mail)).resolves.toEqual({ messageId: 'm-1' });
    const input = ses.commandCalls(SendEmailCommand)[0]!.args[0].input;
    expect(input.Content?.Simple?.Subject).toEqual({ Data: mail.subject, Charset: 'UTF-8' });
    expect(input.Content?.Simple?.Body?.Html?.Data).toBe(mail.html);
    expect(input.Destination?.ToAddresses).toEqual(mail.to);
    expect(input.ConfigurationSetName).toBe('tousu');
    expect(input.EmailTags).toEqual([
      { Name: 'kind', Value: 'assignment_slip' },
      { Name: 'caseId', Value: '510903-20250303-0001' },
    ]);
  });

  it('sends raw MIME when there are attachments', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-2' });
    const sender = new SesMailSender(new SESv2Client({}));
    await sender.send({ ...mail, attachments: [{ filename: '交办单.html', contentType: 'text/html', content: '<h1>政务服务投诉交办单</h1>' }] });
    const raw = ses.commandCalls(SendEmailCommand)[0]!.args[0].input.Content?.Raw?.Data;
    const parsed = await simpleParser(Buffer.from(raw!));
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.attachments[0]?.filename).toBe('交办单.html');
    expect(parsed.attachments[0]?.content.toString()).toContain('政务服务投诉交办单');
  });

  it('propagates SES errors (the notifier retries and records them)', async () => {
    ses.on(SendEmailCommand).rejects(new Error('Throttling'));
    await expect(new SesMailSender(new SESv2Client({})).send(mail)).rejects.toThrow('Throttling');
  });
});

describe('OutboxMailSender', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tousu-outbox-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes one .eml per mail atomically and lists them', async () => {
    const clock = { now: () => new Date('2025-03-03T07:00:00Z') };
    const box = new OutboxMailSender({ dir: join(dir, 'outbox'), clock });
    const { messageId } = await box.send(mail);
    const files = (await readdir(join(dir, 'outbox'))).sort();
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    const [entry] = await box.list();
    expect(entry).toMatchObject({ messageId, kind: 'assignment_slip', caseId: mail.tags.caseId, to: mail.to, subject: mail.subject, at: '2025-03-03T07:00:00.000Z' });
    const parsed = await simpleParser(await box.read(entry!.file));
    expect(parsed.messageId).toBe(messageId);
    expect(parsed.text?.trim()).toBe(mail.text);
    // The outbox index stays out of the mail: tags are not headers.
    expect((await readFile(join(dir, 'outbox', entry!.file), 'utf8')).toLowerCase()).not.toContain('assignment_slip');
  });

  it('relays through a real SMTP server, and records a failed relay for a later retry', async () => {
    const received: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString());
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.server.address() as AddressInfo).port;
    try {
      const box = new OutboxMailSender({ dir, relay: { host: '127.0.0.1', port, secure: false, ignoreTLS: true } });
      await box.send(mail);
      expect(received).toHaveLength(1);
      expect((await box.list())[0]!.relay?.ok).toBe(true);

      const down = new OutboxMailSender({ dir: join(dir, 'b'), relay: { host: '127.0.0.1', port: 1, secure: false, ignoreTLS: true, connectionTimeout: 500 } });
      await down.send(mail);
      expect((await down.list())[0]!.relay).toMatchObject({ ok: false });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('sendNotices', () => {
  const notice: Notice = { kind: 'reminder', to: ['a@example.gov.cn'], subject: '提醒', text: '提醒', caseId: 'c1' };

  it('retries, then records the failure; skips notices without recipients', async () => {
    let calls = 0;
    const failing = {
      send: async () => {
        calls += 1;
        throw new Error('down');
      },
    };
    const recorded: unknown[] = [];
    const r = await sendNotices(failing, [notice, { ...notice, to: [] }], 'from@example.gov.cn', { attempts: 3, backoffMs: 0, recordFailure: async (f) => void recorded.push(f) });
    expect(calls).toBe(3);
    expect(r.failed).toHaveLength(1);
    expect(r.skipped).toHaveLength(1);
    expect(recorded).toEqual([expect.objectContaining({ notice, attempts: 3, error: 'Error: down' })]);
  });

  it('succeeds on a retry', async () => {
    let calls = 0;
    const flaky = {
      send: async () => {
        calls += 1;
        if (calls === 1) throw new Error('421');
        return { messageId: 'x' };
      },
    };
    const r = await sendNotices(flaky, [notice], 'from@example.gov.cn', { backoffMs: 0 });
    expect(r).toMatchObject({ sent: [{ kind: 'reminder', messageId: 'x' }], failed: [] });
  });
});
