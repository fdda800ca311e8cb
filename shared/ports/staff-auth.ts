/**
 * Ports of staff authentication. ONE verification interface for both hosts: on AWS the token is a Cognito JWT
 * (shared/auth/cognito-verifier.ts, with the DynamoDB revocations of shared/adapters/aws/staff-revocations.ts); in
 * the embedded runtime it is an HS256 JWT from the local issuer (infra/local/auth.ts, checked against the account
 * through `AccountLookup`). Route handlers only ever see a `StaffTokenVerifier` and the `StaffPrincipal` it returns.
 */
import type { Actor } from '../domain/case';
import type { StaffRoleName } from '../domain/staff-roles';

export interface StaffPrincipal {
  username: string;
  role: StaffRoleName;
  /** Department code, for the department role. */
  department?: string;
  /** The jurisdiction the account belongs to, when the token says so. */
  jurisdiction?: string;
  /** The person's own name, when the account has one (art. 21: compared with the respondent person of a case). */
  name?: string;
  /** The actor recorded in timelines and audit entries. */
  actor: Actor;
}

export interface StaffTokenVerifier {
  /** Resolves the principal of a valid, unexpired token; rejects with UnauthorizedError otherwise. */
  verifyStaffToken(token: string): Promise<StaffPrincipal>;
}

/**
 * Staff token revocation on AWS. A Cognito ID token is verified locally (aws-jwt-verify, and API Gateway's JWT
 * authorizer): Cognito's own revocation (RevokeToken, AdminUserGlobalSignOut, AdminDisableUser) invalidates
 * refresh tokens and stops tokens at Cognito's APIs, but a revoked ID token still verifies until it expires
 * (AWS: "revoked tokens will still be valid if they are verified using any JWT library"). So logout writes a
 * "not before" instant per user into the table, and the verifier (shared/auth/cognito-verifier.ts) refuses a token
 * whose sign-in (`auth_time`) came before it (DynamoStaffRevocations, shared/adapters/aws/staff-revocations.ts).
 * The embedded runtime needs none of this: its verifier reads the account.
 */
export interface StaffRevocations {
  /** Milliseconds since the epoch before which the user's sign-ins no longer count (undefined: none). */
  notBefore(username: string): Promise<number | undefined>;
  /** Ends every session of the user signed in before `atMs`. */
  revoke(username: string, atMs: number): Promise<void>;
}

/** What a successful sign-in yields (the shape of StaffRouteDeps.login in functions/api/routes/staff.ts). */
export interface SignInResult {
  token: string;
  expiresAt: string;
  principal: StaffPrincipal;
}

/**
 * The sign-in steps after the password (Cognito on AWS, shared/auth/cognito-login.ts; the embedded runtime has
 * none). Each resolves to a token or throws the next AuthChallengeError (shared/auth/challenge.ts).
 */
export interface SignInChallenges {
  /** NEW_PASSWORD_REQUIRED → the user's new password. */
  newPassword(username: string, session: string, newPassword: string): Promise<SignInResult>;
  /** SOFTWARE_TOKEN_MFA → the current TOTP code. */
  mfaCode(username: string, session: string, code: string): Promise<SignInResult>;
  /** MFA_SETUP → the first TOTP code of the newly added authenticator (verifies and enables it). */
  mfaSetup(username: string, session: string, code: string): Promise<SignInResult>;
}

/** A verifier that also issues tokens: the embedded runtime's local issuer (infra/local/auth.ts). */
export interface TokenIssuer extends StaffTokenVerifier {
  issue(principal: Pick<StaffPrincipal, 'username' | 'role' | 'department' | 'jurisdiction' | 'name'> & { tokenVersion?: number }): Promise<{ token: string; expiresAt: string }>;
}

/** The account fields a local token must still match (infra/local/users.ts UserStore.accountState). */
export interface AccountLookup {
  accountState(username: string): Promise<{ role: string; department?: string; tokenVersion: number; disabled: boolean } | undefined>;
}
