import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { UnauthorizedError } from '../../errors/app-error.js';
import type { Role } from '../../db/schema.js';

const ISSUER = 'marketplace';
const AUDIENCE = 'marketplace-api';

export interface AccessClaims {
  /** `user:<id>` or `agent:<id>` */
  sub: string;
  org: string;
  roles: Role[];
  /** Session id (users only): logout revokes it. */
  sid?: string;
}

export interface TokenSigner {
  sign(claims: AccessClaims, ttlSeconds: number): Promise<string>;
  verify(token: string): Promise<AccessClaims & { exp: number }>;
}

export function createTokenSigner(secret: string): TokenSigner {
  const key = new TextEncoder().encode(secret);
  return {
    sign(claims, ttlSeconds) {
      return new SignJWT({ org: claims.org, roles: claims.roles, ...(claims.sid ? { sid: claims.sid } : {}) })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(claims.sub)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(key);
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || typeof payload.org !== 'string' || !Array.isArray(payload.roles)) {
          throw new UnauthorizedError('The token is missing required claims; sign in again.', 'TOKEN_INVALID');
        }
        return payload as unknown as AccessClaims & { exp: number };
      } catch (error) {
        if (error instanceof UnauthorizedError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new UnauthorizedError('The token has expired; refresh it (POST /api/v1/auth/refresh) or sign in again.', 'TOKEN_EXPIRED');
        throw new UnauthorizedError('The token is invalid; sign in again.', 'TOKEN_INVALID');
      }
    },
  };
}
