import * as oidc from 'openid-client';
import type { Config } from '../../config/config.js';
import { GmailError } from './gmail-error.js';

/** Read, send, draft and label (move to a processed state) in the one mailbox; never delete for good. */
export const GMAIL_SCOPE = 'https://www.googleapis.com/auth/gmail.modify';
/** Google's issuer: the callback's `iss` parameter (RFC 9207) must name it. */
const GOOGLE_ISSUER = 'https://accounts.google.com';
const TIMEOUT_SECONDS = 15;

export type GmailSettings = NonNullable<Config['gmail']>;

export interface GmailTokens {
  accessToken: string;
  /** When the access token stops working (ms since the epoch). */
  expiresAt: number;
  /** Only on the first exchange (and when Google rotates it). */
  refreshToken?: string;
  scopes: string[];
}

export interface GmailOauth {
  /** Google's consent page for one attempt: offline access (a refresh token), consent shown again so a reconnect gets a new one, PKCE S256. */
  consentUrl(input: { state: string; codeVerifier: string; loginHint?: string }): Promise<URL>;
  /** Trades the callback's code (checking state, issuer and PKCE) for tokens. */
  exchange(callbackUrl: URL, expected: { state: string; codeVerifier: string }): Promise<GmailTokens>;
  /** A fresh access token; GMAIL_REVOKED when Google refuses the refresh token for good. */
  refresh(refreshToken: string): Promise<GmailTokens>;
  /** Tells Google to forget the grant (best effort: a token already revoked is fine). */
  revoke(refreshToken: string): Promise<void>;
}

/**
 * The OAuth 2.0 client for the Gmail mailbox (openid-client over Google's endpoints, which are settings so a
 * test can point them at a local server). The client secret is sent in the body (client_secret_post), as
 * Google documents for web clients.
 */
export function createGmailOauth(settings: GmailSettings, redirectUri: string): GmailOauth {
  const configuration = new oidc.Configuration(
    { issuer: GOOGLE_ISSUER, authorization_endpoint: settings.authorizationUrl, token_endpoint: settings.tokenUrl, revocation_endpoint: settings.revocationUrl },
    settings.clientId,
    { redirect_uris: [redirectUri], response_types: ['code'] },
    oidc.ClientSecretPost(settings.clientSecret),
  );
  configuration.timeout = TIMEOUT_SECONDS;
  // Plain http only reaches a local server (tests); Google's endpoints are https.
  if ([settings.authorizationUrl, settings.tokenUrl, settings.revocationUrl].some((url) => url.startsWith('http:'))) oidc.allowInsecureRequests(configuration);

  const tokensOf = (response: oidc.TokenEndpointResponse): GmailTokens => ({
    accessToken: response.access_token,
    expiresAt: Date.now() + (response.expires_in ?? 3600) * 1000,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    scopes: (response.scope ?? '').split(' ').filter(Boolean),
  });

  return {
    async consentUrl({ state, codeVerifier, loginHint }) {
      return oidc.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: GMAIL_SCOPE,
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        access_type: 'offline',
        prompt: 'consent',
        include_granted_scopes: 'false',
        ...(loginHint ? { login_hint: loginHint } : {}),
      });
    },
    async exchange(callbackUrl, expected) {
      try {
        return tokensOf(await oidc.authorizationCodeGrant(configuration, callbackUrl, { expectedState: expected.state, pkceCodeVerifier: expected.codeVerifier }));
      } catch (error) {
        throw translate(error, 'exchange the consent code');
      }
    },
    async refresh(refreshToken) {
      try {
        return tokensOf(await oidc.refreshTokenGrant(configuration, refreshToken));
      } catch (error) {
        throw translate(error, 'refresh the access token');
      }
    },
    async revoke(refreshToken) {
      try {
        await oidc.tokenRevocation(configuration, refreshToken);
      } catch (error) {
        const translated = translate(error, 'revoke the grant');
        // Already revoked or expired at Google: nothing left to revoke.
        if (translated.gmailCode !== 'GMAIL_REVOKED') throw translated;
      }
    },
  };
}

/** openid-client's errors as GmailError: Google's `error` code is kept, its description and any token never are. */
function translate(error: unknown, what: string): GmailError {
  if (error instanceof oidc.AuthorizationResponseError) {
    return new GmailError('GMAIL_CONSENT_DENIED', `Google did not give consent (${error.error}); start "Connect Gmail" again and allow access to the mailbox.`);
  }
  if (error instanceof oidc.ResponseBodyError) {
    if (error.error === 'invalid_grant') return new GmailError('GMAIL_REVOKED', `Google refused to ${what} (invalid_grant: the grant was revoked, expired or the code was used); an admin connects the mailbox again in Admin → Gmail.`, { upstreamStatus: error.status });
    if (error.error === 'invalid_client' || error.error === 'unauthorized_client') return new GmailError('GMAIL_API_ERROR', `Google refused the OAuth client (${error.error}) when asked to ${what}; check GMAIL_CLIENT_ID and GMAIL_CLIENT_SECRET.`, { upstreamStatus: error.status });
    return new GmailError(error.status >= 500 || error.status === 429 ? 'GMAIL_UNAVAILABLE' : 'GMAIL_API_ERROR', `Google answered ${error.status} (${error.error}) when asked to ${what}.`, { upstreamStatus: error.status });
  }
  const code = (error as { code?: string }).code;
  if (code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON') {
    return new GmailError('GMAIL_API_ERROR', `Google's answer is not a valid OAuth response when asked to ${what} (${code}); start "Connect Gmail" again, or check GOOGLE_TOKEN_URL.`);
  }
  return new GmailError('GMAIL_UNAVAILABLE', `Could not reach Google to ${what}: ${(error as Error).message?.slice(0, 200) ?? 'unknown error'}; try again in a minute.`);
}
