/** Deployment options: validation at synth, mail modes against the region, and every shipped jurisdiction. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeployConfigError, REPO_ROOT, SES_RECEIVING_REGIONS, loadDeployment, parseDeployConfig, shippedJurisdictionCodes, stackNameFor } from '../../infra/config';
import { ASL_FILE, aslPlaceholders, taskFunctionName } from '../../infra/constructs/workflow';

test('every shipped jurisdiction loads with its deployment options (the set `npm run synth` builds)', () => {
  const codes = shippedJurisdictionCodes();
  expect(codes.length).toBeGreaterThanOrEqual(7);
  for (const code of codes) {
    const d = loadDeployment(code);
    expect(d.jurisdiction.code).toBe(code);
    expect(stackNameFor(code)).toMatch(/^Tousu-[0-9A-Za-z-]+$/);
  }
});

test('defaults: SES in and out, 30-year governance archive, one-year logs', () => {
  const d = parseDeployConfig('510903', {});
  expect(d).toMatchObject({ intake: { mode: 'ses' }, sending: { mode: 'ses' }, archive: { retentionYears: 30, lockMode: 'GOVERNANCE' }, logRetentionDays: 365 });
  expect(d.region).toBeUndefined();
});

test.each(['cn-north-1', 'cn-northwest-1', 'ap-east-1', 'eu-central-1'])('SES intake in %s fails synth with a message naming the fix', (region) => {
  expect(() => parseDeployConfig('510903', { region })).toThrow(DeployConfigError);
  expect(() => parseDeployConfig('510903', { region })).toThrow(/intake mode "ses" needs SES email receiving.*"imap"/s);
});

test('SES sending in a China region fails; IMAP + SMTP there passes', () => {
  const imap = { mode: 'imap', host: 'imap.x.cn', user: 'u', secretName: 's/imap' };
  expect(() => parseDeployConfig('510903', { region: 'cn-north-1', intake: imap })).toThrow(/sending mode "ses" is not available in cn-north-1/);
  const ok = parseDeployConfig('510903', { region: 'cn-north-1', intake: imap, sending: { mode: 'smtp', host: 'smtp.x.cn', secretName: 's/smtp' } });
  expect(ok.intake).toMatchObject({ mode: 'imap', port: 993, mailbox: 'INBOX', everyMinutes: 5 });
});

test.each(SES_RECEIVING_REGIONS)('SES intake in %s is accepted', (region) => {
  expect(parseDeployConfig('510903', { region }).region).toBe(region);
});

test('the context region overrides the file; bad values name their field', () => {
  expect(
    parseDeployConfig(
      '510903',
      { region: 'cn-north-1', intake: { mode: 'imap', host: 'h', user: 'u', secretName: 's' }, sending: { mode: 'smtp', host: 'h', secretName: 's' } },
      { region: 'us-east-1' },
    ).region,
  ).toBe('us-east-1');
  expect(() => parseDeployConfig('510903', { archive: { retentionYears: 0 } })).toThrow(/archive\.retentionYears/);
  expect(() => parseDeployConfig('510903', { logRetentionDays: 42 })).toThrow(/logRetentionDays/);
  expect(() => parseDeployConfig('510903', { intake: { mode: 'pop3' } })).toThrow(/intake/);
});

test('every ASL placeholder is a <Task>FunctionArn with a kebab-case function name', () => {
  const placeholders = aslPlaceholders(readFileSync(join(REPO_ROOT, ASL_FILE), 'utf8'));
  expect(placeholders).toContain('ScreenCaseFunctionArn');
  for (const p of placeholders) expect(taskFunctionName(p)).toMatch(/^[a-z]+(-[a-z]+)*$/);
  expect(taskFunctionName('HandleDeadlineFunctionArn')).toBe('handle-deadline');
});

test("api.limits: the HTTP abuse limits are validated at synth with the runtime's schema; absent means the defaults", () => {
  expect(parseDeployConfig('510903', {}).api.limits).toBeUndefined();
  const d = parseDeployConfig('510903', { api: { limits: { trustedProxies: ['10.0.0.0/8'], complaints: { perMinute: 100 } } } });
  expect(d.api.limits).toMatchObject({ trustedProxies: ['10.0.0.0/8'], complaints: { perMinute: 100 }, lookups: { perMinute: 60 } });
  expect(() => parseDeployConfig('510903', { api: { limits: { complaints: { perMinute: -1 } } } })).toThrow(/api\.limits\.complaints\.perMinute/);
  expect(() => parseDeployConfig('510903', { api: { limits: { trustedProxies: ['proxy.example'] } } })).toThrow(/api\.limits\.trustedProxies\.0/);
});
