import * as oidc from 'openid-client';
import type { SsoAttempt } from './sso-state.js';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Empty: a public client (PKCE only). */
  clientSecret?: string;
  redirectUri: string;
}

/** Why a sign-in did not finish; the code travels to the web UI as `?sso_error=`. */
export type SsoErrorCode =
  | 'IDP_UNAVAILABLE'
  | 'IDP_DENIED'
  | 'IDP_ERROR'
  | 'STATE_INVALID'
  | 'TOKEN_INVALID'
  | 'EMAIL_MISSING'
  | 'EMAIL_UNVERIFIED'
  | 'NOT_INVITED'
  | 'USER_DISABLED'
  | 'OTHER_ORGANIZATION'
  | 'ORGANIZATION_UNKNOWN';

export class SsoError extends Error {
  constructor(
    readonly code: SsoErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.name = 'SsoError';
  }
}

/** What the identity provider vouches for, from the verified id_token (or its userinfo endpoint). */
export interface SsoIdentity {
  subject: string;
  email: string;
  name: string | undefined;
}

const DISCOVERY_TIMEOUT_SECONDS = 10;

export interface OidcClient {
  /** The authorization URL and the attempt to keep until the callback (PKCE S256, state, nonce). */
  begin(returnTo: string): Promise<{ url: URL; attempt: SsoAttempt }>;
  /** Trade the callback's code for tokens; checks state, nonce, PKCE, issuer, audience and signature. */
  finish(query: string, attempt: SsoAttempt): Promise<SsoIdentity>;
}

/**
 * One relying party for the configured issuer. Discovery runs once and is kept (a failed discovery is
 * retried on the next sign-in); signing keys are fetched and rotated by openid-client itself.
 */
export function createOidcClient(settings: OidcSettings): OidcClient {
  let discovered: Promise<oidc.Configuration> | undefined;

  function configuration(): Promise<oidc.Configuration> {
    discovered ??= discover().catch((error: unknown) => {
      discovered = undefined;
      throw new SsoError('IDP_UNAVAILABLE', `The identity provider at ${settings.issuer} could not be reached or did not publish its OpenID configuration.`, { cause: error });
    });
    return discovered;
  }

  function discover(): Promise<oidc.Configuration> {
    const issuer = new URL(settings.issuer);
    const authentication = settings.clientSecret ? oidc.ClientSecretBasic(settings.clientSecret) : oidc.None();
    // Plain http is refused by config in production; elsewhere (a local test IdP) it is allowed.
    return oidc.discovery(issuer, settings.clientId, { redirect_uris: [settings.redirectUri], response_types: ['code'] }, authentication, {
      timeout: DISCOVERY_TIMEOUT_SECONDS,
      ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
  }

  return {
    async begin(returnTo) {
      const config = await configuration();
      const attempt: SsoAttempt = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), returnTo };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        response_type: 'code',
        scope: 'openid email profile',
        state: attempt.state,
        nonce: attempt.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(attempt.codeVerifier),
        code_challenge_method: 'S256',
      });
      return { url, attempt };
    },

    async finish(query, attempt) {
      const config = await configuration();
      // The URL the provider redirected to, rebuilt from the registered redirect URI (not the Host header).
      const callbackUrl = new URL(settings.redirectUri);
      callbackUrl.search = query;
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: attempt.codeVerifier,
          expectedState: attempt.state,
          expectedNonce: attempt.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw classify(error);
      }
      const claims = tokens.claims();
      if (!claims) throw new SsoError('TOKEN_INVALID', 'The identity provider sent no id_token.');
      let profile: Record<string, unknown> = claims;
      // Conformant providers may keep profile claims out of the id_token when an access token is issued.
      if (typeof claims.email !== 'string') {
        try {
          profile = { ...(await oidc.fetchUserInfo(config, tokens.access_token, claims.sub)), sub: claims.sub };
        } catch (error) {
          throw new SsoError('EMAIL_MISSING', 'The identity provider sent no e-mail address and its userinfo endpoint could not be read.', { cause: error });
        }
      }
      const email = typeof profile.email === 'string' ? profile.email.trim() : '';
      if (!email || !email.includes('@') || email.length > 254) throw new SsoError('EMAIL_MISSING', 'The identity provider sent no e-mail address: allow the "email" scope for this client.');
      if (profile.email_verified === false || profile.email_verified === 'false') throw new SsoError('EMAIL_UNVERIFIED', `The identity provider has not verified ${email}.`);
      return { subject: claims.sub, email, name: nameOf(profile) };
    },
  };
}

function nameOf(profile: Record<string, unknown>): string | undefined {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const full = text(profile.name) ?? ([text(profile.given_name), text(profile.family_name)].filter(Boolean).join(' ') || undefined) ?? text(profile.preferred_username);
  return full?.slice(0, 120);
}

function classify(error: unknown): SsoError {
  if (error instanceof oidc.AuthorizationResponseError) {
    return new SsoError(error.error === 'access_denied' ? 'IDP_DENIED' : 'IDP_ERROR', `The identity provider answered ${error.error}${error.error_description ? `: ${error.error_description}` : ''}.`, { cause: error });
  }
  if (error instanceof oidc.ClientError && /"state"/.test(String((error.cause as Error | undefined)?.message))) {
    return new SsoError('STATE_INVALID', 'The sign-in response does not belong to this sign-in attempt.', { cause: error });
  }
  if (error instanceof TypeError && !(error instanceof oidc.ClientError)) {
    return new SsoError('IDP_UNAVAILABLE', 'The identity provider could not be reached to finish the sign-in.', { cause: error });
  }
  return new SsoError('TOKEN_INVALID', 'The identity provider’s answer could not be verified.', { cause: error });
}
