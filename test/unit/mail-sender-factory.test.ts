/**
 * mailSenderFromEnv (shared/adapters/aws/mail-sender-factory.ts): SES, or SMTP with the login read from Secrets
 * Manager (aws-sdk-client-mock) and delivered to a real SMTP server (smtp-server) over STARTTLS with a certificate
 * the client verifies (a fresh self-signed one, made with openssl). Also the IMAP poller's password source.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { simpleParser } from 'mailparser';
import type { ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerOptions } from 'smtp-server';
import { mailSenderFromEnv } from '../../shared/adapters/aws/mail-sender-factory';
import { readSecretFields } from '../../shared/adapters/aws/secret-json';
import { SesMailSender } from '../../shared/adapters/aws/ses-mail-sender';
import { SmtpMailSender } from '../../shared/adapters/aws/smtp-mail-sender';
import { ConfigError } from '../../shared/domain/errors';
import type { OutgoingMail } from '../../shared/ports';
import { imapPasswordSource } from '../../functions/imap-poller/index';

const SECRET_ARN = 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:tousu/510921/smtp';
const mail: OutgoingMail = {
  from: 'tousu-noreply@example.gov.cn',
  to: ['scjgj.sxdb@example.gov.cn'],
  cc: ['agency@example.gov.cn'],
  subject: '政务服务投诉交办单（受理编号 510921-20250303-0001）',
  text: '现将以下政务服务投诉交你单位办理，请于 3 个工作日内反馈办理结果。',
  html: '<p>现将以下政务服务投诉交你单位办理。</p>',
  attachments: [{ filename: '交办单.html', contentType: 'text/html', content: '<h1>政务服务投诉交办单</h1>' }],
  tags: { kind: 'assignment_slip', caseId: '510921-20250303-0001' },
};

const secrets = mockClient(SecretsManagerClient);
const ses = mockClient(SESv2Client);
afterEach(() => {
  secrets.reset();
  ses.reset();
});
afterAll(() => {
  secrets.restore();
  ses.restore();
});

// ---------------------------------------------------------------------------------------------- a real SMTP server

let certDir: string;
let tlsKey: Buffer;
let tlsCert: Buffer;
beforeAll(() => {
  certDir = mkdtempSync(join(tmpdir(), 'tousu-smtp-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(certDir, 'key.pem'),
      '-out',
      join(certDir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  tlsKey = readFileSync(join(certDir, 'key.pem'));
  tlsCert = readFileSync(join(certDir, 'cert.pem'));
});
afterAll(() => rmSync(certDir, { recursive: true, force: true }));

interface Received {
  logins: { username: string; password: string }[];
  mails: { envelope: { from: string; to: string[] }; parsed: ParsedMail; secure: boolean }[];
}

async function smtpServer(opts: { password: () => string; tls?: boolean }): Promise<{ port: number; received: Received; close(): Promise<void> }> {
  const received: Received = { logins: [], mails: [] };
  const options: SMTPServerOptions = {
    ...(opts.tls === false ? { disabledCommands: ['STARTTLS'], allowInsecureAuth: true } : { key: tlsKey, cert: tlsCert }),
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, cb) {
      received.logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      if (auth.username === 'tousu@example.gov.cn' && auth.password === opts.password()) cb(null, { user: auth.username });
      else cb(new Error('535 Authentication failed'));
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((parsed) => {
          received.mails.push({
            envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
            parsed,
            secure: session.secure,
          });
          cb();
        })
        .catch(cb);
    },
  };
  const server = new SMTPServer(options);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const smtpEnv = (port: number) => ({ MAIL_MODE: 'smtp', SMTP_HOST: 'localhost', SMTP_PORT: String(port), SMTP_SECRET_ARN: SECRET_ARN });
const secretString = (password: string) => ({ SecretString: JSON.stringify({ username: 'tousu@example.gov.cn', password }) });

// ---------------------------------------------------------------------------------------------- tests

describe('mailSenderFromEnv: SES', () => {
  it('is the SES sender when MAIL_MODE is ses or unset, with the configuration set and Reply-To', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    for (const env of [{}, { MAIL_MODE: 'ses', SES_CONFIGURATION_SET: 'tousu' }]) {
      const sender = mailSenderFromEnv(env, { replyTo: 'reply@example.gov.cn', ses: new SESv2Client({}) });
      expect(sender).toBeInstanceOf(SesMailSender);
      await expect(sender.send({ ...mail, attachments: [] })).resolves.toEqual({ messageId: 'm-1' });
    }
    const [first, second] = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(first!.ReplyToAddresses).toEqual(['reply@example.gov.cn']);
    expect(first!.ConfigurationSetName).toBeUndefined();
    expect(second!.ConfigurationSetName).toBe('tousu');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('refuses an incomplete SMTP configuration at cold start, naming the variables', () => {
    const attempt = () => mailSenderFromEnv({ MAIL_MODE: 'smtp', SMTP_HOST: 'smtp.example.gov.cn' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/SMTP_PORT.*SMTP_SECRET_ARN/);
    expect(() => mailSenderFromEnv({ MAIL_MODE: 'sendmail' })).toThrow(ConfigError);
  });
});

describe('mailSenderFromEnv: SMTP', () => {
  it('delivers over STARTTLS with the login from Secrets Manager, read once for the container', async () => {
    const server = await smtpServer({ password: () => 'pw-1' });
    secrets.on(GetSecretValueCommand, { SecretId: SECRET_ARN }).resolves(secretString('pw-1'));
    const sender = mailSenderFromEnv(smtpEnv(server.port), { replyTo: 'reply@example.gov.cn', secrets: new SecretsManagerClient({}), smtpTls: { ca: tlsCert } });
    try {
      expect(sender).toBeInstanceOf(SmtpMailSender);
      const first = await sender.send(mail);
      await sender.send({ ...mail, subject: '第二封', attachments: [] });
      expect(first.messageId).toMatch(/^<.+@.+>$/);
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);

      expect(server.received.mails).toHaveLength(2);
      const got = server.received.mails[0]!;
      expect(got.secure).toBe(true);
      expect(got.envelope).toEqual({ from: mail.from, to: [...mail.to, ...mail.cc!] });
      expect(got.parsed.messageId).toBe(first.messageId);
      expect(got.parsed.subject).toBe(mail.subject);
      expect(got.parsed.text?.trim()).toBe(mail.text);
      expect(got.parsed.html).toContain('交你单位办理');
      expect(got.parsed.replyTo?.text).toBe('reply@example.gov.cn');
      expect(got.parsed.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([['交办单.html', '<h1>政务服务投诉交办单</h1>']]);
      // Tags are for metrics only: no header carries them to the recipient.
      expect([...got.parsed.headers.keys()].filter((k) => /tag|kind|case/i.test(k))).toEqual([]);
    } finally {
      (sender as SmtpMailSender).close();
      await server.close();
    }
  });

  it('after a refused login (rotated password) reads the secret again on the next send', async () => {
    let current = 'old-password';
    const server = await smtpServer({ password: () => current });
    secrets.on(GetSecretValueCommand).resolvesOnce(secretString('old-password')).resolves(secretString('new-password'));
    const sender = mailSenderFromEnv(smtpEnv(server.port), { secrets: new SecretsManagerClient({}), smtpTls: { ca: tlsCert } }) as SmtpMailSender;
    try {
      await sender.send(mail);
      current = 'new-password';
      await expect(sender.send(mail)).rejects.toMatchObject({ code: 'EAUTH' });
      await sender.send(mail);
      expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
      expect(server.received.mails).toHaveLength(2);
    } finally {
      sender.close();
      await server.close();
    }
  });

  it('never sends the login in clear text: a server without STARTTLS gets no AUTH and no mail', async () => {
    const server = await smtpServer({ password: () => 'pw-1', tls: false });
    secrets.on(GetSecretValueCommand).resolves(secretString('pw-1'));
    const sender = mailSenderFromEnv(smtpEnv(server.port), { secrets: new SecretsManagerClient({}) }) as SmtpMailSender;
    try {
      await expect(sender.send(mail)).rejects.toThrow();
      expect(server.received.logins).toEqual([]);
      expect(server.received.mails).toEqual([]);
    } finally {
      sender.close();
      await server.close();
    }
  });

  it('checks the server certificate (an unknown CA is refused)', async () => {
    const server = await smtpServer({ password: () => 'pw-1' });
    secrets.on(GetSecretValueCommand).resolves(secretString('pw-1'));
    const sender = mailSenderFromEnv(smtpEnv(server.port), { secrets: new SecretsManagerClient({}) }) as SmtpMailSender;
    try {
      await expect(sender.send(mail)).rejects.toThrow(/certificate/i);
      expect(server.received.logins).toEqual([]);
    } finally {
      sender.close();
      await server.close();
    }
  });

  it('a malformed secret is a ConfigError that names the secret but not its content; the next send reads it again', async () => {
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: '{"user":"x","pass":"hunter2-secret"}' }).resolves({ SecretString: 'not json hunter2-secret' });
    const sender = mailSenderFromEnv(smtpEnv(25), { secrets: new SecretsManagerClient({}) });
    const err = await sender.send(mail).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(SECRET_ARN);
    expect((err as Error).message).toContain('username');
    expect(JSON.stringify(err) + (err as Error).message).not.toContain('hunter2');
    await expect(sender.send(mail)).rejects.toThrow(ConfigError);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });
});

describe('secrets for the IMAP poller', () => {
  it('reads the mailbox password from its JSON secret once, and again after invalidate()', async () => {
    secrets.on(GetSecretValueCommand, { SecretId: 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:tousu/510921/imap' }).resolves({ SecretString: '{"password":"imap-pw"}' });
    const source = imapPasswordSource(new SecretsManagerClient({}), 'arn:aws-cn:secretsmanager:cn-north-1:1:secret:tousu/510921/imap');
    const [a, b] = await Promise.all([source.get(), source.get()]);
    expect([a, b]).toEqual(['imap-pw', 'imap-pw']);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    source.invalidate();
    await source.get();
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('refuses a secret without the field', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: '{"pw":"x"}' });
    await expect(readSecretFields(new SecretsManagerClient({}), 'imap', ['password'])).rejects.toThrow(/password/);
  });
});
