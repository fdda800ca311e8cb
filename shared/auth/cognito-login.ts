/**
 * Staff sign-in on AWS through Cognito's public API (InitiateAuth with USER_PASSWORD_AUTH, then
 * RespondToAuthChallenge), so the same console page works against the user pool: `POST /api/auth/login` answers
 * the Cognito ID token (the verifier checks `tokenUse: 'id'`), its expiry and the principal, exactly like the
 * embedded runtime's issuer.
 *
 * Further steps are `AuthChallengeError`s (409, shared/auth/challenge.ts): a user created by an administrator
 * sets a password first (NEW_PASSWORD_REQUIRED); the pool requires TOTP MFA, so a user without an authenticator
 * enrols one (MFA_SETUP → AssociateSoftwareToken → VerifySoftwareToken) and everyone else types a code
 * (SOFTWARE_TOKEN_MFA). A wrong password and an unknown user give the same 401 (no user enumeration; the client
 * also has `preventUserExistenceErrors`). Passwords, codes, sessions and tokens are never logged.
 */
import type { SignInChallenges, SignInResult, StaffPrincipal, StaffRevocations, StaffTokenVerifier } from '../ports/staff-auth';
import {
  AdminUserGlobalSignOutCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { AuthenticationResultType, ChallengeNameType, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { UnauthorizedError, ValidationError, errorName } from '../domain/errors';
import { AuthChallengeError, SignInError } from './challenge';
import type { Logger } from '../ports';
import { consoleJsonLogger } from '../adapters/local/console-logger';

export type CognitoLoginLogger = Pick<Logger, 'info' | 'warn'>;

export interface CognitoLoginOptions {
  client: CognitoIdentityProviderClient;
  /** The console's app client (no secret; USER_PASSWORD_AUTH enabled). */
  clientId: string;
  /** Verifies the ID token Cognito returns (CognitoTokenVerifier): role group, department, jurisdiction. */
  verifier: StaffTokenVerifier;
  /** Issuer shown in the authenticator app at enrolment (default "tousu"). */
  totpIssuer?: string;
  /** Milliseconds since the epoch (tests); used only when the token carries no `exp`. */
  now?: () => number;
  logger?: CognitoLoginLogger;
}

/** The same sentence for a wrong password, an unknown user and an unconfirmed or disabled account. */
export const WRONG_CREDENTIALS = '用户名或密码错误。';

const consoleLogger: CognitoLoginLogger = consoleJsonLogger;

const TOO_MANY = () => new SignInError('too_many_requests', 429, '登录请求过于频繁，请稍后再试。');
const SESSION_EXPIRED = () => new SignInError('session_expired', 401, '登录验证已超时（须在几分钟内完成），请重新输入用户名和密码。');

/** Failures common to every step (throttling, reset by an administrator). Returns undefined when not one of them. */
function commonFailure(name: string): Error | undefined {
  switch (name) {
    case 'TooManyRequestsException':
    case 'LimitExceededException':
    case 'TooManyFailedAttemptsException':
      return TOO_MANY();
    case 'PasswordResetRequiredException':
      return new SignInError('password_reset_required', 403, '管理员已重置您的密码，请联系系统管理员获取临时密码后重新登录。');
    default:
      return undefined;
  }
}

/** Shared state of the login and its challenge steps. */
function cognitoSignIn(opts: CognitoLoginOptions) {
  const log = opts.logger ?? consoleLogger;
  const now = opts.now ?? Date.now;
  const issuer = opts.totpIssuer ?? 'tousu';

  /** Tokens → the principal of the verified ID token; a further challenge → AuthChallengeError. */
  async function outcome(
    step: string,
    username: string,
    out: { AuthenticationResult?: AuthenticationResultType; ChallengeName?: ChallengeNameType | string; Session?: string; ChallengeParameters?: Record<string, string> },
  ): Promise<SignInResult> {
    const idToken = out.AuthenticationResult?.IdToken;
    if (idToken) {
      const principal = await opts.verifier.verifyStaffToken(idToken);
      let exp: number | undefined;
      try {
        exp = decodeJwt(idToken).exp;
      } catch {
        exp = undefined;
      }
      const expiresAt = new Date(exp ? exp * 1000 : now() + (out.AuthenticationResult?.ExpiresIn ?? 3600) * 1000).toISOString();
      log.info('login', { user: principal.username, role: principal.role, via: 'cognito', step });
      return { token: idToken, expiresAt, principal };
    }
    const session = out.Session;
    const name = out.ChallengeName;
    // Cognito's own user name (the user may have typed the e-mail alias); challenge answers must use it.
    const canonical = out.ChallengeParameters?.USER_ID_FOR_SRP || username;
    if (!session || !name) {
      log.warn('login_unexpected_answer', { step, challenge: name ?? 'none' });
      throw new SignInError('unsupported_challenge', 502, '统一身份认证服务返回了无法识别的结果，请稍后再试或联系系统管理员。');
    }
    log.info('login_challenge', { step, challenge: name });
    switch (name) {
      case 'NEW_PASSWORD_REQUIRED':
        throw new AuthChallengeError('new_password_required', session, canonical);
      case 'SOFTWARE_TOKEN_MFA':
        throw new AuthChallengeError('mfa_code_required', session, canonical);
      case 'MFA_SETUP': {
        let assoc;
        try {
          assoc = await opts.client.send(new AssociateSoftwareTokenCommand({ Session: session }));
        } catch (err) {
          throw mapChallengeError(err, 'associate');
        }
        if (!assoc.SecretCode || !assoc.Session) throw new SignInError('unsupported_challenge', 502, '无法生成身份验证器密钥，请稍后再试。');
        const label = encodeURIComponent(`${issuer}:${canonical}`);
        const otpauthUri = `otpauth://totp/${label}?secret=${assoc.SecretCode}&issuer=${encodeURIComponent(issuer)}`;
        throw new AuthChallengeError('mfa_setup_required', assoc.Session, canonical, { secretCode: assoc.SecretCode, otpauthUri });
      }
      default:
        throw new SignInError('unsupported_challenge', 422, `此账户需要的登录验证方式（${name}）本系统暂不支持，请联系系统管理员。`);
    }
  }

  /** Errors of a challenge answer (the password was right; enumeration is no concern here). */
  function mapChallengeError(err: unknown, step: string): Error {
    if (err instanceof AuthChallengeError || err instanceof SignInError || err instanceof UnauthorizedError || err instanceof ValidationError) return err;
    const name = errorName(err);
    const common = commonFailure(name);
    if (common) return common;
    switch (name) {
      case 'InvalidPasswordException':
        return new ValidationError([
          { field: 'newPassword', code: 'weak_password', message: '新密码不符合密码规则：至少 12 位，须同时包含大写字母、小写字母、数字和符号，且不能与近期用过的密码相同。' },
        ]);
      case 'CodeMismatchException':
      case 'EnableSoftwareTokenMFAException':
      case 'ExpiredCodeException':
        return new SignInError('code_mismatch', 400, '动态验证码不正确或已过期，请核对身份验证器应用中的最新验证码后重试。');
      case 'NotAuthorizedException':
        return SESSION_EXPIRED();
      default:
        log.warn('login_failed', { step, error: name });
        return err instanceof Error ? err : new Error(`cognito ${step} failed`);
    }
  }

  return { outcome, mapChallengeError, log };
}

/** `login(username, password)` of StaffRouteDeps (functions/api/routes/staff.ts) on top of Cognito. */
export function createCognitoLogin(opts: CognitoLoginOptions): (username: string, password: string) => Promise<SignInResult> {
  const { outcome, log } = cognitoSignIn(opts);
  return async (username, password) => {
    let out;
    try {
      out = await opts.client.send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: opts.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }));
    } catch (err) {
      const name = errorName(err);
      const common = commonFailure(name);
      if (common) throw common;
      if (name === 'NotAuthorizedException' || name === 'UserNotFoundException' || name === 'UserNotConfirmedException') {
        log.info('login_refused', { reason: 'credentials' });
        throw new UnauthorizedError(WRONG_CREDENTIALS);
      }
      log.warn('login_failed', { step: 'password', error: name });
      throw err;
    }
    return outcome('password', username, out);
  };
}

