/**
 * The API Lambda entry (functions/api/index.ts) is wired for staff sign-in on AWS: an API Gateway v2 event for
 * POST /api/auth/login reaches Cognito's InitiateAuth (USER_PASSWORD_AUTH on the configured client) and the
 * challenge routes are mounted. Cognito is aws-sdk-client-mock'd; the paths shown need no JWKS (a success would
 * verify the ID token against the pool's keys, covered with a verifier stub in auth-cognito-login.test.ts).
 */
import { CognitoIdentityProviderClient, InitiateAuthCommand, RespondToAuthChallengeCommand } from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import type { LambdaEvent } from 'hono/aws-lambda';
import type { Context } from 'aws-lambda';

/** The Lambda context the middy chain (Powertools logger) reads. */
const context = { functionName: 'api', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

const ENV = {
  TABLE_NAME: 'tousu-test',
  STATE_MACHINE_ARN: 'arn:aws:states:ap-east-1:123456789012:stateMachine:case',
  EVIDENCE_BUCKET: 'evidence',
  JURISDICTION: '510903',
  MAIL_MODE: 'ses',
  COGNITO_USER_POOL_ID: 'ap-east-1_Example1',
  COGNITO_CLIENT_ID: 'console-client',
};

function event(path: string, body: unknown): LambdaEvent {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', host: 'api.example.cn' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.cn',
      domainPrefix: 'api',
      http: { method: 'POST', path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'jest' },
      requestId: 'r1',
      routeKey: `POST ${path}`,
      stage: '$default',
      time: '01/Mar/2026:00:00:00 +0000',
      timeEpoch: 1772323200000,
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  } as unknown as LambdaEvent;
}

describe('API Lambda: staff sign-in against Cognito', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  const saved = { ...process.env };
  beforeAll(() => Object.assign(process.env, ENV));
  afterAll(() => {
    process.env = saved;
    cognito.restore();
  });

  test('POST /api/auth/login → InitiateAuth; a wrong password is 401; a first sign-in is 409 and new-password is mounted', async () => {
    const { handler } = await import('../../functions/api/index');
    cognito.on(InitiateAuthCommand).rejectsOnce(Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException' }));
    const wrong = (await handler(event('/api/auth/login', { username: 'wang.li', password: 'not-it' }), context)) as { statusCode: number; body: string };
    expect(wrong.statusCode).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ code: 'unauthorized', message: '用户名或密码错误。' });
    expect(cognito.commandCalls(InitiateAuthCommand)[0]!.args[0].input).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: 'console-client',
      AuthParameters: { USERNAME: 'wang.li', PASSWORD: 'not-it' },
    });

    const session = 'AYABe' + 's'.repeat(100);
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeParameters: { USER_ID_FOR_SRP: 'wang.li' } });
    const first = (await handler(event('/api/auth/login', { username: 'wang.li', password: 'Temp-Passw0rd!' }), context)) as { statusCode: number; body: string };
    expect(first.statusCode).toBe(409);
    expect(JSON.parse(first.body)).toMatchObject({ code: 'new_password_required', session, username: 'wang.li' });

    cognito.on(RespondToAuthChallengeCommand).rejects(Object.assign(new Error('Password does not conform to policy'), { name: 'InvalidPasswordException' }));
    const weak = (await handler(event('/api/auth/new-password', { username: 'wang.li', session, newPassword: 'short' }), context)) as { statusCode: number; body: string };
    expect(weak.statusCode).toBe(400);
    expect(JSON.parse(weak.body)).toMatchObject({ errors: [{ field: 'newPassword', code: 'weak_password' }] });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input).toMatchObject({ ClientId: 'console-client', ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session });
  });
});
