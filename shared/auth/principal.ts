/**
 * Staff authentication: the claims of a staff token and the principal they give, for both hosts (the verifier port
 * is shared/ports/staff-auth.ts). On AWS the token is a Cognito JWT
 * (aws-jwt-verify); in the embedded runtime it is an HS256 JWT from the local issuer (jose). Route handlers
 * only ever see a `StaffTokenVerifier` and the `StaffPrincipal` it returns.
 */
import * as z from 'zod';
import { Code } from '../domain/intake';
import { UnauthorizedError } from '../domain/errors';
import { STAFF_ROLES } from '../domain/staff-roles';
import type { StaffPrincipal, StaffTokenVerifier } from '../ports/staff-auth';

export { STAFF_ROLES };
export const StaffRole = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof StaffRole>;

/** The claims both issuers put into a staff token (Cognito: groups and custom attributes, mapped in cognito.ts). */
export const StaffClaims = z.object({
  sub: z.string().min(1).max(128),
  role: StaffRole,
  department: Code.optional(),
  jurisdiction: z.string().max(32).optional(),
  /** The person's own name (Cognito's `name` attribute, a local account's name): art. 21 conflict checks. */
  name: z.string().trim().min(1).max(64).optional(),
});
export type StaffClaims = z.infer<typeof StaffClaims>;

export function principalFromClaims(claims: unknown): StaffPrincipal {
  const parsed = StaffClaims.safeParse(claims);
  if (!parsed.success) throw new UnauthorizedError('登录凭证无效，请重新登录。');
  const { sub, role, department, jurisdiction, name } = parsed.data;
  if (role === 'department' && !department) throw new UnauthorizedError('登录凭证缺少所属部门，请联系管理员。');
  return {
    username: sub,
    role,
    ...(department ? { department } : {}),
    ...(jurisdiction ? { jurisdiction } : {}),
    ...(name ? { name } : {}),
    actor: { role, id: sub, ...(department ? { department } : {}), ...(name ? { name } : {}) },
  };
}

/** `Authorization: Bearer <token>` → the token; anything else is 401. */
export function bearerToken(authorization: string | undefined): string {
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]{10,4096})\s*$/i.exec(authorization ?? '');
  if (!m) throw new UnauthorizedError();
  return m[1]!;
}

/** Header → principal, for route handlers. */
export async function authenticate(verifier: StaffTokenVerifier, authorization: string | undefined): Promise<StaffPrincipal> {
  return verifier.verifyStaffToken(bearerToken(authorization));
}
