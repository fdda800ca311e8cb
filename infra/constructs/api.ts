/**
 * Api: the HTTP API in front of the one Hono Lambda (functions/api/index.ts), which also serves the public pages
 * (form, status, static script): one origin, no CloudFront distribution to run, the same routes as the embedded
 * runtime. Staff sign in with Cognito (one user pool per jurisdiction; MFA required; no self sign-up); every staff
 * route carries the JWT authorizer, public routes carry none and are throttled per route on the stage. There is no
 * `$default` route: a path not listed here answers 404 from API Gateway before reaching the function.
 */
import { Annotations, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { z } from 'zod';
import type { ApiEnv } from '../../functions/api/index';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';
import type { DeployConfig } from '../config';
import type { Data } from './data';
import type { Handover } from './handover';
import type { MailGrants } from './mail';
import { TousuFunction } from './tousu-function';
import type { EnvVars } from './tousu-function';

type Route = readonly [apigw.HttpMethod, string];
const { GET, POST } = apigw.HttpMethod;

/** Anyone may call these (INTERFACES.md "HTTP"); throttled per route. */
export const PUBLIC_ROUTES: readonly Route[] = [
  [GET, '/'],
  [GET, '/status'],
  [GET, '/static/{file}'],
  [GET, '/api/openapi.json'],
  [POST, '/api/complaints'],
  [GET, '/api/complaints/{caseId}'],
  // The console page is a static shell: every piece of data it shows comes from a staff route below.
  [GET, '/console'],
  [GET, '/console/{proxy+}'],
  // Staff sign-in (functions/api/routes/staff.ts, auth-cognito.ts): the Lambda calls Cognito's public
  // InitiateAuth/RespondToAuthChallenge; the password or the challenge session is the credential.
  [POST, '/api/auth/login'],
  [POST, '/api/auth/new-password'],
  [POST, '/api/auth/mfa'],
  [POST, '/api/auth/mfa-setup'],
];

/**
 * Signed hand-overs from the paired stacks (issue 15): no authorizer (the HMAC signature is the credential,
 * checked by the function before anything else), throttled like the public routes; only when `handover` is set.
 */
export const HANDOVER_ROUTE: Route = [POST, '/api/handover'];

/** Staff only: the JWT authorizer (Cognito) on every one. */
export const STAFF_ROUTES: readonly Route[] = [
  [GET, '/api/me'],
  [POST, '/api/auth/logout'],
  [GET, '/api/cases'],
  [GET, '/api/cases/{proxy+}'],
  [POST, '/api/cases/{proxy+}'],
  [POST, '/api/intake/{channel}'],
  [GET, '/api/outbox'],
  [GET, '/api/quarantine'],
  [GET, '/api/console/{proxy+}'],
  [GET, '/api/reports/evaluation'],
];

/** Roles the verifier knows (shared/auth/principal.ts); each user is in exactly one of them. */
export const ROLE_GROUPS = ['agency', 'department', 'leader', 'admin'] as const;
export const departmentGroup = (code: string): string => `dept-${code}`;

export interface ApiProps {
  jurisdiction: JurisdictionConfig;
  api: DeployConfig['api'];
  data: Data;
  stateMachine: sfn.IStateMachine;
  /** The start queue (Intake): web complaints, staff intake and resumed cases start through it. */
  startQueue: sqs.IQueue;
  mail: MailGrants;
  logRetentionDays: number;
  statusUrl?: string;
  handover?: Handover;
}

export class Api extends Construct {
  readonly userPool: cognito.UserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly httpApi: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly handler: TousuFunction;
  readonly publicRoutes: apigw.HttpRoute[] = [];
  readonly staffRoutes: apigw.HttpRoute[] = [];

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { data, jurisdiction } = props;
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region.startsWith('cn-')) {
      Annotations.of(this).addWarningV2(
        'tousu:cognito-china',
        `Cognito user pools are not offered in ${region}: staff sign-in there needs another OIDC issuer for the JWT authorizer (not built yet).`,
      );
    }

    this.userPool = new cognito.UserPool(this, 'StaffPool', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      customAttributes: { department: new cognito.StringAttribute({ mutable: true, maxLen: 64 }) },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const role of ROLE_GROUPS) {
      new cognito.CfnUserPoolGroup(this, `Group-${role}`, { userPoolId: this.userPool.userPoolId, groupName: role, description: `tousu role ${role}` });
    }
    for (const d of jurisdiction.departments) {
      new cognito.CfnUserPoolGroup(this, `Group-dept-${d.code}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: departmentGroup(d.code),
        description: d.name.slice(0, 2048),
      });
    }
    this.userPoolClient = this.userPool.addClient('Console', {
      generateSecret: false,
      // USER_PASSWORD_AUTH: the console posts username and password to our own HTTPS endpoint (POST /api/auth/login),
      // which calls InitiateAuth; TOTP MFA (required on the pool) follows as a challenge.
      authFlows: { userSrp: true, userPassword: true },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      // Staff may not write their own attributes with their access token (UpdateUserAttributes): the department and
      // the display name decide what a user may read and how the timeline names them, so only an administrator
      // sets them (AdminUpdateUserAttributes). Left unset, Cognito lets a client write attributes; an empty list
      // is not emitted, so the set names two attributes that carry no authority.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ locale: true, timezone: true }),
    });

    const environment: EnvVars<z.input<typeof ApiEnv>> & { COGNITO_USER_POOL_ID: string; COGNITO_CLIENT_ID: string } = {
      TABLE_NAME: data.table.tableName,
      STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
      EVIDENCE_BUCKET: data.evidence.bucketName,
      JURISDICTION: jurisdiction.code,
      EVIDENCE_KMS_KEY_ID: data.key.keyArn,
      ...(props.statusUrl ? { STATUS_URL: props.statusUrl } : {}),
      START_QUEUE_URL: props.startQueue.queueUrl,
      COGNITO_USER_POOL_ID: this.userPool.userPoolId,
      COGNITO_CLIENT_ID: this.userPoolClient.userPoolClientId,
      ...(props.api.limits ? { HTTP_LIMITS: JSON.stringify(props.api.limits) } : {}),
    };
    this.handler = new TousuFunction(this, 'Handler', {
      name: 'api',
      entry: 'functions/api/index.ts',
      description: 'tousu HTTP API (Hono): public form and status, staff routes',
      environment,
      logKey: data.key,
      logRetentionDays: props.logRetentionDays,
      memorySize: 1024,
      timeout: Duration.seconds(29),
    });
    data.table.grantReadWriteData(this.handler);
    data.evidence.grantPut(this.handler);
    data.evidence.grantRead(this.handler);
    // Starts go through the start queue; only the execution starter may call states:StartExecution.
    props.startQueue.grantSendMessages(this.handler);
    // Staff actions complete the waiting task (shared/services/actions.ts → workflow.sendTaskSuccess).
    props.stateMachine.grantTaskResponse(this.handler);
    props.mail.grantSend(this.handler);
    props.handover?.grantTo(this.handler);
    // Every staff request is checked against the account (shared/auth/cognito-verifier.ts); logout signs out
    // globally (shared/auth/cognito-login.ts createCognitoLogout).
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cognito-idp:AdminGetUser', 'cognito-idp:AdminListGroupsForUser', 'cognito-idp:AdminUserGlobalSignOut'],
        resources: [this.userPool.userPoolArn],
      }),
    );
    // The console's 用户管理 (functions/api/routes/admin.ts → shared/auth/cognito-admin.ts): administrators only,
    // checked by the route; each change is audited.
    this.handler.addToRolePolicy(
      new iam.PolicyStatement({
        actions: [
          'cognito-idp:ListUsers',
          'cognito-idp:ListUsersInGroup',
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:AdminRemoveUserFromGroup',
          'cognito-idp:AdminDisableUser',
          'cognito-idp:AdminEnableUser',
          'cognito-idp:AdminSetUserPassword',
          'cognito-idp:AdminUpdateUserAttributes',
          'cognito-idp:AdminDeleteUserAttributes',
        ],
        resources: [this.userPool.userPoolArn],
      }),
    );

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: props.logRetentionDays as logs.RetentionDays, encryptionKey: data.key, removalPolicy: RemovalPolicy.RETAIN });
    this.httpApi = new apigw.HttpApi(this, 'Http', { description: `tousu ${jurisdiction.code} (${jurisdiction.name})`, createDefaultStage: false });
    this.stage = new apigw.HttpStage(this, 'Stage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.api.staffRateLimit, burstLimit: props.api.staffBurstLimit },
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(accessLogs),
        // No query strings (the status look-up's query code) and no bodies: ids, status, latency.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
            requestTime: '$context.requestTime',
          }),
        ),
      },
    });
    const publicRoutes = [...PUBLIC_ROUTES, ...(props.handover ? [HANDOVER_ROUTE] : [])];
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [method, path] of publicRoutes) {
      routeSettings[`${method} ${path}`] = { ThrottlingRateLimit: props.api.publicRateLimit, ThrottlingBurstLimit: props.api.publicBurstLimit };
    }
    (this.stage.node.defaultChild as apigw.CfnStage).routeSettings = routeSettings;

    const integration = new HttpLambdaIntegration('Hono', this.handler);
    const authorizer = new HttpJwtAuthorizer('Staff', this.userPool.userPoolProviderUrl, { jwtAudience: [this.userPoolClient.userPoolClientId] });
    this.publicRoutes.push(...publicRoutes.flatMap(([method, path]) => this.httpApi.addRoutes({ path, methods: [method], integration })));
    this.staffRoutes.push(...STAFF_ROUTES.flatMap(([method, path]) => this.httpApi.addRoutes({ path, methods: [method], integration, authorizer })));
    // Route settings name routes by key: the routes must exist before the stage is updated.
    for (const route of [...this.publicRoutes, ...this.staffRoutes]) this.stage.node.addDependency(route);
  }

  get url(): string {
    return this.stage.url;
  }
}
