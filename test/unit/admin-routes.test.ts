/**
 * Administration in the console (issue 21 item 3) on AWS: the Cognito account administration (aws-sdk-client-mock),
 * and the API Lambda mounting the same /api/admin routes as the embedded runtime (test/e2e/console-admin.test.ts
 * checks the runtime's side against this list).
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
  ListUsersInGroupCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { cognitoStaffAdmin } from '../../shared/auth/cognito-admin';
import { ADMIN_ROUTES } from './admin-routes-list';

const cognito = mockClient(CognitoIdentityProviderClient);
const POOL = 'us-east-1_Example1';

beforeEach(() => cognito.reset());

describe('cognitoStaffAdmin', () => {
  const admin = cognitoStaffAdmin(new CognitoIdentityProviderClient({ region: 'us-east-1' }), POOL);
  const user = (enabled = true) => ({
    Username: 'liaison-x',
    Enabled: enabled,
    UserStatus: 'FORCE_CHANGE_PASSWORD' as const,
    UserCreateDate: new Date('2026-03-02T01:00:00Z'),
    UserAttributes: [
      { Name: 'custom:department', Value: 'YBJ' },
      { Name: 'name', Value: '钱联络' },
    ],
  });

  test('create: a temporary password, no invitation mail, the role group and the department group', async () => {
    cognito.on(AdminCreateUserCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves(user());
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'department' }, { GroupName: 'dept-YBJ' }] });
    const u = await admin.create({ username: 'liaison-x', role: 'department', department: 'YBJ', name: '钱联络', password: 'Temp-Password-123!' });
    expect(u).toEqual({ username: 'liaison-x', role: 'department', department: 'YBJ', name: '钱联络', disabled: false, createdAt: '2026-03-02T01:00:00.000Z', mustChangePassword: true });
    const created = cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input;
    expect(created).toMatchObject({ UserPoolId: POOL, Username: 'liaison-x', TemporaryPassword: 'Temp-Password-123!', MessageAction: 'SUPPRESS' });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual(['department', 'dept-YBJ']);
  });

  test('a taken name is a 409 user_exists in Chinese', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    await expect(admin.create({ username: 'liaison-x', role: 'agency', password: 'Temp-Password-123!' })).rejects.toMatchObject({
      status: 409,
      code: 'user_exists',
      message: '用户名 liaison-x 已存在。',
    });
  });

  test('disable signs the account out everywhere; reset sets a temporary password and signs out', async () => {
    cognito.on(AdminDisableUserCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    cognito.on(AdminSetUserPasswordCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves(user(false));
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'department' }] });
    expect((await admin.setDisabled('liaison-x', true)).disabled).toBe(true);
    await admin.resetPassword('liaison-x', 'New-Password-123!');
    expect(cognito.commandCalls(AdminSetUserPasswordCommand)[0]!.args[0].input).toMatchObject({ Password: 'New-Password-123!', Permanent: false });
    expect(cognito.commandCalls(AdminUserGlobalSignOutCommand)).toHaveLength(2);
  });

  test('a role change leaves the old role and department groups and removes the department attribute', async () => {
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'department' }, { GroupName: 'dept-YBJ' }] });
    cognito.on(AdminRemoveUserFromGroupCommand).resolves({});
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    cognito.on(AdminDeleteUserAttributesCommand).resolves({});
    cognito.on(AdminUserGlobalSignOutCommand).resolves({});
    cognito.on(AdminGetUserCommand).resolves(user());
    await admin.setRole('liaison-x', 'agency', undefined).catch(() => undefined); // the mocked groups still say department
    expect(
      cognito
        .commandCalls(AdminRemoveUserFromGroupCommand)
        .map((c) => c.args[0].input.GroupName)
        .sort(),
    ).toEqual(['department', 'dept-YBJ']);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual(['agency']);
    expect(cognito.commandCalls(AdminDeleteUserAttributesCommand)[0]!.args[0].input.UserAttributeNames).toEqual(['custom:department']);
  });

  test('list: every role group, then the pool; an account without a role group is left out', async () => {
    cognito.on(ListUsersInGroupCommand).resolves({ Users: [] });
    cognito.on(ListUsersInGroupCommand, { GroupName: 'agency' }).resolves({ Users: [{ Username: 'a1' }] });
    cognito.on(ListUsersInGroupCommand, { GroupName: 'admin' }).resolves({ Users: [{ Username: 'root' }] });
    cognito
      .on(ListUsersCommand)
      .resolvesOnce({
        Users: [
          { Username: 'root', Enabled: true },
          { Username: 'stray', Enabled: true },
        ],
        PaginationToken: 'p2',
      })
      .resolves({ Users: [{ Username: 'a1', Enabled: false }] });
    expect(await admin.list()).toEqual([
      { username: 'a1', role: 'agency', disabled: true },
      { username: 'root', role: 'admin', disabled: false },
    ]);
  });
});

describe('API Lambda: the /api/admin routes', () => {
  const saved = { ...process.env };
  const ENV = {
    TABLE_NAME: 'tousu-test',
    STATE_MACHINE_ARN: 'arn:aws:states:us-east-1:123456789012:stateMachine:case',
    EVIDENCE_BUCKET: 'evidence',
    JURISDICTION: '510921',
    MAIL_MODE: 'ses',
    COGNITO_USER_POOL_ID: POOL,
    COGNITO_CLIENT_ID: 'console-client',
    AWS_REGION: 'us-east-1',
  };

  test('are mounted from the Lambda’s own wiring, and answer 401 without a token', async () => {
    const { apiFromEnv, mountApiRoutes } = await import('../../functions/api/aws-staff');
    const { createApp } = await import('../../functions/api/app');
    const parts = apiFromEnv({ ...saved, ...ENV });
    const app = createApp({ deps: parts.deps, extraRoutes: (a) => mountApiRoutes(a, parts) });
    const mounted = app.routes.filter((r) => r.path.startsWith('/api/admin/') && !r.path.startsWith('/api/admin/calendar') && r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
    expect([...new Set(mounted)].sort()).toEqual([...ADMIN_ROUTES].sort());
    for (const route of ADMIN_ROUTES) {
      const [method, path] = route.split(' ') as [string, string];
      const res = await app.request(path.replace(':username', 'x').replace(':id', 'a'.repeat(32)).replace(':caseId', 'c1'), { method });
      expect([route, res.status, res.status === 401 ? '' : await res.text()]).toEqual([route, 401, '']);
    }
  });
});
