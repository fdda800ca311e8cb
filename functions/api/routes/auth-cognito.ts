/**
 * The sign-in steps after `POST /api/auth/login` (routes/staff.ts) when the identity provider asks for more
 * (Cognito on AWS, shared/auth/cognito-login.ts). The login answered 409 `{ code, message, session, username,
 * secretCode?, otpauthUri? }`; the console sends the session back here:
 *
 * | route | body | when |
 * |---|---|---|
 * | `POST /api/auth/new-password` | `{ username, session, newPassword }` | `new_password_required` (first sign-in) |
 * | `POST /api/auth/mfa` | `{ username, session, code }` | `mfa_code_required` (TOTP) |
 * | `POST /api/auth/mfa-setup` | `{ username, session, code }` | `mfa_setup_required` (enrol an authenticator) |
 *
 * Each answers 200 with the same body as the login (`signInBody`) or 409 with the next step. Public routes (the
 * session is the credential); API Gateway throttles them. The embedded runtime has no challenges and does not
 * mount these.
 */
import type { SignInChallenges, SignInResult } from '../../../shared/ports/staff-auth';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import * as z from 'zod';
import { ValidationError } from '../../../shared/domain/errors';
import { AuthChallengeError, signInBody } from '../../../shared/auth/challenge';

export interface SignInChallengeRouteDeps {
  challenges: SignInChallenges;
}

const username = z.string({ error: '缺少用户名，请重新登录' }).min(1, '缺少用户名，请重新登录').max(128, '用户名过长');
// Cognito sessions are opaque strings of about 1 KB; the bound only keeps junk out.
const session = z.string({ error: '登录验证已失效，请重新登录' }).min(20, '登录验证已失效，请重新登录').max(4096, '登录验证已失效，请重新登录');
const code = z
  .string({ error: '请输入 6 位动态验证码' })
  .trim()
  .regex(/^\d{6}$/, '请输入 6 位数字动态验证码');

const NewPasswordBody = z.object({
  username,
  session,
  newPassword: z.string({ error: '请输入新密码' }).min(1, '请输入新密码').max(256, '新密码过长'),
});
const CodeBody = z.object({ username, session, code });

async function parse<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new ValidationError([{ field: '(root)', code: 'invalid_json', message: '请求内容不是有效的 JSON。' }]);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ValidationError(parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })));
  return parsed.data;
}

async function answer(c: Context, step: () => Promise<SignInResult>): Promise<Response> {
  try {
    return c.json(signInBody(await step()));
  } catch (err) {
    if (err instanceof AuthChallengeError) return c.json(err.body(), 409);
    throw err;
  }
}

export function mountSignInChallengeRoutes(app: Hono, deps: SignInChallengeRouteDeps): void {
  const limit = bodyLimit({ maxSize: 16 * 1024 });
  app.post('/api/auth/new-password', limit, async (c) => {
    const b = await parse(c, NewPasswordBody);
    return answer(c, () => deps.challenges.newPassword(b.username, b.session, b.newPassword));
  });
  app.post('/api/auth/mfa', limit, async (c) => {
    const b = await parse(c, CodeBody);
    return answer(c, () => deps.challenges.mfaCode(b.username, b.session, b.code));
  });
  app.post('/api/auth/mfa-setup', limit, async (c) => {
    const b = await parse(c, CodeBody);
    return answer(c, () => deps.challenges.mfaSetup(b.username, b.session, b.code));
  });
}
