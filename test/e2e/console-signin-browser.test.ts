/**
 * The console's sign-in against Cognito's steps, in Debian's Chromium: the real console files and the real
 * routes (POST /api/auth/login, /new-password, /mfa-setup, /mfa) with createCognitoLogin/createCognitoChallenges
 * on an aws-sdk-client-mock'd CognitoIdentityProviderClient and a verifier stub, over real HTTP. A user created
 * by an administrator signs in with the temporary password, sets a new one (设置新密码), enrols an authenticator
 * (绑定身份验证器) and lands in the console with the ID token; the step session never reaches browser storage.
 */
import type { StaffTokenVerifier } from '../../shared/ports/staff-auth';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
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
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { errorResponse } from '../../functions/api/app';
import { mountSignInChallengeRoutes } from '../../functions/api/routes/auth-cognito';
import { registerConsoleRoutes } from '../../functions/api/routes/console';
import { mountStaffRoutes } from '../../functions/api/routes/staff';
import type { StaffRouteDeps } from '../../functions/api/routes/staff';
import { createCognitoChallenges, createCognitoLogin } from '../../shared/auth/cognito-login';
import { principalFromClaims } from '../../shared/auth/principal';
import type { JurisdictionConfig } from '../../shared/domain/jurisdiction';

const CHROMIUM = '/usr/bin/chromium';
const SESSION = 'AYABeNEWPW' + 'a'.repeat(300);
const SESSION_SETUP = 'AYABeSETUP' + 'b'.repeat(300);
const SESSION_VERIFIED = 'AYABeVERIF' + 'c'.repeat(300);
const SESSION_MFA = 'AYABeMFA00' + 'd'.repeat(300);
const ID_TOKEN = new UnsecuredJWT({ role: 'agency' }).setSubject('zhang.san').setExpirationTime('1h').encode();

const verifier: StaffTokenVerifier = {
  async verifyStaffToken(token) {
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    return principalFromClaims({ sub: claims.sub, role: claims.role });
  },
};

