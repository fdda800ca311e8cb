/**
 * The staff directory on AWS: the Cognito user pool (AdminGetUser, AdminListGroupsForUser; the API function
 * already holds both permissions for its token checks). A disabled or unknown account is no account.
 */
import { AdminGetUserCommand, AdminListGroupsForUserCommand, UserNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { StaffAccount, StaffDirectory } from '../ports';
import { STAFF_ROLES } from './principal';

export function cognitoStaffDirectory(client: CognitoIdentityProviderClient, userPoolId: string): StaffDirectory {
  return {
    async lookup(username: string): Promise<StaffAccount | undefined> {
      try {
        const [user, groups] = await Promise.all([
          client.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username })),
          client.send(new AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, Limit: 60 })),
        ]);
        if (user.Enabled === false) return undefined;
        const attr = (n: string) => user.UserAttributes?.find((a) => a.Name === n)?.Value;
        const roles = (groups.Groups ?? []).map((g) => g.GroupName).filter((g): g is string => typeof g === 'string' && (STAFF_ROLES as readonly string[]).includes(g));
        if (roles.length !== 1) return undefined;
        const department = attr('custom:department');
        const name = attr('name')?.trim();
        return { role: roles[0]!, ...(department ? { department } : {}), ...(name ? { name } : {}) };
      } catch (err) {
        if (err instanceof UserNotFoundException) return undefined;
        throw err;
      }
    },
  };
}
