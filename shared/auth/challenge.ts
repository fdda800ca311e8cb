/**
 * Sign-in steps beyond username and password (Cognito on AWS; the embedded runtime has none): a first password
 * chosen by the user, a TOTP code, or the enrolment of an authenticator app. The login function throws an
 * `AuthChallengeError` carrying the identity provider's short-lived `session`; the API answers 409 with
 * `challengeBody()` and the console continues with the matching `POST /api/auth/*` route. No AWS import here, so
 * the routes and the runtime do not pull in the Cognito SDK.
 */
import { TousuError } from '../domain/errors';
import type { SignInResult } from '../ports/staff-auth';

export const CHALLENGE_CODES = ['new_password_required', 'mfa_code_required', 'mfa_setup_required'] as const;
export type ChallengeCode = (typeof CHALLENGE_CODES)[number];

const CHALLENGE_MESSAGES: Record<ChallengeCode, string> = {
  new_password_required: '首次登录（或管理员重置密码后）须设置新密码。',
  mfa_code_required: '请输入身份验证器应用中的 6 位动态验证码。',
  mfa_setup_required: '本系统要求双重验证：请用身份验证器应用添加账户密钥，再输入应用显示的 6 位动态验证码。',
};

/** The sign-in needs one more step (HTTP 409): the answer names the step and carries the session to continue. */
export class AuthChallengeError extends TousuError {
  override readonly name = 'AuthChallengeError';
  readonly status = 409;
  constructor(
    readonly code: ChallengeCode,
    /** Opaque, short-lived (minutes) session of the identity provider; never logged. */
    readonly session: string,
    /** The user name to send back (Cognito's canonical name when the user signed in with an alias). */
    readonly username: string,
    /** TOTP enrolment only: the base32 secret and its otpauth:// URI, for the authenticator app. */
    readonly totp?: { secretCode: string; otpauthUri: string },
  ) {
    super(CHALLENGE_MESSAGES[code]);
  }

  /** The 409 body: `{ code, message, session, username, secretCode?, otpauthUri? }`. */
  body(): Record<string, string> {
    return {
      code: this.code,
      message: this.message,
      session: this.session,
      username: this.username,
      ...(this.totp ? { secretCode: this.totp.secretCode, otpauthUri: this.totp.otpauthUri } : {}),
    };
  }
}

/** A sign-in refusal other than a plain wrong password: stable code, status and Chinese message. */
export class SignInError extends TousuError {
  override readonly name = 'SignInError';
  constructor(
    readonly code: 'password_reset_required' | 'too_many_requests' | 'code_mismatch' | 'session_expired' | 'unsupported_challenge',
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The JSON body of a successful sign-in (POST /api/auth/login and every challenge route). */
export function signInBody(r: SignInResult): Record<string, string> {
  return {
    token: r.token,
    expiresAt: r.expiresAt,
    username: r.principal.username,
    role: r.principal.role,
    ...(r.principal.department ? { department: r.principal.department } : {}),
  };
}
