/**
 * Verifier of Cognito ID tokens on AWS (aws-jwt-verify). The role is the user's Cognito group (`agency`,
 * `department`, `leader`, `admin`; exactly one of them), the department the `custom:department` attribute.
 *
 * A valid signature is not the end: a disabled account, a role or department changed in the pool, or a logout
 * must stop the token at once, and a Cognito ID token stays cryptographically valid until it expires whatever
 * happens to the account (shared/auth/revocation.ts). So, when configured, every verification also
 * - reads the account from the pool (AdminGetUser and AdminListGroupsForUser, in parallel): enabled, the same
 *   single role group, the same department attribute as the token says;
 * - reads the user's revocation record (logout): a token from a sign-in before it is refused.
 * Both cost a call per staff request; Cognito's admin read quotas (per account and region) bound the staff
 * request rate, which is small for one jurisdiction's staff.
 */
import type { StaffPrincipal, StaffRevocations, StaffTokenVerifier } from '../ports/staff-auth';
import { AdminGetUserCommand, AdminListGroupsForUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { UnauthorizedError } from '../domain/errors';
import { STAFF_ROLES, principalFromClaims } from './principal';
import type { StaffRole } from './principal';

export interface CognitoVerifierOptions {
  userPoolId: string;
  clientId: string;
  /** The deployment's jurisdiction (one user pool per stack). */
  jurisdiction?: string;
  /** Checks each token against the account in the pool (enabled, role group, department). */
  cognito?: CognitoIdentityProviderClient;
  /** Checks each token against the user's logout record. */
  revocations?: StaffRevocations;
}

/** Cognito claims → the shared staff claims (pure: unit-testable without a pool). */
export function claimsFromCognito(payload: Record<string, unknown>, jurisdiction?: string): Record<string, unknown> {
  const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]) : [];
  const roles = groups.filter((g): g is StaffRole => typeof g === 'string' && (STAFF_ROLES as readonly string[]).includes(g));
  if (roles.length !== 1) throw new UnauthorizedError('账户未分配唯一的角色，请联系管理员。');
  const username = payload['cognito:username'] ?? payload.sub;
  const department = payload['custom:department'];
  const name = payload.name;
  return {
    sub: username,
    role: roles[0],
    ...(typeof department === 'string' && department ? { department } : {}),
    ...(typeof name === 'string' && name.trim() ? { name: name.trim().slice(0, 64) } : {}),
    ...(jurisdiction ? { jurisdiction } : {}),
  };
}

const REVOKED = () => new UnauthorizedError('登录已失效（已退出登录，或账户已被停用或变更），请重新登录。');

export class CognitoTokenVerifier implements StaffTokenVerifier {
  /** aws-jwt-verify's verifier (tests give it keys with `cacheJwks`, so no JWKS is fetched). */
  readonly jwt;

  constructor(private readonly opts: CognitoVerifierOptions) {
    this.jwt = CognitoJwtVerifier.create({ userPoolId: opts.userPoolId, clientId: opts.clientId, tokenUse: 'id' });
  }

  async verifyStaffToken(token: string): Promise<StaffPrincipal> {
    let payload: Record<string, unknown>;
    try {
      payload = (await this.jwt.verify(token)) as Record<string, unknown>;
    } catch {
      throw new UnauthorizedError('登录凭证无效或已过期，请重新登录。');
    }
    const principal = principalFromClaims(claimsFromCognito(payload, this.opts.jurisdiction));
    const signedInAt = Number(payload.auth_time ?? payload.iat ?? 0) * 1000;
    const [notBefore] = await Promise.all([this.opts.revocations?.notBefore(principal.username), this.checkAccount(principal)]);
    if (notBefore !== undefined && signedInAt < notBefore) throw REVOKED();
    return principal;
  }

  private async checkAccount(p: StaffPrincipal): Promise<void> {
    const client = this.opts.cognito;
    if (!client) return;
    let user, groups;
    try {
      [user, groups] = await Promise.all([
        client.send(new AdminGetUserCommand({ UserPoolId: this.opts.userPoolId, Username: p.username })),
        client.send(new AdminListGroupsForUserCommand({ UserPoolId: this.opts.userPoolId, Username: p.username, Limit: 60 })),
      ]);
    } catch (err) {
      if (err instanceof Error && err.name === 'UserNotFoundException') throw REVOKED();
      throw err;
    }
    const roles = (groups.Groups ?? []).map((g) => g.GroupName).filter((g): g is StaffRole => typeof g === 'string' && (STAFF_ROLES as readonly string[]).includes(g));
    const department = user.UserAttributes?.find((a) => a.Name === 'custom:department')?.Value || undefined;
    if (user.Enabled === false || roles.length !== 1 || roles[0] !== p.role || department !== p.department) throw REVOKED();
  }
}
