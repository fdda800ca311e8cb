/**
 * MailSender over SMTP with nodemailer, for Lambda in regions without SES (the AWS China regions) or any
 * mail system reached by SMTP. The login comes from a credentials function (Secrets Manager in the factory),
 * read on the first send and cached for the container; a refused login (EAUTH) forgets it, so a rotated
 * password is read again on the next send. Credentials and mail content never reach a log.
 *
 * Transport security: implicit TLS on port 465, STARTTLS required on every other port (credentials never go
 * in clear text), certificate checked.
 */
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { MailSender, OutgoingMail } from '../../ports';
import { cachedSecret } from './secret-json';
import { nodemailerMessage } from './ses-mail-sender';
import type { CachedSecret } from './secret-json';

export interface SmtpCredentials {
  username: string;
  password: string;
}

export interface SmtpMailSenderOptions {
  host: string;
  port: number;
  /** The SMTP login, or undefined for a relay without AUTH. Called once, then cached. */
  credentials: () => Promise<SmtpCredentials | undefined>;
  /** Implicit TLS (default: port 465). Otherwise STARTTLS, required unless `requireTls` is false. */
  secure?: boolean;
  /** Refuse to send without TLS (default true). */
  requireTls?: boolean;
  /** Extra TLS options, e.g. the CA of a private relay. */
  tls?: ConnectionOptions;
  replyTo?: string;
  /** Socket timeouts in ms (default 15 s for connection and greeting, 60 s idle), well within a Lambda timeout. */
  timeoutMs?: number;
}

export class SmtpMailSender implements MailSender {
  private readonly login: CachedSecret<SmtpCredentials | undefined>;
  private transport?: { forLogin: SmtpCredentials | undefined; transporter: Transporter<SMTPTransport.SentMessageInfo> };

  constructor(private readonly opts: SmtpMailSenderOptions) {
    this.login = cachedSecret(opts.credentials);
  }

  private async transporter(): Promise<Transporter<SMTPTransport.SentMessageInfo>> {
    const login = await this.login.get();
    if (this.transport && this.transport.forLogin === login) return this.transport.transporter;
    this.transport?.transporter.close();
    const secure = this.opts.secure ?? this.opts.port === 465;
    const timeout = this.opts.timeoutMs ?? 15_000;
    const options: SMTPTransport.Options = {
      host: this.opts.host,
      port: this.opts.port,
      secure,
      requireTLS: !secure && this.opts.requireTls !== false,
      ...(login ? { auth: { user: login.username, pass: login.password } } : {}),
      ...(this.opts.tls ? { tls: this.opts.tls } : {}),
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: Math.max(timeout, 60_000),
      logger: false,
      debug: false,
    };
    const transporter = nodemailer.createTransport(options);
    this.transport = { forLogin: login, transporter };
    return transporter;
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const transporter = await this.transporter();
    try {
      const info = await transporter.sendMail(nodemailerMessage(mail, this.opts.replyTo));
      if (info.rejected.length > 0 && info.accepted.length === 0) throw new Error(`SMTP server refused every recipient (${info.rejected.length})`);
      return { messageId: info.messageId };
    } catch (err) {
      // A refused login may mean the secret was rotated: read it again next time.
      if ((err as { code?: string }).code === 'EAUTH') this.login.invalidate();
      throw err;
    }
  }

  /** Closes the transport's sockets (tests; Lambda simply freezes the container). */
  close(): void {
    this.transport?.transporter.close();
    this.transport = undefined;
  }
}
