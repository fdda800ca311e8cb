/**
 * Staff account administration (issue 21, item 3): what the console's 用户管理 page does, on either platform. The
 * embedded runtime's accounts (infra/local/users.ts) and the Cognito user pool on AWS (shared/auth/cognito-admin.ts)
 * implement it. Every change ends the account's sessions, so a new role or a disabled account counts at once.
 */
import type { Role } from '../domain/case';

/** A staff role (the system and complainants never have an account). */
export type StaffRole = Exclude<Role, 'system' | 'complainant'>;

export interface StaffAccountView {
  username: string;
  role: StaffRole;
  department?: string;
  name?: string;
  disabled: boolean;
  createdAt?: string;
  lastLoginAt?: string;
  /** Cognito: the user must set a new password at the next sign-in (a reset password is temporary there). */
  mustChangePassword?: boolean;
}

export interface NewStaffAccount {
  username: string;
  role: StaffRole;
  department?: string;
  name?: string;
  /** The first password (locally: the password; on Cognito: a temporary one, changed at the first sign-in). */
  password: string;
}

export interface StaffAdmin {
  list(): Promise<StaffAccountView[]>;
  /** Throws a TousuError (409 `user_exists`, 400 with field problems) on a taken name or bad input. */
  create(input: NewStaffAccount): Promise<StaffAccountView>;
  setDisabled(username: string, disabled: boolean): Promise<StaffAccountView>;
  /** A new password set by the administrator; the account's sessions end. */
  resetPassword(username: string, password: string): Promise<StaffAccountView>;
  setRole(username: string, role: StaffRole, department: string | undefined): Promise<StaffAccountView>;
}
