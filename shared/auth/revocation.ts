/**
 * Staff token revocation on AWS. A Cognito ID token is verified locally (aws-jwt-verify, and API Gateway's JWT
 * authorizer): Cognito's own revocation (RevokeToken, AdminUserGlobalSignOut, AdminDisableUser) invalidates
 * refresh tokens and stops tokens at Cognito's APIs, but a revoked ID token still verifies until it expires
 * (AWS: "revoked tokens will still be valid if they are verified using any JWT library"). So logout writes a
 * "not before" instant per user into the table, and the verifier (cognito-verifier.ts) refuses a token whose
 * sign-in (`auth_time`) came before it (DynamoStaffRevocations, shared/adapters/aws/staff-revocations.ts).
 * The embedded runtime needs none of this: its verifier reads the account.
 */
export interface StaffRevocations {
  /** Milliseconds since the epoch before which the user's sign-ins no longer count (undefined: none). */
  notBefore(username: string): Promise<number | undefined>;
  /** Ends every session of the user signed in before `atMs`. */
  revoke(username: string, atMs: number): Promise<void>;
}
