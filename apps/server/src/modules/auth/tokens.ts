import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { UnauthorizedError } from '../../errors/app-error.js';
import type { Role } from '../accounts/accounts-tables.js';

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

/** Verified tokens are remembered until they expire, so a client's repeated calls skip the signature check. */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenSigner(secret: string): TokenSigner {
  const key = new TextEncoder().encode(secret);
  const verified = new Map<string, AccessClaims & { exp: number }>();
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
      const known = verified.get(token);
      if (known) {
        if (known.exp * 1000 > Date.now()) return known;
        verified.delete(token);
      }
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || typeof payload.org !== 'string' || !Array.isArray(payload.roles)) {
          throw new UnauthorizedError('The token is missing required claims; sign in again.', 'TOKEN_INVALID');
        }
        const claims = payload as unknown as AccessClaims & { exp: number };
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
        verified.set(token, claims);
        return claims;
      } catch (error) {
        if (error instanceof UnauthorizedError) throw error;
        if (error instanceof joseErrors.JWTExpired) throw new UnauthorizedError('The token has expired; refresh it (POST /api/v1/auth/refresh) or sign in again.', 'TOKEN_EXPIRED');
        throw new UnauthorizedError('The token is invalid; sign in again.', 'TOKEN_INVALID');
      }
    },
  };
}
