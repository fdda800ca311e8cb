/**
 * A deployment in an AWS China region: no SES, so IMAP intake on a schedule and SMTP sending, both with their
 * credentials in Secrets Manager. One synthesis for the whole file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourcesOf, synthJurisdiction } from './synth';
import type { Synthesized } from './synth';

const CODE = '510921';
let s: Synthesized;

beforeAll(() => {
  const deployDir = mkdtempSync(join(tmpdir(), 'tousu-deploy-'));
  writeFileSync(
    join(deployDir, `${CODE}.json`),
    JSON.stringify({
      region: 'cn-north-1',
      intake: { mode: 'imap', host: 'imap.example.gov.cn', user: 'tousu@example.gov.cn', secretName: 'tousu/510921/imap', everyMinutes: 5 },
      sending: { mode: 'smtp', host: 'smtp.example.gov.cn', port: 465, secretName: 'tousu/510921/smtp' },
      archive: { retentionYears: 10, lockMode: 'COMPLIANCE' },
      alarmEmail: 'ops@example.gov.cn',
    }),
  );
  s = synthJurisdiction(CODE, { deployDir });
  console.log(`synth of Tousu-${CODE} (cn-north-1, imap/smtp): ${s.seconds.toFixed(1)} s`);
}, 240_000);

const envOf = (idPrefix: string) => {
  const found = resourcesOf(s.json, 'AWS::Lambda::Function').find(([id]) => id.startsWith(idPrefix));
  if (!found) throw new Error(`no function ${idPrefix}`);
  return (found[1].Environment as { Variables: Record<string, unknown> }).Variables;
};

test('no unacknowledged cdk-nag error', () => {
  expect(s.nagViolations).toEqual([]);
});

test('no SES receiving; the IMAP poller runs on a schedule, alone, reading its password from Secrets Manager (not from its configuration)', () => {
  s.template.resourceCountIs('AWS::SES::ReceiptRuleSet', 0);
  s.template.resourceCountIs('AWS::SES::ReceiptRule', 0);
  expect((s.json.Rules as Record<string, unknown> | undefined)?.SesReceivingRegion).toBeUndefined();
  s.template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(5 minutes)' });
  const env = envOf('IntakeImapPoller');
  expect(env).toMatchObject({ IMAP_HOST: 'imap.example.gov.cn', IMAP_PORT: '993', IMAP_USER: 'tousu@example.gov.cn', IMAP_MAILBOX: 'INBOX' });
  expect(env.IMAP_PASSWORD).toBeUndefined();
  expect(JSON.stringify(env.IMAP_SECRET_ARN)).toContain('secret:tousu/510921/imap');
  expect(JSON.stringify(s.json)).not.toContain('resolve:secretsmanager');
  // Read access to the IMAP secret: the poller only.
  const [pollerRoleId] = resourcesOf(s.json, 'AWS::IAM::Role').find(([id]) => id.startsWith('IntakeImapPollerRole'))!;
  const imapReaders = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.PolicyDocument).includes('secret:tousu/510921/imap'));
  expect(imapReaders).toHaveLength(1);
  expect(JSON.stringify(imapReaders[0]![1].Roles)).toContain(pollerRoleId);
  s.template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 1, Handler: 'functions/imap-poller/index.handler' });
});

test('SMTP sending: settings and the secret ARN in the environment, read access to that secret only, no SES permission', () => {
  const env = envOf('WorkflowHandleDeadlineFunction');
  expect(env).toMatchObject({ MAIL_MODE: 'smtp', SMTP_HOST: 'smtp.example.gov.cn', SMTP_PORT: '465' });
  expect(JSON.stringify(env.SMTP_SECRET_ARN)).toContain('secret:tousu/510921/smtp');
  const statements = resourcesOf(s.json, 'AWS::IAM::Policy').flatMap(([, p]) => (p.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement);
  expect(statements.flatMap((st) => [st.Action].flat()).filter((a) => a.startsWith('ses:'))).toEqual([]);
  expect(statements.some((st) => [st.Action].flat().includes('secretsmanager:GetSecretValue'))).toBe(true);
});

test('archive retention and mode from the config; alarm e-mail subscribed; partition-aware ARNs', () => {
  s.template.hasResourceProperties('AWS::S3::Bucket', { ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 3650 } } } });
  s.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.gov.cn' });
  expect(JSON.stringify(s.json)).not.toContain('arn:aws:');
});

test('the IMAP poller starts cases through the start queue; only the execution starter may StartExecution', () => {
  expect(envOf('IntakeImapPoller').START_QUEUE_URL).toEqual({ Ref: expect.stringMatching(/^IntakeStartQueue/) });
  const policies = resourcesOf(s.json, 'AWS::IAM::Policy');
  const allowing = (action: string) =>
    policies.filter(([, p]) => (p.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.some((st) => [st.Action].flat().includes(action))).map(([id]) => id);
  expect(allowing('states:StartExecution')).toEqual([expect.stringMatching(/^IntakeExecutionStarterRoleDefaultPolicy/)]);
  expect(allowing('sqs:SendMessage').some((id) => id.startsWith('IntakeImapPollerRoleDefaultPolicy'))).toBe(true);
});
