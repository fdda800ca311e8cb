/**
 * Verifier of Cognito ID tokens on AWS (aws-jwt-verify). The role is the user's Cognito group (`agency`,
 * `department`, `leader`, `admin`; exactly one of them), the department the `custom:department` attribute.
 */
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { UnauthorizedError } from '../domain/errors';
import { STAFF_ROLES, principalFromClaims } from './principal';
import type { StaffPrincipal, StaffRole, StaffTokenVerifier } from './principal';

export interface CognitoVerifierOptions {
  userPoolId: string;
  clientId: string;
  /** The deployment's jurisdiction (one user pool per stack). */
  jurisdiction?: string;
}

/** Cognito claims → the shared staff claims (pure: unit-testable without a pool). */
export function claimsFromCognito(payload: Record<string, unknown>, jurisdiction?: string): Record<string, unknown> {
  const groups = Array.isArray(payload['cognito:groups']) ? (payload['cognito:groups'] as unknown[]) : [];
  const roles = groups.filter((g): g is StaffRole => typeof g === 'string' && (STAFF_ROLES as readonly string[]).includes(g));
  if (roles.length !== 1) throw new UnauthorizedError('账户未分配唯一的角色，请联系管理员。');
  const username = payload['cognito:username'] ?? payload.sub;
  const department = payload['custom:department'];
  return {
    sub: username,
    role: roles[0],
    ...(typeof department === 'string' && department ? { department } : {}),
    ...(jurisdiction ? { jurisdiction } : {}),
  };
}

export class CognitoTokenVerifier implements StaffTokenVerifier {
  private readonly verifier;

  constructor(private readonly opts: CognitoVerifierOptions) {
    this.verifier = CognitoJwtVerifier.create({ userPoolId: opts.userPoolId, clientId: opts.clientId, tokenUse: 'id' });
  }

  async verifyStaffToken(token: string): Promise<StaffPrincipal> {
    let payload: Record<string, unknown>;
    try {
      payload = (await this.verifier.verify(token)) as unknown as Record<string, unknown>;
    } catch {
      throw new UnauthorizedError('登录凭证无效或已过期，请重新登录。');
    }
    return principalFromClaims(claimsFromCognito(payload, this.opts.jurisdiction));
  }
}
