/**
 * Account administration on AWS (shared/ports/staff-admin.ts) over the Cognito user pool: the role is the one role
 * group (agency, department, leader, admin), the department the `custom:department` attribute plus its `dept-<code>`
 * group (infra/constructs/api.ts). A password set here is temporary (Cognito asks for a new one, and the TOTP set-up,
 * at the next sign-in: the console's sign-in steps). Every change signs the account out everywhere
 * (AdminUserGlobalSignOut); the token verifier also re-reads the account on each request.
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  InvalidPasswordException,
  ListUsersCommand,
  ListUsersInGroupCommand,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AttributeType, CognitoIdentityProviderClient, UserType } from '@aws-sdk/client-cognito-identity-provider';
import { NotFoundError, TousuError, ValidationError } from '../domain/errors';
import type { StaffAccountView, StaffAdmin } from '../ports/staff-admin';
import { STAFF_ROLES } from './principal';
import type { StaffRole } from './principal';

class AccountExistsError extends TousuError {
  override readonly name = 'AccountExistsError';
  readonly code = 'user_exists';
  readonly status = 409;
}

const attr = (list: AttributeType[] | undefined, name: string) => list?.find((a) => a.Name === name)?.Value || undefined;
const deptGroup = (code: string) => `dept-${code}`;

async function translate<T>(username: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UserNotFoundException) throw new NotFoundError(`没有用户名为 ${username} 的账户。`);
    if (err instanceof UsernameExistsException) throw new AccountExistsError(`用户名 ${username} 已存在。`);
    if (err instanceof InvalidPasswordException) throw new ValidationError([{ field: 'password', message: '密码不符合要求：至少 12 位，须同时包含大写字母、小写字母、数字和符号。' }]);
    throw err;
  }
}

export function cognitoStaffAdmin(client: CognitoIdentityProviderClient, userPoolId: string): StaffAdmin {
  const rolesOf = async (username: string): Promise<string[]> => {
    const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, Limit: 60 }));
    return (groups.Groups ?? []).map((g) => g.GroupName ?? '').filter(Boolean);
  };
  const viewOf = (u: Pick<UserType, 'Username' | 'Enabled' | 'UserCreateDate' | 'UserStatus'> & { Attributes?: AttributeType[] }, role: StaffRole): StaffAccountView => {
    const department = attr(u.Attributes, 'custom:department');
    const name = attr(u.Attributes, 'name');
    return {
      username: u.Username ?? '',
      role,
      ...(department ? { department } : {}),
      ...(name ? { name } : {}),
      disabled: u.Enabled === false,
      ...(u.UserCreateDate ? { createdAt: u.UserCreateDate.toISOString() } : {}),
      ...(u.UserStatus === 'FORCE_CHANGE_PASSWORD' || u.UserStatus === 'RESET_REQUIRED' ? { mustChangePassword: true } : {}),
    };
  };
  const get = async (username: string): Promise<StaffAccountView> =>
    translate(username, async () => {
      const [u, groups] = await Promise.all([client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })), rolesOf(username)]);
      const role = groups.find((g): g is StaffRole => (STAFF_ROLES as readonly string[]).includes(g));
      if (!role) throw new NotFoundError(`账户 ${username} 没有角色组，请在身份认证服务的控制台核对。`);
      return viewOf({ ...u, Attributes: u.UserAttributes }, role);
    });
  const signOut = (username: string) => client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username }));

  return {
    async list() {
      const role = new Map<string, StaffRole>();
      for (const r of STAFF_ROLES) {
        let token: string | undefined;
        do {
          const page = await client.send(new ListUsersInGroupCommand({ UserPoolId: userPoolId, GroupName: r, Limit: 60, ...(token ? { NextToken: token } : {}) }));
          for (const u of page.Users ?? []) if (u.Username) role.set(u.Username, r);
          token = page.NextToken;
        } while (token);
      }
      const out: StaffAccountView[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListUsersCommand({ UserPoolId: userPoolId, Limit: 60, ...(token ? { PaginationToken: token } : {}) }));
        for (const u of page.Users ?? []) {
          const r = u.Username ? role.get(u.Username) : undefined;
          // An account without a role group cannot sign in to the console; it is listed under the pool's console.
          if (r) out.push(viewOf(u, r));
        }
        token = page.PaginationToken;
      } while (token);
      return out.sort((a, b) => a.username.localeCompare(b.username));
    },

    async create(input) {
      await translate(input.username, async () => {
        const attributes: AttributeType[] = [...(input.department ? [{ Name: 'custom:department', Value: input.department }] : []), ...(input.name ? [{ Name: 'name', Value: input.name }] : [])];
        await client.send(new AdminCreateUserCommand({ UserPoolId: userPoolId, Username: input.username, TemporaryPassword: input.password, MessageAction: 'SUPPRESS', UserAttributes: attributes }));
        await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: input.username, GroupName: input.role }));
        if (input.department) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: input.username, GroupName: deptGroup(input.department) }));
      });
      return get(input.username);
    },

    async setDisabled(username, disabled) {
      await translate(username, async () => {
        await client.send(disabled ? new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: username }) : new AdminEnableUserCommand({ UserPoolId: userPoolId, Username: username }));
        if (disabled) await signOut(username);
      });
      return get(username);
    },

    async resetPassword(username, password) {
      await translate(username, async () => {
        await client.send(new AdminSetUserPasswordCommand({ UserPoolId: userPoolId, Username: username, Password: password, Permanent: false }));
        await signOut(username);
      });
      return get(username);
    },

    async setRole(username, role, department) {
      await translate(username, async () => {
        const groups = await rolesOf(username);
        for (const g of groups) {
          const stale = ((STAFF_ROLES as readonly string[]).includes(g) && g !== role) || (g.startsWith('dept-') && g !== (department ? deptGroup(department) : ''));
          if (stale) await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: g }));
        }
        if (!groups.includes(role)) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: role }));
        if (department) {
          await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributes: [{ Name: 'custom:department', Value: department }] }));
          if (!groups.includes(deptGroup(department))) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: deptGroup(department) }));
        } else {
          await client.send(new AdminDeleteUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributeNames: ['custom:department'] }));
        }
        await signOut(username);
      });
      return get(username);
    },
  };
}
