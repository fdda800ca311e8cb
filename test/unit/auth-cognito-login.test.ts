/**
 * Staff sign-in against Cognito (shared/auth/cognito-login.ts) with an aws-sdk-client-mock'd
 * CognitoIdentityProviderClient: success, the same 401 for a wrong password and an unknown user, the first-login
 * new password, TOTP enrolment and codes, throttling and the other refusals; then the routes through a Hono app
 * (POST /api/auth/login, /new-password, /mfa, /mfa-setup) with a verifier stub, and the token working on /api/me.
 */
import type { StaffTokenVerifier } from '../../shared/ports/staff-auth';
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { Hono } from 'hono';
import { UnsecuredJWT } from 'jose';
import { errorResponse } from '../../functions/api/app';
import { mountSignInChallengeRoutes } from '../../functions/api/routes/auth-cognito';
import { mountStaffRoutes } from '../../functions/api/routes/staff';
import type { StaffRouteDeps } from '../../functions/api/routes/staff';
import { AuthChallengeError, SignInError } from '../../shared/auth/challenge';
import { WRONG_CREDENTIALS, createCognitoChallenges, createCognitoLogin } from '../../shared/auth/cognito-login';
import type { CognitoLoginOptions } from '../../shared/auth/cognito-login';
import { principalFromClaims } from '../../shared/auth/principal';
import { UnauthorizedError, ValidationError } from '../../shared/domain/errors';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';

const CLIENT_ID = 'console-client-id';
const PASSWORD = 'Corr3ct-Horse-Battery!';
const EXP = 1_900_000_000; // 2030-03-17T17:46:40Z
const SESSION = 'AYABeC' + 'x'.repeat(200);
const SESSION2 = 'AYABeD' + 'y'.repeat(200);

/** An ID token the verifier stub accepts (structure of a JWT; the stub stands in for the signature check). */
const idToken = (sub: string, role: string, department?: string) =>
  new UnsecuredJWT({ 'cognito:username': sub, role, ...(department ? { department } : {}) }).setSubject(sub).setExpirationTime(EXP).encode();

/** Stands in for CognitoTokenVerifier: reads the claims back, refuses anything else. */
const verifier: StaffTokenVerifier = {
  async verifyStaffToken(token) {
    const parts = token.split('.');
    if (parts.length !== 3) throw new UnauthorizedError('登录凭证无效，请重新登录。');
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    return principalFromClaims({ sub: claims.sub, role: claims.role, department: claims.department, jurisdiction: '510903' });
  },
};

const cognito = mockClient(CognitoIdentityProviderClient);
let lines: string[];

function options(): CognitoLoginOptions {
  const push = (level: string) => (event: string, extra?: Record<string, unknown>) => lines.push(JSON.stringify({ level, event, ...extra }));
  return { client: new CognitoIdentityProviderClient({ region: 'ap-east-1' }), clientId: CLIENT_ID, verifier, totpIssuer: 'tousu 船山区', logger: { info: push('INFO'), warn: push('WARN') } };
}

const awsError = (name: string, message = name) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: {} });

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

beforeEach(() => {
  cognito.reset();
  lines = [];
});

afterEach(() => {
  // Nothing secret ever reaches a log line.
  for (const l of lines) {
    expect(l).not.toContain(PASSWORD);
    expect(l).not.toContain('New-Passw0rd!');
    expect(l).not.toContain(SESSION);
    expect(l).not.toContain(SESSION2);
    expect(l).not.toContain('eyJ');
    expect(l).not.toContain('123456');
  }
});

