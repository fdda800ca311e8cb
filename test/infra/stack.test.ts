/**
 * The default deployment of a shipped jurisdiction (SES receiving and sending, environment-agnostic), synthesized
 * once with cdk-nag: encryption, PITR, dead-letter queues, the authorizer on staff routes, the state machine's
 * substitutions, IAM wildcards, the bundle layout, and a snapshot with asset hashes scrubbed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../infra/config';
import { PUBLIC_ROUTES, ROLE_GROUPS, STAFF_ROUTES, departmentGroup } from '../../infra/constructs/api';
import { nagAcknowledgments } from '../../infra/constructs/nag-suppressions';
import { ASL_FILE, aslPlaceholders } from '../../infra/constructs/workflow';
import { TABLE_GSIS } from '../../shared/adapters/aws/table';
import { loadJurisdiction } from '../../shared/config/load';
import { resourcesOf, scrubbed, synthJurisdiction } from './synth';
import type { Synthesized } from './synth';

const CODE = '510903';
let s: Synthesized;

beforeAll(() => {
  s = synthJurisdiction(CODE);
  console.log(`synth of Tousu-${CODE}: ${s.seconds.toFixed(1)} s`);
}, 240_000);

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };
const statements = (): { policy: string; st: Statement }[] =>
  resourcesOf(s.json, 'AWS::IAM::Policy').flatMap(([policy, p]) => ((p.PolicyDocument as { Statement: Statement[] }).Statement ?? []).map((st) => ({ policy, st })));
const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

describe('cdk-nag AwsSolutions', () => {
  test('no unacknowledged error', () => {
    expect(s.nagViolations).toEqual([]);
  });
  test('every acknowledgment carries a reason', () => {
    const acks = nagAcknowledgments(s.stack);
    expect(acks.length).toBeGreaterThan(0);
    for (const a of acks) expect(a.reason.length).toBeGreaterThan(30);
  });
});

describe('data', () => {
  test('the table: customer-managed KMS key, PITR, deletion protection, retained, keys from table.ts', () => {
    const [[id, table]] = resourcesOf(s.json, 'AWS::DynamoDB::Table') as [[string, Record<string, unknown>]];
    expect(table).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect((table.GlobalSecondaryIndexes as { IndexName: string }[]).map((g) => g.IndexName)).toEqual(TABLE_GSIS.map((g) => g.indexName));
    expect(s.json.Resources[id]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  test('the KMS key rotates', () => {
    s.template.allResourcesProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('every bucket: encrypted, public access blocked, versioned, TLS only; all but the log bucket log access', () => {
    const buckets = resourcesOf(s.json, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(5);
    const logBucketIds = new Set<string>();
    for (const [, b] of buckets) {
      expect(b.BucketEncryption).toBeDefined();
      expect(b.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(b.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      const logging = b.LoggingConfiguration as { DestinationBucketName: { Ref: string } } | undefined;
      if (logging) logBucketIds.add(logging.DestinationBucketName.Ref);
    }
    expect(logBucketIds.size).toBe(1);
    expect(buckets.filter(([, b]) => !b.LoggingConfiguration).map(([id]) => id)).toEqual([...logBucketIds]);
    const policies = resourcesOf(s.json, 'AWS::S3::BucketPolicy');
    for (const [id] of buckets) {
      const policy = policies.find(([, p]) => (p.Bucket as { Ref: string }).Ref === id);
      expect(policy).toBeDefined();
      expect(JSON.stringify(policy![1])).toContain('"aws:SecureTransport":"false"');
    }
  });

  test('evidence, scans and archive use the customer-managed key; the archive has Object Lock with a retention', () => {
    const kmsBuckets = resourcesOf(s.json, 'AWS::S3::Bucket').filter(([, b]) => JSON.stringify(b.BucketEncryption).includes('aws:kms'));
    expect(kmsBuckets).toHaveLength(3);
    s.template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 * 30 } } },
    });
  });

  test('log groups, queues and the alarm topic are encrypted with KMS', () => {
    for (const [, lg] of resourcesOf(s.json, 'AWS::Logs::LogGroup')) {
      expect(lg.KmsKeyId).toBeDefined();
      expect(lg.RetentionInDays).toBe(365);
    }
    for (const [, q] of resourcesOf(s.json, 'AWS::SQS::Queue')) expect(q.KmsMasterKeyId).toBeDefined();
    for (const [, t] of resourcesOf(s.json, 'AWS::SNS::Topic')) expect(t.KmsMasterKeyId).toBeDefined();
    expect(resourcesOf(s.json, 'AWS::SNS::Topic')).toHaveLength(1);
  });
});

describe('intake', () => {
  test('SES receipt rule: intake address, spam/virus scan, raw mail to S3 under mail/', () => {
    const intakeAddress = loadJurisdiction(CODE).intakeAddress;
    s.template.hasResourceProperties('AWS::SES::ReceiptRule', {
      Rule: Match.objectLike({ Recipients: [intakeAddress], ScanEnabled: true, Enabled: true, Actions: [{ S3Action: Match.objectLike({ ObjectKeyPrefix: 'mail/' }) }] }),
    });
  });

  test('every asynchronously invoked adapter sends failed events to the intake DLQ after retries', () => {
    const configs = resourcesOf(s.json, 'AWS::Lambda::EventInvokeConfig');
    expect(configs.length).toBe(4); // email, letter, box, work order
    for (const [, c] of configs) {
      expect(c).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [expect.stringMatching(/^IntakeIntakeDeadLetters/), 'Arn'] } } } });
    }
  });

  test('the work-order queue has a DLQ; schedules have one too', () => {
    s.template.hasResourceProperties('AWS::SQS::Queue', { RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 } });
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { FunctionResponseTypes: ['ReportBatchItemFailures'] });
    for (const [, sch] of resourcesOf(s.json, 'AWS::Scheduler::Schedule')) {
      expect((sch.Target as { DeadLetterConfig?: unknown }).DeadLetterConfig).toBeDefined();
    }
  });

  test('the start queue: KMS-encrypted, TLS only, a DLQ after 5 receives; the starter consumes it with partial batch failures', () => {
    const queues = resourcesOf(s.json, 'AWS::SQS::Queue');
    const [startId, start] = queues.find(([id]) => id.startsWith('IntakeStartQueue'))!;
    const [dlqId, dlq] = queues.find(([id]) => id.startsWith('IntakeStartDeadLetters'))!;
    for (const q of [start, dlq]) expect(q.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    expect(start.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 });
    expect(start.VisibilityTimeout).toBe(360);
    const tls = resourcesOf(s.json, 'AWS::SQS::QueuePolicy').filter(([, p]) => JSON.stringify(p.Queues).includes(`"${startId}"`));
    expect(JSON.stringify(tls)).toContain('"aws:SecureTransport":"false"');

    const [, mapping] = resourcesOf(s.json, 'AWS::Lambda::EventSourceMapping').find(([, m]) => JSON.stringify(m.EventSourceArn).includes(`"${startId}"`))!;
    expect(mapping).toMatchObject({ FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 5, ScalingConfig: { MaximumConcurrency: 5 } });
    expect((mapping.FunctionName as { Ref: string }).Ref).toMatch(/^IntakeExecutionStarter[0-9A-F]{8}$/);
  });

  test('only the execution starter may StartExecution; every function that starts cases sends to the start queue instead', () => {
    const withAction = (action: string) => statements().filter(({ st }) => asArray(st.Action).includes(action));
    expect(withAction('states:StartExecution').map(({ policy }) => policy)).toEqual([expect.stringMatching(/^IntakeExecutionStarterRoleDefaultPolicy/)]);
    const startQueueId = resourcesOf(s.json, 'AWS::SQS::Queue').find(([id]) => id.startsWith('IntakeStartQueue'))![0];
    const senders = withAction('sqs:SendMessage')
      .filter(({ st }) => JSON.stringify(st.Resource).includes(`"${startQueueId}"`))
      .map(({ policy }) => policy.replace(/RoleDefaultPolicy\w+$/, ''))
      .sort();
    expect(senders).toEqual(['ApiHandler', 'IntakeBoxIntake', 'IntakeEmailIntake', 'IntakeLetterIntake', 'IntakeReconciler', 'IntakeWorkOrderIntake']);
    for (const [id, fn] of resourcesOf(s.json, 'AWS::Lambda::Function')) {
      const env = (fn.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      const startsCases = senders.some((p) => id.startsWith(p) && !id.startsWith(`${p}Role`));
      expect([id, env.START_QUEUE_URL]).toEqual([id, startsCases ? { Ref: startQueueId } : undefined]);
    }
  });

  test('the execution starter bundle loads from its asset (cold start)', () => {
    const [, fn] = Object.entries(s.json.Resources).find(([id, r]) => id.startsWith('IntakeExecutionStarter') && r.Type === 'AWS::Lambda::Function')!;
    expect(fn.Properties).toMatchObject({
      Handler: 'functions/execution-starter/index.handler',
      Environment: { Variables: { STATE_MACHINE_ARN: { Ref: expect.stringMatching(/^WorkflowCaseLifecycle/) } } },
    });
    const asset = join(s.outdir, fn.Metadata!['aws:asset:path'] as string);
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('./functions/execution-starter/index.mjs'); process.stdout.write(typeof m.handler);"], {
      cwd: asset,
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out).toBe('function');
  });

  test('the reconciler: every 15 minutes by EventBridge Scheduler; table read/write and the start queue only; errors alarmed', () => {
    const [schedId, sched] = resourcesOf(s.json, 'AWS::Scheduler::Schedule').find(([id]) => id.startsWith('IntakeReconcile'))!;
    expect(schedId).toBeDefined();
    expect(sched).toMatchObject({
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Target: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^IntakeReconciler[0-9A-F]{8}$/), 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 0 } },
    });
    expect((sched.Target as { DeadLetterConfig?: unknown }).DeadLetterConfig).toBeDefined();
    const [fnId, fn] = resourcesOf(s.json, 'AWS::Lambda::Function').find(([id]) => /^IntakeReconciler[0-9A-F]{8}$/.test(id))!;
    expect(fn).toMatchObject({
      Handler: 'functions/reconciler/index.handler',
      ReservedConcurrentExecutions: 1,
      Environment: { Variables: { THRESHOLD_MINUTES: '15', START_QUEUE_URL: { Ref: expect.stringMatching(/^IntakeStartQueue/) } } },
    });
    // Least privilege: DynamoDB on the table (and its indexes), SQS send to the start queue, the data key, logs and X-Ray.
    const own = statements().filter(({ policy }) => policy.startsWith('IntakeReconcilerRole'));
    const actions = new Set(own.flatMap(({ st }) => asArray(st.Action)));
    for (const a of actions) expect(a).toMatch(/^(dynamodb|sqs|kms|xray|logs):/);
    expect([...actions].filter((a) => a.startsWith('states:'))).toEqual([]);
    expect([...actions].filter((a) => a.startsWith('sqs:') && !['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].includes(a))).toEqual([]);
    for (const { st } of own.filter(({ st }) => asArray(st.Action).some((a) => a.startsWith('sqs:')))) expect(JSON.stringify(st.Resource)).toMatch(/"IntakeStartQueue[0-9A-F]{8}"/);
    const alarm = resourcesOf(s.json, 'AWS::CloudWatch::Alarm').find(([, a]) => JSON.stringify(a).includes('"MetricName":"Errors"') && JSON.stringify(a).includes(`"${fnId}"`));
    expect(alarm).toBeDefined();
  });

  test('S3 events: mail/ → email-intake, letters/*.letter.json → letter-intake, boxes/*.csv → box-intake', () => {
    const notifications = JSON.stringify(resourcesOf(s.json, 'Custom::S3BucketNotifications').map(([, n]) => n.NotificationConfiguration));
    expect(notifications).toContain('"Value":"mail/"');
    expect(notifications).toContain('"Value":".letter.json"');
    expect(notifications).toContain('"Value":"boxes/"');
  });

  test('email-intake may send the acknowledgement mail (SES from the jurisdiction address), as the API does', () => {
    const [, fn] = Object.entries(s.json.Resources).find(([id, r]) => id.startsWith('IntakeEmailIntake') && r.Type === 'AWS::Lambda::Function')!;
    expect((fn.Properties as { Environment: { Variables: Record<string, unknown> } }).Environment.Variables.MAIL_MODE).toBe('ses');
    const roleId = (fn.Properties as { Role: { 'Fn::GetAtt': [string, string] } }).Role['Fn::GetAtt'][0];
    const policies = resourcesOf(s.json, 'AWS::IAM::Policy').filter(([, p]) => JSON.stringify(p.Roles) === JSON.stringify([{ Ref: roleId }]));
    const actions = policies.flatMap(([, p]) => (p.PolicyDocument as { Statement: Statement[] }).Statement.flatMap((st) => asArray(st.Action)));
    expect(actions).toContain('ses:SendEmail');
  });

  test('environment-agnostic stacks check the SES receiving region at deploy (CloudFormation rule)', () => {
    expect((s.json.Rules as Record<string, unknown>).SesReceivingRegion).toBeDefined();
  });
});

describe('workflow', () => {
  test('every ${…} of the ASL file has a substitution that is a function of this stack', () => {
    const placeholders = aslPlaceholders(readFileSync(join(REPO_ROOT, ASL_FILE), 'utf8'));
    expect(placeholders.length).toBeGreaterThan(0);
    const [[, sm]] = resourcesOf(s.json, 'AWS::StepFunctions::StateMachine') as [[string, Record<string, unknown>]];
    const subs = sm.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;
    expect(Object.keys(subs).sort()).toEqual(placeholders);
    for (const value of Object.values(subs)) expect(s.json.Resources[value['Fn::GetAtt'][0]]?.Type).toBe('AWS::Lambda::Function');
    // Applying the substitutions leaves no placeholder (what CloudFormation does at deploy).
    let text = readFileSync(join(REPO_ROOT, ASL_FILE), 'utf8');
    for (const key of Object.keys(subs)) text = text.split(`\${${key}}`).join('arn:aws:lambda:xx-east-1:000000000000:function:f');
    expect(text).not.toContain('${');
    expect(sm).toMatchObject({ TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false } });
    expect(s.stack.workflow.notBuilt).toEqual([]);
  });

  test('the state machine role may invoke exactly the task functions', () => {
    const [[, sm]] = resourcesOf(s.json, 'AWS::StepFunctions::StateMachine') as [[string, Record<string, unknown>]];
    const roleId = (sm.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const invoke = statements().filter(({ policy, st }) => JSON.stringify(s.json.Resources[policy]!.Properties!.Roles).includes(roleId) && asArray(st.Action).includes('lambda:InvokeFunction'));
    const targets = new Set(invoke.flatMap(({ st }) => asArray(st.Resource)).map((r) => JSON.stringify(r).match(/"(Workflow\w+Function\w+)"/)?.[1]));
    const subs = Object.values(sm.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string] }>).map((v) => v['Fn::GetAtt'][0]);
    expect([...targets].sort()).toEqual([...subs].sort());
  });

  test('the API function may answer task tokens; the await task may complete its own callback', () => {
    const withAction = (action: string) =>
      statements()
        .filter(({ st }) => asArray(st.Action).includes(action))
        .map(({ policy }) => policy);
    expect(withAction('states:SendTaskSuccess').some((p) => p.startsWith('ApiHandlerRole'))).toBe(true);
    expect(withAction('states:SendTaskFailure').some((p) => p.startsWith('ApiHandlerRole'))).toBe(true);
    expect(withAction('states:SendTaskSuccess').some((p) => p.startsWith('WorkflowAwaitActionFunctionCallbackPolicy'))).toBe(true);
  });

  test('archive-case may only s3:PutObject into the archive bucket (no retention change, no read, no delete)', () => {
    const archiveId = resourcesOf(s.json, 'AWS::S3::Bucket').find(([, b]) => b.ObjectLockEnabled)![0];
    const onArchive = statements().filter(({ st }) => JSON.stringify(st.Resource).includes(`"${archiveId}"`));
    expect(onArchive.map(({ policy }) => policy).every((p) => p.startsWith('WorkflowArchiveCaseFunctionRole'))).toBe(true);
    expect(onArchive.flatMap(({ st }) => asArray(st.Action))).toEqual(['s3:PutObject']);
    expect(JSON.stringify(onArchive[0]!.st.Resource)).toContain('/*');
    const env = (resourcesOf(s.json, 'AWS::Lambda::Function').find(([id]) => id.startsWith('WorkflowArchiveCaseFunction'))![1].Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env).toMatchObject({ ARCHIVE_BUCKET: { Ref: archiveId }, ARCHIVE_KMS_KEY_ID: expect.anything() });
  });
});

describe('api', () => {
  const routeKeys = () => resourcesOf(s.json, 'AWS::ApiGatewayV2::Route').map(([, r]) => r as { RouteKey: string; AuthorizationType?: string; AuthorizerId?: unknown });

  test('exactly the listed routes exist; no $default route', () => {
    const expected = [...PUBLIC_ROUTES, ...STAFF_ROUTES].map(([m, p]) => `${m} ${p}`).sort();
    expect(
      routeKeys()
        .map((r) => r.RouteKey)
        .sort(),
    ).toEqual(expected);
  });

  test('the JWT authorizer is on every staff route and on no public route', () => {
    const staffPrefix = /^(GET|POST|PUT|PATCH|DELETE|ANY) \/api\/(cases|intake|outbox|quarantine|me|console|reports|auth\/logout)/;
    for (const r of routeKeys()) {
      const isStaff = STAFF_ROUTES.some(([m, p]) => `${m} ${p}` === r.RouteKey);
      expect(isStaff).toBe(staffPrefix.test(r.RouteKey));
      if (isStaff) {
        expect(r.AuthorizationType).toBe('JWT');
        expect(r.AuthorizerId).toBeDefined();
      } else {
        expect(r.AuthorizationType ?? 'NONE').toBe('NONE');
        expect(r.AuthorizerId).toBeUndefined();
      }
    }
    s.template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT', IdentitySource: ['$request.header.Authorization'] });
  });

  test('public routes are throttled per route; the stage logs access', () => {
    const [[, stage]] = resourcesOf(s.json, 'AWS::ApiGatewayV2::Stage') as [[string, Record<string, unknown>]];
    const settings = stage.RouteSettings as Record<string, { ThrottlingRateLimit: number }>;
    for (const [m, p] of PUBLIC_ROUTES) expect(settings[`${m} ${p}`]).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    expect(stage.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(stage.AccessLogSettings).toBeDefined();
  });

  test('Cognito: MFA required, no self sign-up, a group per role and per department', () => {
    s.template.hasResourceProperties('AWS::Cognito::UserPool', { MfaConfiguration: 'ON', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    const groups = resourcesOf(s.json, 'AWS::Cognito::UserPoolGroup')
      .map(([, g]) => g.GroupName as string)
      .sort();
    const departments = loadJurisdiction(CODE).departments.map((d) => departmentGroup(d.code));
    expect(groups).toEqual([...ROLE_GROUPS, ...departments].sort());
  });

  test('staff sign-in: the login and challenge routes are public (no authorizer) and throttled; the client allows USER_PASSWORD_AUTH', () => {
    const signIn = ['POST /api/auth/login', 'POST /api/auth/new-password', 'POST /api/auth/mfa', 'POST /api/auth/mfa-setup'];
    const byKey = new Map(routeKeys().map((r) => [r.RouteKey, r]));
    const [[, stage]] = resourcesOf(s.json, 'AWS::ApiGatewayV2::Stage') as [[string, Record<string, unknown>]];
    const settings = stage.RouteSettings as Record<string, unknown>;
    for (const key of signIn) {
      const route = byKey.get(key);
      expect(route).toBeDefined();
      expect(route!.AuthorizationType ?? 'NONE').toBe('NONE');
      expect(route!.AuthorizerId).toBeUndefined();
      expect(settings[key]).toEqual({ ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 });
    }
    const clients = resourcesOf(s.json, 'AWS::Cognito::UserPoolClient').map(([, c]) => c);
    expect(clients).toHaveLength(1);
    expect(clients[0]).toMatchObject({ GenerateSecret: false, PreventUserExistenceErrors: 'ENABLED' });
    expect([...(clients[0]!.ExplicitAuthFlows as string[])].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']);
    // A user's own token may not rewrite the attributes that decide what they read (department) or how they are named.
    const writable = clients[0]!.WriteAttributes as string[];
    expect(writable.length).toBeGreaterThan(0);
    for (const a of ['custom:department', 'name', 'email', 'preferred_username']) expect(writable).not.toContain(a);
  });

  test('revocation: logout is a staff route; the API function may read accounts and sign users out, on this pool only', () => {
    expect(routeKeys().find((r) => r.RouteKey === 'POST /api/auth/logout')).toMatchObject({ AuthorizationType: 'JWT' });
    const policies = resourcesOf(s.json, 'AWS::IAM::Policy').map(([, p]) => p.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] });
    const cognitoStatements = policies.flatMap((d) => d.Statement).filter((st) => [st.Action].flat().some((a) => a.startsWith('cognito-idp:')));
    // One statement for the token checks and logout, one for the console's 用户管理 (issue 21 item 3): both on this pool only.
    expect(cognitoStatements).toHaveLength(2);
    expect([cognitoStatements[0]!.Action].flat().sort()).toEqual(['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminUserGlobalSignOut']);
    expect([cognitoStatements[1]!.Action].flat().sort()).toEqual([
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDeleteUserAttributes',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminRemoveUserFromGroup',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:ListUsers',
      'cognito-idp:ListUsersInGroup',
    ]);
    for (const st of cognitoStatements) expect(st.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiStaffPool/), 'Arn'] });
  });
});

describe('functions', () => {
  test('every tousu function: nodejs22.x, arm64, tracing, own log group, bundle two levels deep, source maps on', () => {
    const fns = resourcesOf(s.json, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('BucketNotificationsHandler'));
    expect(fns.length).toBe(14);
    for (const [, f] of fns) {
      expect(f).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: { Ref: expect.any(String) }, LogFormat: 'JSON' },
        Handler: expect.stringMatching(/^functions\/[a-z-]+\/index\.handler$/),
      });
      expect((f.Environment as { Variables: Record<string, unknown> }).Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
  });

  test('no AWS managed policy on any tousu function role', () => {
    const managed = resourcesOf(s.json, 'AWS::IAM::Role').filter(([id, r]) => !id.startsWith('BucketNotificationsHandler') && r.ManagedPolicyArns);
    expect(managed.map(([id]) => id)).toEqual([]);
  });

  test('no data-plane statement grants "*": only X-Ray and log delivery, which AWS requires', () => {
    const ALLOWED_ON_STAR = new Set([
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
      'xray:GetSamplingRules',
      'xray:GetSamplingTargets',
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ]);
    const onStar = statements().filter(({ st }) => asArray(st.Resource).includes('*'));
    expect(onStar.length).toBeGreaterThan(0);
    const actions = new Set(onStar.flatMap(({ st }) => asArray(st.Action)));
    expect([...actions].filter((a) => !ALLOWED_ON_STAR.has(a))).toEqual([]);
    // And no action wildcard on a whole service.
    expect(
      statements()
        .flatMap(({ st }) => asArray(st.Action))
        .filter((a) => /:\*$/.test(a)),
    ).toEqual([]);
  });

  test('SES sending is limited to the jurisdiction identity and From address', () => {
    const ses = statements().filter(({ st }) => asArray(st.Action).includes('ses:SendEmail'));
    expect(ses.length).toBeGreaterThan(0);
    const from = loadJurisdiction(CODE).mail.from;
    for (const { st } of ses) expect(st.Condition).toEqual({ StringEquals: { 'ses:FromAddress': from } });
  });

  test('the bundled task function starts from its asset: jurisdiction, rules and calendar load (cold start)', () => {
    const [, fn] = Object.entries(s.json.Resources).find(([id, r]) => id.startsWith('WorkflowScreenCaseFunction') && r.Type === 'AWS::Lambda::Function')!;
    const asset = join(s.outdir, fn.Metadata!['aws:asset:path'] as string);
    for (const f of ['functions/screen-case/index.mjs', 'functions/screen-case/index.mjs.map', `config/jurisdictions/${CODE}.json`, 'node_modules/chinese-days/dist/chinese-days.json']) {
      expect(existsSync(join(asset, f))).toBe(true);
    }
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', "const m = await import('./functions/screen-case/index.mjs'); process.stdout.write(typeof m.handler);"], {
      cwd: asset,
      env: { PATH: process.env.PATH ?? '', TABLE_NAME: 'tousu', JURISDICTION: CODE, AWS_REGION: 'us-east-1', NODE_NO_WARNINGS: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(out).toBe('function');
  });
});

describe('observability', () => {
  test('alarms on every DLQ (intake, work orders, start queue), failed executions and overdue cases, all to the topic; a dashboard', () => {
    const alarms = resourcesOf(s.json, 'AWS::CloudWatch::Alarm');
    const metricNames = alarms.map(([, a]) => a.MetricName);
    expect(metricNames.filter((m) => m === 'ApproximateNumberOfMessagesVisible')).toHaveLength(3);
    const dlqDimensions = alarms.filter(([, a]) => a.MetricName === 'ApproximateNumberOfMessagesVisible').map(([, a]) => JSON.stringify(a.Dimensions));
    expect(dlqDimensions.some((d) => d.includes('IntakeStartDeadLetters'))).toBe(true);
    expect(metricNames).toEqual(expect.arrayContaining(['ExecutionsFailed', 'OverdueCases']));
    for (const [, a] of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^ObservabilityAlarms/) }]);
    s.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('the overdue alarm watches the metric the handle-deadline function publishes (its namespace and service), no log filter', () => {
    const [, overdue] = resourcesOf(s.json, 'AWS::CloudWatch::Alarm').find(([, a]) => a.MetricName === 'OverdueCases')!;
    const fns = resourcesOf(s.json, 'AWS::Lambda::Function').filter(([, f]) => String(f.Handler).startsWith('functions/handle-deadline/'));
    expect(fns).toHaveLength(1);
    const env = (fns[0]![1].Environment as { Variables: Record<string, string> }).Variables;
    expect(env.POWERTOOLS_METRICS_NAMESPACE).toMatch(/^Tousu\/\d{6}/);
    expect(overdue.Namespace).toBe(env.POWERTOOLS_METRICS_NAMESPACE);
    expect(overdue.Dimensions).toEqual([{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME }]);
    expect(JSON.stringify(resourcesOf(s.json, 'AWS::Logs::MetricFilter'))).not.toContain('OverdueCases');
  });
});

describe('reporting', () => {
  test('quarterly schedule in Asia/Shanghai invokes the report function', () => {
    s.template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'cron(0 9 1 1,4,7,10 ? *)', ScheduleExpressionTimezone: 'Asia/Shanghai' });
  });
});

test('snapshot (asset hashes scrubbed)', () => {
  expect(scrubbed(s.json)).toMatchSnapshot();
});
