/**
 * A stack that reports 12345 work orders back (art. 7(2)): every function marks work-order cases, the reconciler
 * alone gets the webhook settings (never the secret) and read access to the secret; bad settings fail synth with
 * the field named. One synthesis for the whole file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourcesOf, synthJurisdiction } from './synth';
import type { Synthesized } from './synth';
import { loadDeployment } from '../../infra/config';

const CODE = '510903';
const settings = { url: 'https://12345.example.gov.cn/api/tousu/reports', secretName: 'tousu/510903/workorder-webhook', retry: { maxAgeSeconds: 86400 } };
let s: Synthesized;

beforeAll(() => {
  const deployDir = mkdtempSync(join(tmpdir(), 'tousu-deploy-'));
  writeFileSync(join(deployDir, `${CODE}.json`), JSON.stringify({ workOrderOutbound: settings }));
  s = synthJurisdiction(CODE, { deployDir });
  console.log(`synth of Tousu-${CODE} (12345 loop): ${s.seconds.toFixed(1)} s`);
}, 240_000);

const functions = () => resourcesOf(s.json, 'AWS::Lambda::Function').filter(([, f]) => JSON.stringify(f.Environment ?? {}).includes('TABLE_NAME'));
const envOf = (idPrefix: string) => {
  const found = resourcesOf(s.json, 'AWS::Lambda::Function').find(([id]) => id.startsWith(idPrefix));
  if (!found) throw new Error(`no function ${idPrefix}`);
  return { env: (found[1].Environment as { Variables: Record<string, unknown> }).Variables, role: (found[1].Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0] };
};

test('no unacknowledged cdk-nag error', () => {
  expect(s.nagViolations).toEqual([]);
});

test('every function on the table marks work-order cases; only the reconciler sends, with the settings and the secret ARN', () => {
  const fns = functions();
  expect(fns.length).toBeGreaterThan(5);
  for (const [id, f] of fns) expect({ id, marks: (f.Environment as { Variables: Record<string, unknown> }).Variables.WORKORDER_MARKS }).toEqual({ id, marks: '1' });
  const { env } = envOf('IntakeReconciler');
  expect(JSON.parse(env.WORKORDER_OUTBOUND as string)).toEqual({ url: settings.url, retry: settings.retry });
  expect(JSON.stringify(env.WORKORDER_SECRET_ARN)).toContain('secret:tousu/510903/workorder-webhook');
  expect(envOf('ApiHandler').env.WORKORDER_OUTBOUND).toBeUndefined();
});

test('read access to the secret: the reconciler only', () => {
  const readers = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.PolicyDocument).includes('secret:tousu/510903/workorder-webhook'));
  expect(readers.flatMap(([, p]) => (p.Roles as { Ref: string }[]).map((r) => r.Ref))).toEqual([envOf('IntakeReconciler').role]);
});

test('bad settings fail synth with the field named', () => {
  const bad = (workOrderOutbound: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-deploy-'));
    writeFileSync(join(dir, `${CODE}.json`), JSON.stringify({ workOrderOutbound }));
    return () => loadDeployment(CODE, { deployDir: dir });
  };
  expect(bad({ ...settings, url: 'ftp://x' })).toThrow(/workOrderOutbound\.url/);
  expect(bad({ url: settings.url })).toThrow(/workOrderOutbound\.secretName/);
  expect(bad({ ...settings, secret: 'in-the-repo' })).toThrow(/workOrderOutbound/);
  expect(bad({ ...settings, retry: { backoffSeconds: [] } })).toThrow(/workOrderOutbound\.retry\.backoffSeconds/);
});
