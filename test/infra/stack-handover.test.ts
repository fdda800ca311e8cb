/**
 * A stack paired with another jurisdiction's for signed hand-overs (issue 15): the route, the keys' secret read by
 * the three functions that need it and no other, the evidence read by the sender, the settings (never a key) in
 * the environment. One synthesis for the whole file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resourcesOf, synthJurisdiction } from './synth';
import type { Synthesized } from './synth';
import { loadDeployment } from '../../infra/config';

const CODE = '510903';
const settings = {
  secretName: 'tousu/510903/handover',
  peers: [{ jurisdiction: '510921', url: 'https://px.example.execute-api.us-east-1.amazonaws.com/api/handover', keyIds: ['cs-px-2026'], signWith: 'cs-px-2026' }],
};
let s: Synthesized;
let deployDir: string;

beforeAll(() => {
  deployDir = mkdtempSync(join(tmpdir(), 'tousu-deploy-'));
  writeFileSync(join(deployDir, `${CODE}.json`), JSON.stringify({ handover: settings }));
  s = synthJurisdiction(CODE, { deployDir });
  console.log(`synth of Tousu-${CODE} (hand-over): ${s.seconds.toFixed(1)} s`);
}, 240_000);

const fnOf = (idPrefix: string) => {
  const found = resourcesOf(s.json, 'AWS::Lambda::Function').find(([id]) => id.startsWith(idPrefix));
  if (!found) throw new Error(`no function ${idPrefix}`);
  return found;
};
const envOf = (idPrefix: string) => (fnOf(idPrefix)[1].Environment as { Variables: Record<string, unknown> }).Variables;
const roleOf = (idPrefix: string) => (fnOf(idPrefix)[1].Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

test('no unacknowledged cdk-nag error', () => {
  expect(s.nagViolations).toEqual([]);
});

test('POST /api/handover is routed to the API without the staff authorizer, throttled like the public routes', () => {
  const route = resourcesOf(s.json, 'AWS::ApiGatewayV2::Route').find(([, r]) => r.RouteKey === 'POST /api/handover');
  expect(route).toBeDefined();
  expect(route![1].AuthorizationType ?? 'NONE').toBe('NONE');
  const [, stage] = resourcesOf(s.json, 'AWS::ApiGatewayV2::Stage')[0]!;
  expect((stage.RouteSettings as Record<string, unknown>)['POST /api/handover']).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
  expect(Object.keys(s.json.Outputs as object)).toContain('HandoverUrl');
});

test('the receiver, the sender and the reconciler get the settings and the secret ARN, never a key', () => {
  for (const fn of ['ApiHandler', 'WorkflowScreenCaseFunction', 'IntakeReconciler']) {
    const env = envOf(fn);
    expect(JSON.parse(env.HANDOVER as string)).toEqual({ ...settings, peers: [{ ...settings.peers[0], timeoutMs: 10000 }], attempts: 3, backoffMs: 1000 });
    expect(JSON.stringify(env.HANDOVER_SECRET_ARN)).toContain('secret:tousu/510903/handover');
  }
  expect(envOf('WorkflowScreenCaseFunction').EVIDENCE_BUCKET).toBeDefined();
  expect(envOf('IntakeReconciler').EVIDENCE_BUCKET).toBeDefined();
  expect(envOf('WorkflowPrepareWaitFunction').HANDOVER).toBeUndefined();
  expect(envOf('WorkflowPrepareWaitFunction').EVIDENCE_BUCKET).toBeUndefined();
});

test('read access to the secret: those three roles only; the sender may read, not write, the evidence', () => {
  const readers = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.PolicyDocument).includes('secret:tousu/510903/handover'));
  const roles = readers.flatMap(([, p]) => (p.Roles as { Ref: string }[]).map((r) => r.Ref)).sort();
  expect(roles).toEqual([roleOf('ApiHandler'), roleOf('IntakeReconciler'), roleOf('WorkflowScreenCaseFunction')].sort());
  for (const [, p] of readers) {
    const st = (p.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement.filter((x) => JSON.stringify(x.Resource).includes('secret:'));
    expect(st.flatMap((x) => (Array.isArray(x.Action) ? x.Action : [x.Action])).sort()).toEqual(['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']);
  }
  const screenPolicy = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Roles).includes(roleOf('WorkflowScreenCaseFunction')));
  const actions = screenPolicy.flatMap(([, p]) => (p.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement.flatMap((x) => (Array.isArray(x.Action) ? x.Action : [x.Action])));
  expect(actions).toContain('s3:GetObject*');
  expect(actions.filter((a) => a.startsWith('s3:Put') || a.startsWith('s3:Delete'))).toEqual([]);
});

test('the reconciler may complete the waiting task of a case it transfers', () => {
  const policies = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Roles).includes(roleOf('IntakeReconciler')));
  expect(JSON.stringify(policies)).toContain('states:SendTaskSuccess');
});

test('bad hand-over settings fail synth with the field named', () => {
  const bad = (handover: unknown) => {
    const dir = mkdtempSync(join(tmpdir(), 'tousu-deploy-'));
    writeFileSync(join(dir, `${CODE}.json`), JSON.stringify({ handover }));
    return () => loadDeployment(CODE, { deployDir: dir });
  };
  expect(bad({ ...settings, peers: [{ ...settings.peers[0], signWith: 'other' }] })).toThrow(/handover\.peers\.0\.signWith/);
  expect(bad({ ...settings, peers: [{ ...settings.peers[0], jurisdiction: CODE }] })).toThrow(/does not hand over to itself/);
  expect(bad({ ...settings, attempts: 5, peers: [{ ...settings.peers[0], timeoutMs: 30000 }] })).toThrow(/handover\.attempts/);
  expect(bad({ ...settings, peers: [{ ...settings.peers[0], url: 'ftp://x' }] })).toThrow(/handover\.peers\.0\.url/);
});