describe('console sign-in with Cognito steps (Chromium)', () => {
  const cognito = mockClient(CognitoIdentityProviderClient);
  let browser: Browser;
  let base: string;
  let close: () => Promise<void>;
  const bearers: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
    const quiet = { info: () => undefined, warn: () => undefined };
    const opts = { client: new CognitoIdentityProviderClient({ region: 'ap-east-1' }), clientId: 'console', verifier, totpIssuer: 'tousu 船山区', logger: quiet };
    const app = new Hono();
    app.onError((err, c) => errorResponse(c, err));
    mountStaffRoutes(app, { verifier, login: createCognitoLogin(opts), jurisdiction: { code: '510903' } as JurisdictionConfig } as unknown as StaffRouteDeps);
    mountSignInChallengeRoutes(app, { challenges: createCognitoChallenges(opts) });
    // The console's first call after sign-in: record the bearer token (the rest of the console API is not under test).
    app.get('/api/console/meta', (c) => {
      bearers.push(c.req.header('authorization') ?? '');
      return c.json({ code: 'internal', message: '测试：未提供工作台数据。' }, 503);
    });
    registerConsoleRoutes(app);
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((r) => server.close(() => r()));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await close?.();
    cognito.restore();
  });

  beforeEach(() => {
    cognito.reset();
    bearers.length = 0;
  });

  const signIn = async (p: Page, password: string) => {
    await p.goto(`${base}/console/login?next=/console/search`);
    await p.getByLabel('用户名').fill('zhang.san@example.cn');
    await p.getByLabel('密码').fill(password);
    await p.getByRole('button', { name: '登录' }).click();
  };
  const storage = (p: Page) => p.evaluate(() => JSON.stringify({ s: { ...sessionStorage }, l: { ...localStorage } }));

  it('temporary password → 设置新密码 → 绑定身份验证器 → the console with the ID token', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: SESSION, ChallengeParameters: { USER_ID_FOR_SRP: 'zhang.san' } });
    cognito.on(RespondToAuthChallengeCommand, { ChallengeName: 'NEW_PASSWORD_REQUIRED' }).resolves({ ChallengeName: 'MFA_SETUP', Session: SESSION_SETUP, ChallengeParameters: {} });
    cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', Session: SESSION_SETUP + 'x' });
    cognito
      .on(VerifySoftwareTokenCommand)
      .rejectsOnce(Object.assign(new Error('Code mismatch'), { name: 'EnableSoftwareTokenMFAException' }))
      .resolves({ Status: 'SUCCESS', Session: SESSION_VERIFIED });
    cognito.on(RespondToAuthChallengeCommand, { ChallengeName: 'MFA_SETUP' }).resolves({ AuthenticationResult: { IdToken: ID_TOKEN, ExpiresIn: 3600 } });

    const context = await browser.newContext({ locale: 'zh-CN' });
    const p = await context.newPage();
    await signIn(p, 'Temp-Passw0rd!');

    await p.getByRole('heading', { name: '设置新密码' }).waitFor();
    await p.getByLabel('新密码', { exact: true }).fill('New-Passw0rd!2026');
    await p.getByLabel('再次输入新密码').fill('Different-Passw0rd!');
    await p.getByRole('button', { name: '确定' }).click();
    await p.getByRole('alert').filter({ hasText: '两次输入的新密码不一致' }).waitFor();
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)).toHaveLength(0);
    await p.getByLabel('再次输入新密码').fill('New-Passw0rd!2026');
    await p.getByRole('button', { name: '确定' }).click();

    await p.getByRole('heading', { name: '绑定身份验证器' }).waitFor();
    expect(await p.locator('.totp-secret').textContent()).toBe('JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP');
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]!.args[0].input).toMatchObject({
      Session: SESSION,
      ChallengeResponses: { USERNAME: 'zhang.san', NEW_PASSWORD: 'New-Passw0rd!2026' },
    });
    await p.getByLabel('动态验证码').fill('111111');
    await p.getByRole('button', { name: '确定' }).click();
    await p.getByRole('alert').filter({ hasText: '动态验证码不正确' }).waitFor();
    await p.getByLabel('动态验证码').fill('222222');
    await p.getByRole('button', { name: '确定' }).click();

    // Signed in: the console goes to the page asked for and calls the API with the ID token.
    await p.waitForURL(`${base}/console/search`);
    await p.getByRole('alert').filter({ hasText: '测试：未提供工作台数据' }).waitFor();
    expect(bearers).toEqual([`Bearer ${ID_TOKEN}`]);
    const stored = await storage(p);
    expect(stored).toContain(ID_TOKEN);
    for (const s of [SESSION, SESSION_SETUP, SESSION_VERIFIED, 'JBSWY3DPEHPK3PXP', 'New-Passw0rd']) expect(stored).not.toContain(s);
    await context.close();
  }, 60_000);

  it('a TOTP code at each sign-in; an expired step goes back to the password with the reason', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: SESSION_MFA, ChallengeParameters: { USER_ID_FOR_SRP: 'zhang.san' } });
    cognito
      .on(RespondToAuthChallengeCommand)
      .rejectsOnce(Object.assign(new Error('Invalid session for the user, session is expired.'), { name: 'NotAuthorizedException' }))
      .resolves({ AuthenticationResult: { IdToken: ID_TOKEN, ExpiresIn: 3600 } });
    const context = await browser.newContext({ locale: 'zh-CN' });
    const p = await context.newPage();
    await signIn(p, 'New-Passw0rd!2026');
    await p.getByRole('heading', { name: '输入动态验证码' }).waitFor();
    await p.getByLabel('动态验证码').fill('333333');
    await p.getByRole('button', { name: '确定' }).click();
    await p.getByRole('heading', { name: '工作人员登录' }).waitFor();
    await p.getByRole('alert').filter({ hasText: '登录验证已超时' }).waitFor();

    await p.getByLabel('用户名').fill('zhang.san');
    await p.getByLabel('密码').fill('New-Passw0rd!2026');
    await p.getByRole('button', { name: '登录' }).click();
    await p.getByLabel('动态验证码').fill('444444');
    await p.getByRole('button', { name: '确定' }).click();
    await p.waitForURL(`${base}/console/search`);
    expect(cognito.commandCalls(RespondToAuthChallengeCommand).at(-1)!.args[0].input).toMatchObject({
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: SESSION_MFA,
      ChallengeResponses: { USERNAME: 'zhang.san', SOFTWARE_TOKEN_MFA_CODE: '444444' },
    });
    expect(await storage(p)).toContain(ID_TOKEN);
    await context.close();
  }, 60_000);

  it('a wrong password shows the same sentence as an unknown user', async () => {
    cognito.on(InitiateAuthCommand).rejects(Object.assign(new Error('Incorrect username or password.'), { name: 'NotAuthorizedException' }));
    const context = await browser.newContext({ locale: 'zh-CN' });
    const p = await context.newPage();
    await signIn(p, 'wrong');
    await p.getByRole('alert').filter({ hasText: '用户名或密码不正确' }).waitFor();
    expect(await storage(p)).toBe(JSON.stringify({ s: {}, l: {} }));
    await context.close();
  }, 60_000);
});
