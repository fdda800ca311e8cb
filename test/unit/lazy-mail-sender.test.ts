/**
 * lazyMailSenderFromEnv (shared/adapters/aws/lazy-mail-sender.ts): the Lambda functions' mail sender, whose
 * nodemailer/SES code loads on the first send. Same checks at construction and same mails as mailSenderFromEnv.
 */
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { lazyMailSenderFromEnv } from '../../shared/adapters/aws/lazy-mail-sender';
import { mailSenderFromEnv } from '../../shared/adapters/aws/mail-sender-factory';
import { ConfigError } from '../../shared/domain/errors';
import type { OutgoingMail } from '../../shared/ports';

const mail: OutgoingMail = {
  from: 'tousu-noreply@example.gov.cn',
  to: ['scjgj.sxdb@example.gov.cn'],
  subject: '政务服务投诉交办单（受理编号 510921-20250303-0001）',
  text: '现将以下政务服务投诉交你单位办理，请于 3 个工作日内反馈办理结果。',
  attachments: [{ filename: '交办单.html', contentType: 'text/html', content: '<h1>政务服务投诉交办单</h1>' }],
  tags: { kind: 'assignment_slip', caseId: '510921-20250303-0001' },
};

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());
afterAll(() => ses.restore());

describe('lazyMailSenderFromEnv', () => {
  it('rejects wrong mail settings at once, with the ConfigError of mailSenderFromEnv', () => {
    const env = { MAIL_MODE: 'smtp', SMTP_HOST: 'smtp.example.gov.cn' };
    expect(() => lazyMailSenderFromEnv(env)).toThrow(ConfigError);
    let lazyError: unknown;
    let eagerError: unknown;
    try {
      lazyMailSenderFromEnv(env);
    } catch (e) {
      lazyError = e;
    }
    try {
      mailSenderFromEnv(env);
    } catch (e) {
      eagerError = e;
    }
    expect((lazyError as Error).message).toBe((eagerError as Error).message);
    expect((lazyError as Error).message).toContain('SMTP_PORT');
  });

  it('sends the same SES request as the sender built at once, with the settings given at construction', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const env: Record<string, string | undefined> = { MAIL_MODE: 'ses', SES_CONFIGURATION_SET: 'tousu' };
    const lazy = lazyMailSenderFromEnv(env, { replyTo: 'reply@example.gov.cn' });
    env.SES_CONFIGURATION_SET = 'changed-later';
    await expect(lazy.send(mail)).resolves.toEqual({ messageId: 'm-1' });
    await expect(lazy.send(mail)).resolves.toEqual({ messageId: 'm-1' });
    await mailSenderFromEnv({ MAIL_MODE: 'ses', SES_CONFIGURATION_SET: 'tousu' }, { replyTo: 'reply@example.gov.cn', ses: new SESv2Client({}) }).send(mail);
    const [first, second, eager] = ses.commandCalls(SendEmailCommand).map((c) => c.args[0].input);
    expect(first!.ConfigurationSetName).toBe('tousu');
    expect(first!.ReplyToAddresses).toEqual(['reply@example.gov.cn']);
    // The raw MIME differs only in its generated Message-ID, boundaries and Date: compare the rest of the request.
    const shape = (i: typeof first) => ({
      ...i,
      Content: {
        Raw: {
          Data: Buffer.from(i!.Content!.Raw!.Data!)
            .toString('utf8')
            .replace(/(Message-ID|Date): .*|--_NmP-[^\r\n]*|boundary="[^"]*"/g, ''),
        },
      },
    });
    expect(shape(first)).toEqual(shape(eager));
    expect(shape(second)).toEqual(shape(eager));
  });
});
