/** Verifier of the embedded runtime's tokens: HS256 JWTs signed with the data directory's secret (jose). */
import type { StaffPrincipal, StaffTokenVerifier } from '../ports/staff-auth';
import { errors as joseErrors, jwtVerify } from 'jose';
import { UnauthorizedError } from '../domain/errors';
import { principalFromClaims } from './principal';

export const LOCAL_TOKEN_ISSUER = 'tousu-local';
export const LOCAL_TOKEN_AUDIENCE = 'tousu-staff';

export class LocalTokenVerifier implements StaffTokenVerifier {
  constructor(
    private readonly secret: Uint8Array,
    private readonly opts: { issuer?: string; audience?: string } = {},
  ) {
    if (secret.byteLength < 32) throw new Error('the token secret must have at least 32 bytes');
  }

  async verifyStaffToken(token: string): Promise<StaffPrincipal> {
    try {
      const { payload } = await jwtVerify(token, this.secret, {
        algorithms: ['HS256'],
        issuer: this.opts.issuer ?? LOCAL_TOKEN_ISSUER,
        audience: this.opts.audience ?? LOCAL_TOKEN_AUDIENCE,
        requiredClaims: ['exp', 'sub'],
      });
      return principalFromClaims(payload);
    } catch (err) {
      if (err instanceof UnauthorizedError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('登录已过期，请重新登录。');
      throw new UnauthorizedError('登录凭证无效，请重新登录。');
    }
  }
}