describe('createCognitoLogin', () => {
  test('success: USER_PASSWORD_AUTH on the console client → the ID token, its expiry and the principal', async () => {
    const token = idToken('wang.li', 'department', 'D-ZJJ');
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: token, AccessToken: 'access', RefreshToken: 'refresh', ExpiresIn: 3600 } });
    const r = await createCognitoLogin(options())('wang.li', PASSWORD);
    expect(r.token).toBe(token);
    expect(r.expiresAt).toBe(new Date(EXP * 1000).toISOString());
    expect(r.principal).toMatchObject({ username: 'wang.li', role: 'department', department: 'D-ZJJ' });
    const calls = cognito.commandCalls(InitiateAuthCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'wang.li', PASSWORD } });
    expect(lines.map((l) => JSON.parse(l).event)).toEqual(['login']);
  });

  test('wrong password, unknown user and unconfirmed account: the same 401 and message (no user enumeration)', async () => {
    const login = createCognitoLogin(options());
    const answers = [];
    for (const name of ['NotAuthorizedException', 'UserNotFoundException', 'UserNotConfirmedException']) {
      cognito.reset();
      cognito.on(InitiateAuthCommand).rejects(awsError(name, name === 'NotAuthorizedException' ? 'Incorrect username or password.' : 'User does not exist.'));
      const err = await caught(login('nobody', PASSWORD));
      expect(err).toBeInstanceOf(UnauthorizedError);
      const e = err as UnauthorizedError;
      answers.push({ status: e.status, code: e.code, message: e.message });
    }
    expect(answers[0]).toEqual({ status: 401, code: 'unauthorized', message: WRONG_CREDENTIALS });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  test('throttled → 429 in Chinese; a reset password → 403 password_reset_required', async () => {
    const login = createCognitoLogin(options());
    for (const name of ['TooManyRequestsException', 'LimitExceededException']) {
      cognito.reset();
      cognito.on(InitiateAuthCommand).rejects(awsError(name));
      const err = (await caught(login('wang.li', PASSWORD))) as SignInError;
      expect(err).toBeInstanceOf(SignInError);
      expect({ status: err.status, code: err.code }).toEqual({ status: 429, code: 'too_many_requests' });
      expect(err.message).toMatch(/频繁/);
    }
    cognito.reset();
    cognito.on(InitiateAuthCommand).rejects(awsError('PasswordResetRequiredException', 'Password reset required for the user'));
    const reset = (await caught(login('wang.li', PASSWORD))) as SignInError;
    expect({ status: reset.status, code: reset.code }).toEqual({ status: 403, code: 'password_reset_required' });
    expect(reset.message).toMatch(/重置/);
  });

  test('an unexpected Cognito failure is rethrown (500 at the edge) and logged by name only', async () => {
    cognito.on(InitiateAuthCommand).rejects(awsError('InvalidParameterException', `USER_PASSWORD_AUTH flow not enabled for this client ${PASSWORD}`));
    const err = (await caught(createCognitoLogin(options())('wang.li', PASSWORD))) as Error;
    expect(err.name).toBe('InvalidParameterException');
    expect(lines).toEqual([JSON.stringify({ level: 'WARN', event: 'login_failed', step: 'password', error: 'InvalidParameterException' })]);
  });

  test('a valid token of an account without exactly one role group is refused by the verifier', async () => {
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: idToken('x', 'janitor'), ExpiresIn: 3600 } });
    await expect(createCognitoLogin(options())('x', PASSWORD)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('challenges', () => {
  test('NEW_PASSWORD_REQUIRED → new_password_required with the session → RespondToAuthChallenge → token', async () => {
    cognito
      .on(InitiateAuthCommand)
      .resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: SESSION, ChallengeParameters: { USER_ID_FOR_SRP: 'wang.li', userAttributes: '{"email":"w@example.cn"}' } });
    const token = idToken('wang.li', 'agency');
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: token, ExpiresIn: 3600 } });
    const err = (await caught(createCognitoLogin(options())('wang@example.cn', PASSWORD))) as AuthChallengeError;
    expect(err).toBeInstanceOf(AuthChallengeError);
    expect(err.status).toBe(409);
    expect(err.body()).toEqual({ code: 'new_password_required', message: expect.stringMatching(/新密码/), session: SESSION, username: 'wang.li' });

    const r = await createCognitoChallenges(options()).newPassword(err.username, err.session, 'New-Passw0rd!');
    expect(r.token).toBe(token);
    expect(r.principal.role).toBe('agency');
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: SESSION,
      ChallengeResponses: { USERNAME: 'wang.li', NEW_PASSWORD: 'New-Passw0rd!' },
    });
  });

  test('new password, then MFA_SETUP: the authenticator secret, VerifySoftwareToken, then the token', async () => {
    cognito
      .on(RespondToAuthChallengeCommand, { ChallengeName: 'NEW_PASSWORD_REQUIRED' })
      .resolves({ ChallengeName: 'MFA_SETUP', Session: SESSION, ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]' } });
    cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: 'JBSWY3DPEHPK3PXP', Session: SESSION2 });
    cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'SUCCESS', Session: 'AYABeE' + 'z'.repeat(200) });
    const token = idToken('wang.li', 'leader');
    cognito.on(RespondToAuthChallengeCommand, { ChallengeName: 'MFA_SETUP' }).resolves({ AuthenticationResult: { IdToken: token, ExpiresIn: 3600 } });
    const ch = createCognitoChallenges(options());
    const setup = (await caught(ch.newPassword('wang.li', SESSION, 'New-Passw0rd!'))) as AuthChallengeError;
    expect(setup.body()).toEqual({
      code: 'mfa_setup_required',
      message: expect.stringMatching(/身份验证器/),
      session: SESSION2,
      username: 'wang.li',
      secretCode: 'JBSWY3DPEHPK3PXP',
      otpauthUri: `otpauth://totp/${encodeURIComponent('tousu 船山区:wang.li')}?secret=JBSWY3DPEHPK3PXP&issuer=${encodeURIComponent('tousu 船山区')}`,
    });
    expect(cognito.commandCalls(AssociateSoftwareTokenCommand)[0]!.args[0].input).toEqual({ Session: SESSION });

    const r = await ch.mfaSetup('wang.li', setup.session, '123456');
    expect(r.token).toBe(token);
    expect(cognito.commandCalls(VerifySoftwareTokenCommand)[0]!.args[0].input).toMatchObject({ Session: SESSION2, UserCode: '123456' });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand, { ChallengeName: 'MFA_SETUP' })[0]!.args[0].input).toMatchObject({
      Session: 'AYABeE' + 'z'.repeat(200),
      ChallengeResponses: { USERNAME: 'wang.li' },
    });
  });

  test('SOFTWARE_TOKEN_MFA → mfa_code_required → the code → token; a wrong code is 400, an expired session 401', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: SESSION, ChallengeParameters: {} });
    const err = (await caught(createCognitoLogin(options())('wang.li', PASSWORD))) as AuthChallengeError;
    expect(err.body()).toEqual({ code: 'mfa_code_required', message: expect.stringMatching(/验证码/), session: SESSION, username: 'wang.li' });

    const ch = createCognitoChallenges(options());
    cognito.on(RespondToAuthChallengeCommand).rejectsOnce(awsError('CodeMismatchException')).rejectsOnce(awsError('NotAuthorizedException', 'Invalid session for the user, session is expired.'));
    const wrong = (await caught(ch.mfaCode('wang.li', SESSION, '000000'))) as SignInError;
    expect({ status: wrong.status, code: wrong.code }).toEqual({ status: 400, code: 'code_mismatch' });
    const expired = (await caught(ch.mfaCode('wang.li', SESSION, '000000'))) as SignInError;
    expect({ status: expired.status, code: expired.code }).toEqual({ status: 401, code: 'session_expired' });

    const token = idToken('wang.li', 'agency');
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: token, ExpiresIn: 3600 } });
    expect((await ch.mfaCode('wang.li', SESSION, '123456')).token).toBe(token);
    expect(cognito.commandCalls(RespondToAuthChallengeCommand).at(-1)!.args[0].input.ChallengeResponses).toEqual({ USERNAME: 'wang.li', SOFTWARE_TOKEN_MFA_CODE: '123456' });
  });

  test('a new password the pool refuses → 400 on newPassword; throttled challenge answers → 429', async () => {
    const ch = createCognitoChallenges(options());
    cognito.on(RespondToAuthChallengeCommand).rejectsOnce(awsError('InvalidPasswordException', 'Password does not conform to policy')).rejectsOnce(awsError('TooManyRequestsException'));
    const weak = (await caught(ch.newPassword('wang.li', SESSION, 'short'))) as ValidationError;
    expect(weak).toBeInstanceOf(ValidationError);
    expect(weak.problems).toEqual([expect.objectContaining({ field: 'newPassword', code: 'weak_password' })]);
    const busy = (await caught(ch.newPassword('wang.li', SESSION, 'New-Passw0rd!'))) as SignInError;
    expect({ status: busy.status, code: busy.code }).toEqual({ status: 429, code: 'too_many_requests' });
  });

  test('a challenge this system does not answer (SMS, custom) is a clear refusal, not a crash', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'CUSTOM_CHALLENGE', Session: SESSION, ChallengeParameters: {} });
    const err = (await caught(createCognitoLogin(options())('wang.li', PASSWORD))) as SignInError;
    expect({ status: err.status, code: err.code }).toEqual({ status: 422, code: 'unsupported_challenge' });
  });
});

