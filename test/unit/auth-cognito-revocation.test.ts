/**
 * Staff tokens on AWS stop at once when the account changes or the user logs out, although a Cognito ID token
 * verifies until it expires: the verifier reads the account in the pool (aws-sdk-client-mock'd Cognito) and the
 * user's revocation record (the real DynamoDB adapter on dynalite). ID tokens are real RS256 JWTs (jose) whose
 * key the real aws-jwt-verify verifier holds in its JWKS cache.
 */
import { AdminGetUserCommand, AdminListGroupsForUserCommand, AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { CryptoKey, JWK } from 'jose';
import { CognitoTokenVerifier } from '../../shared/auth/cognito-verifier';
import { createCognitoLogout } from '../../shared/auth/cognito-login';
import { DynamoStaffRevocations } from '../../shared/adapters/aws/staff-revocations';
import { documentClient, ensureTable, localDynamoClient, startDynalite } from '../../infra/local/dynalite';
import type { DynaliteHandle } from '../../infra/local/dynalite';

const POOL = 'ap-east-1_Example1';
const CLIENT = 'console-client';
const ISSUER = `https://cognito-idp.ap-east-1.amazonaws.com/${POOL}`;

const cognito = mockClient(CognitoIdentityProviderClient);
let dynalite: DynaliteHandle;
let dynamo: DynamoDBClient;
let revocations: DynamoStaffRevocations;
let key: CryptoKey;
let jwk: JWK;

beforeAll(async () => {
  dynalite = await startDynalite();
  dynamo = localDynamoClient(dynalite);
  await ensureTable(dynamo, 'revocations');
  revocations = new DynamoStaffRevocations(documentClient(dynamo), 'revocations');
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
});
afterAll(async () => {
  cognito.restore();
  dynamo.destroy();
  await dynalite.close();
});
afterEach(() => cognito.reset());

function verifier(): CognitoTokenVerifier {
  const v = new CognitoTokenVerifier({ userPoolId: POOL, clientId: CLIENT, jurisdiction: '510903', cognito: new CognitoIdentityProviderClient({}), revocations });
  v.jwt.cacheJwks({ keys: [jwk as never] });
  return v;
}

async function idToken(username: string, groups: string[], department?: string, authTime = Math.floor(Date.now() / 1000)): Promise<string> {
  return new SignJWT({ token_use: 'id', 'cognito:username': username, 'cognito:groups': groups, auth_time: authTime, ...(department ? { 'custom:department': department } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER)
    .setAudience(CLIENT)
    .setSubject(`sub-${username}`)
    .setIssuedAt(authTime)
    .setExpirationTime(authTime + 3600)
    .sign(key);
}

function account(opts: { enabled?: boolean; groups: string[]; department?: string }): void {
  cognito.on(AdminGetUserCommand).resolves({ Username: 'u', Enabled: opts.enabled ?? true, UserAttributes: opts.department ? [{ Name: 'custom:department', Value: opts.department }] : [] });
  cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: opts.groups.map((GroupName) => ({ GroupName })) });
}

test('a token whose account is unchanged passes; the pool is asked about that user', async () => {
  account({ groups: ['department', 'dept-SCJGJ'], department: 'SCJGJ' });
  const p = await verifier().verifyStaffToken(await idToken('liaison1', ['department', 'dept-SCJGJ'], 'SCJGJ'));
  expect(p).toMatchObject({ username: 'liaison1', role: 'department', department: 'SCJGJ' });
  expect(cognito.commandCalls(AdminGetUserCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, Username: 'liaison1' });
});

test.each([
  ['disabled in the pool', { enabled: false, groups: ['agency'] }],
  ['moved to another role group', { groups: ['leader'] }],
  ['given a department attribute', { groups: ['agency'], department: 'RSJ' }],
  ['in two role groups', { groups: ['agency', 'admin'] }],
])('a valid token of an account %s is refused at once', async (_what, state) => {
  account(state);
  await expect(verifier().verifyStaffToken(await idToken('agency1', ['agency']))).rejects.toMatchObject({ status: 401, message: expect.stringMatching(/重新登录/) });
});

test('a deleted account is refused', async () => {
  cognito.on(AdminGetUserCommand).rejects(Object.assign(new Error('User does not exist.'), { name: 'UserNotFoundException' }));
  cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
  await expect(verifier().verifyStaffToken(await idToken('gone', ['agency']))).rejects.toMatchObject({ status: 401 });
});

test('logout: the record stops tokens from earlier sign-ins, Cognito signs the user out globally; a later sign-in works', async () => {
  account({ groups: ['agency'] });
  cognito.on(AdminUserGlobalSignOutCommand).resolves({});
  const v = verifier();
  const before = await idToken('agency2', ['agency'], undefined, Math.floor(Date.now() / 1000) - 60);
  expect((await v.verifyStaffToken(before)).username).toBe('agency2');
  await createCognitoLogout({ client: new CognitoIdentityProviderClient({}), userPoolId: POOL, revocations, logger: { info: () => {}, warn: () => {} } })(await v.verifyStaffToken(before));
  expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)[0]!.args[0].input).toEqual({ UserPoolId: POOL, Username: 'agency2' });
  await expect(v.verifyStaffToken(before)).rejects.toMatchObject({ status: 401 });
  const after = await idToken('agency2', ['agency'], undefined, Math.floor(Date.now() / 1000) + 1);
  expect((await v.verifyStaffToken(after)).username).toBe('agency2');
  // Another user's tokens are untouched.
  expect((await v.verifyStaffToken(await idToken('agency3', ['agency']))).username).toBe('agency3');
});