/** The challenge steps (POST /api/auth/new-password, /mfa, /mfa-setup) on top of Cognito. */
export function createCognitoChallenges(opts: CognitoLoginOptions): SignInChallenges {
  const { outcome, mapChallengeError } = cognitoSignIn(opts);
  const respond = async (step: string, username: string, session: string, challenge: ChallengeNameType, responses: Record<string, string>): Promise<SignInResult> => {
    let out;
    try {
      out = await opts.client.send(
        new RespondToAuthChallengeCommand({ ClientId: opts.clientId, ChallengeName: challenge, Session: session, ChallengeResponses: { USERNAME: username, ...responses } }),
      );
    } catch (err) {
      throw mapChallengeError(err, step);
    }
    return outcome(step, username, out);
  };
  return {
    newPassword: (username, session, newPassword) => respond('new_password', username, session, 'NEW_PASSWORD_REQUIRED', { NEW_PASSWORD: newPassword }),
    mfaCode: (username, session, code) => respond('mfa', username, session, 'SOFTWARE_TOKEN_MFA', { SOFTWARE_TOKEN_MFA_CODE: code }),
    mfaSetup: async (username, session, code) => {
      let verified;
      try {
        verified = await opts.client.send(new VerifySoftwareTokenCommand({ Session: session, UserCode: code, FriendlyDeviceName: 'tousu' }));
      } catch (err) {
        throw mapChallengeError(err, 'mfa_setup');
      }
      if (verified.Status !== 'SUCCESS' || !verified.Session) throw new SignInError('code_mismatch', 400, '动态验证码不正确或已过期，请核对身份验证器应用中的最新验证码后重试。');
      return respond('mfa_setup', username, verified.Session, 'MFA_SETUP', {});
    },
  };
}

export interface CognitoLogoutOptions {
  client: CognitoIdentityProviderClient;
  userPoolId: string;
  revocations: StaffRevocations;
  now?: () => number;
  logger?: CognitoLoginLogger;
}

/**
 * `logout` of StaffRouteDeps on Cognito: the revocation record first (the verifier refuses the ID token from the
 * next request on), then AdminUserGlobalSignOut, which ends the user's refresh tokens and access tokens at
 * Cognito. A failing global sign-out is logged, not fatal: the record already stops every token we accept.
 */
export function createCognitoLogout(opts: CognitoLogoutOptions): (principal: StaffPrincipal) => Promise<void> {
  const log = opts.logger ?? consoleLogger;
  const now = opts.now ?? Date.now;
  return async (p) => {
    await opts.revocations.revoke(p.username, now());
    try {
      await opts.client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: opts.userPoolId, Username: p.username }));
    } catch (err) {
      log.warn('global_sign_out_failed', { error: errorName(err) });
    }
    log.info('logout', { user: p.username, via: 'cognito' });
  };
}
