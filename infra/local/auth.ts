/**
 * The embedded runtime's token issuer (jose, HS256). The signing secret is generated on first start and kept
 * in `<data-dir>/secrets/token.key` with 0600 permissions; tokens expire after 8 hours. Verification goes
 * through the shared `StaffTokenVerifier` (shared/auth), the same interface the AWS host uses with Cognito.
 *
 * A signature is not enough: with `accounts`, each verification reads the account and refuses the token when the
 * account is gone or disabled, its role or department changed, or its token version moved on (logout), so a
 * revoked or changed account stops at the next request, not when the token expires.
 */
import type { AccountLookup, TokenIssuer } from '../../shared/ports/staff-auth';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SignJWT, decodeJwt } from 'jose';
import { UnauthorizedError } from '../../shared/domain/errors';
import { LOCAL_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER, LocalTokenVerifier } from '../../shared/auth/local-verifier';

export const TOKEN_TTL_SECONDS = 8 * 60 * 60;

/**
 * Reads a secret file, or creates it (random bytes, mode 0600) when absent. Refuses a file that others can read:
 * a leaked signing key lets anyone mint staff tokens.
 */
export async function loadOrCreateSecret(path: string, bytes = 32): Promise<Uint8Array> {
  try {
    const st = await stat(path);
    if ((st.mode & 0o077) !== 0) await chmod(path, 0o600);
    const hex = (await readFile(path, 'utf8')).trim();
    if (!/^[0-9a-f]{64,}$/.test(hex)) throw new Error(`secret file ${path} is corrupt; delete it to generate a new one (existing logins end)`);
    return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const secret = randomBytes(bytes);
  try {
    await writeFile(path, secret.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecret(path, bytes);
    throw err;
  }
  return secret;
}

export interface TokenIssuerOptions {
  ttlSeconds?: number;
  /** Checked on every verification; without it only the signature and expiry are (tests of the issuer alone). */
  accounts?: AccountLookup;
}

export function createTokenIssuer(secret: Uint8Array, opts: TokenIssuerOptions = {}): TokenIssuer {
  const verifier = new LocalTokenVerifier(secret);
  const ttlSeconds = opts.ttlSeconds ?? TOKEN_TTL_SECONDS;
  return {
    async verifyStaffToken(token) {
      const principal = await verifier.verifyStaffToken(token);
      if (!opts.accounts) return principal;
      const account = await opts.accounts.accountState(principal.username);
      const version = decodeJwt(token).ver;
      if (
        !account ||
        account.disabled ||
        account.role !== principal.role ||
        (account.department ?? undefined) !== principal.department ||
        (typeof version === 'number' ? version : 0) !== account.tokenVersion
      ) {
        throw new UnauthorizedError('登录已失效（已退出登录，或账户已被停用或变更），请重新登录。');
      }
      return principal;
    },
    async issue(p) {
      const nowS = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({
        role: p.role,
        ...(p.department ? { department: p.department } : {}),
        ...(p.jurisdiction ? { jurisdiction: p.jurisdiction } : {}),
        ...(p.name ? { name: p.name } : {}),
        ver: p.tokenVersion ?? 0,
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(p.username)
        .setIssuer(LOCAL_TOKEN_ISSUER)
        .setAudience(LOCAL_TOKEN_AUDIENCE)
        .setIssuedAt(nowS)
        .setExpirationTime(nowS + ttlSeconds)
        .sign(secret);
      return { token, expiresAt: new Date((nowS + ttlSeconds) * 1000).toISOString() };
    },
  };
}