describe('routes through the Hono app', () => {
  function app(): Hono {
    const a = new Hono();
    a.onError((err, c) => errorResponse(c, err));
    const deps = { verifier, login: createCognitoLogin(options()), jurisdiction: { code: '510903' } as JurisdictionConfig } as unknown as StaffRouteDeps;
    mountStaffRoutes(a, deps);
    mountSignInChallengeRoutes(a, { challenges: createCognitoChallenges(options()) });
    return a;
  }
  const post = (a: Hono, path: string, body: unknown) => a.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  test('login → 200 with the token, which the staff API then accepts', async () => {
    const token = idToken('wang.li', 'department', 'D-ZJJ');
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: { IdToken: token, ExpiresIn: 3600 } });
    const a = app();
    const res = await post(a, '/api/auth/login', { username: 'wang.li', password: PASSWORD });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ token, expiresAt: new Date(EXP * 1000).toISOString(), username: 'wang.li', role: 'department', department: 'D-ZJJ' });
    const me = await a.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ username: 'wang.li', role: 'department' });
  });

  test('wrong password and unknown user: the same 401 body', async () => {
    const a = app();
    cognito.on(InitiateAuthCommand).rejectsOnce(awsError('NotAuthorizedException')).rejectsOnce(awsError('UserNotFoundException'));
    const r1 = await post(a, '/api/auth/login', { username: 'wang.li', password: 'nope' });
    const r2 = await post(a, '/api/auth/login', { username: 'ghost', password: 'nope' });
    expect([r1.status, r2.status]).toEqual([401, 401]);
    const [b1, b2] = [await r1.json(), await r2.json()];
    expect(b1).toEqual({ code: 'unauthorized', message: WRONG_CREDENTIALS });
    expect(b2).toEqual(b1);
  });

  test('new_password_required: 409 with the session, then POST /api/auth/new-password → 200 with the token', async () => {
    const a = app();
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: SESSION, ChallengeParameters: { USER_ID_FOR_SRP: 'wang.li' } });
    const token = idToken('wang.li', 'agency');
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: token, ExpiresIn: 3600 } });
    const res = await post(a, '/api/auth/login', { username: 'wang.li', password: PASSWORD });
    expect(res.status).toBe(409);
    const challenge = (await res.json()) as { code: string; session: string; username: string };
    expect(challenge).toMatchObject({ code: 'new_password_required', session: SESSION, username: 'wang.li' });

    const bad = await post(a, '/api/auth/new-password', { username: 'wang.li', session: challenge.session });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'newPassword', message: '请输入新密码' }] });

    const done = await post(a, '/api/auth/new-password', { username: challenge.username, session: challenge.session, newPassword: 'New-Passw0rd!' });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({ token, expiresAt: new Date(EXP * 1000).toISOString(), username: 'wang.li', role: 'agency' });
  });

  test('mfa and mfa-setup routes: a code must be six digits; throttling is 429 with a Chinese message', async () => {
    const a = app();
    const bad = await post(a, '/api/auth/mfa', { username: 'wang.li', session: SESSION, code: '12ab' });
    expect(bad.status).toBe(400);
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)).toHaveLength(0);
    cognito.on(VerifySoftwareTokenCommand).rejects(awsError('TooManyRequestsException'));
    const busy = await post(a, '/api/auth/mfa-setup', { username: 'wang.li', session: SESSION, code: '123456' });
    expect(busy.status).toBe(429);
    expect(await busy.json()).toEqual({ code: 'too_many_requests', message: expect.stringMatching(/频繁/) });
  });
});
