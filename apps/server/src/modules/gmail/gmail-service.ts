import { createHash, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { Config } from '../../config/config.js';
import type { Db } from '../../db/schema.js';
import { createSecretBox, type SecretBox } from '../llm-settings/secret-box.js';
import { createGmailApi, type GmailApi } from './gmail-api.js';
import { GmailError } from './gmail-error.js';
import { createGmailOauth, GMAIL_SCOPE, type GmailOauth, type GmailSettings } from './gmail-oauth.js';
import { createPushVerifier, type PushVerifier } from './gmail-push.js';
import { deleteConnection, insertAttempt, recordPass, saveConnection, takeAttempt, type GmailConnectionRow } from './gmail-repository.js';

/** The consent callback on this server; registered as the OAuth client's redirect URI at Google. */
export const GMAIL_CALLBACK_PATH = '/api/v1/gmail/oauth/callback';
/** How long an admin has at Google's consent page. */
const ATTEMPT_TTL_MS = 10 * 60_000;
/** An access token this close to its expiry is refreshed before use. */
const EXPIRY_MARGIN_MS = 60_000;

const REFRESH_TOKENS = { salt: 'marketplace/gmail-refresh-tokens', info: 'aes-256-gcm gmail refresh token v1', what: 'Gmail refresh token', fix: 'connect the mailbox again in Admin → Gmail' };
const CODE_VERIFIERS = { salt: 'marketplace/gmail-oauth-attempts', info: 'aes-256-gcm gmail pkce verifier v1', what: 'Gmail consent attempt', fix: 'start "Connect Gmail" again' };

/** The admin acting, and the session (or token) the consent attempt is bound to. */
export interface GmailAdmin {
  orgId: string;
  userId: string;
  session: string;
}

export interface GmailService {
  settings: GmailSettings;
  /** Starts a consent attempt bound to this admin (state + PKCE kept server-side, used once); answers Google's consent URL. */
  begin(admin: GmailAdmin): Promise<URL>;
  /** The callback: the attempt must be this admin's; the code is exchanged, the mailbox read, its refresh token sealed. */
  finish(admin: GmailAdmin, callbackUrl: URL): Promise<GmailConnectionRow>;
  /** Revokes the grant at Google (best effort) and forgets the connection. */
  disconnect(orgId: string, connection: GmailConnectionRow): Promise<void>;
  /** The Gmail API of one connection (access tokens refreshed when expired, kept in memory only). */
  apiFor(connection: GmailConnectionRow): GmailApi;
  /** Checks a Pub/Sub push request's token (GMAIL_PUBSUB_TOPIC set); null: push is off, polling only. */
  verifyPush: PushVerifier | null;
}

export function createGmailService(deps: { db: Db; config: Config; logger: Logger }): GmailService | null {
  const settings = deps.config.gmail;
  if (!settings) return null;
  const oauth: GmailOauth = createGmailOauth(settings, `${deps.config.publicUrl}${GMAIL_CALLBACK_PATH}`);
  const tokens: SecretBox = createSecretBox(deps.config.jwtSecret!, REFRESH_TOKENS);
  const verifiers: SecretBox = createSecretBox(deps.config.jwtSecret!, CODE_VERIFIERS);
  const access = new Map<string, { token: string; expiresAt: number; sealed: string }>();
  const log = deps.logger.child({ component: 'gmail' });
  const hash = (state: string) => createHash('sha256').update(state).digest('hex');

  async function accessToken(connection: GmailConnectionRow, renew: boolean): Promise<string> {
    const cached = access.get(connection.id);
    // A new grant (reconnect) replaces what was cached for the old one.
    if (!renew && cached && cached.sealed === connection.refresh_token_sealed && cached.expiresAt - EXPIRY_MARGIN_MS > Date.now()) return cached.token;
    try {
      const fresh = await oauth.refresh(tokens.open(connection.refresh_token_sealed, `gmail:${connection.id}`));
      access.set(connection.id, { token: fresh.accessToken, expiresAt: fresh.expiresAt, sealed: connection.refresh_token_sealed });
      log.debug({ connectionId: connection.id }, 'Gmail access token refreshed');
      return fresh.accessToken;
    } catch (error) {
      access.delete(connection.id);
      if (error instanceof GmailError && error.gmailCode === 'GMAIL_REVOKED') await recordPass(deps.db, connection.id, { error: `GMAIL_REVOKED: ${error.message}`, revoked: true });
      throw error;
    }
  }

  return {
    settings,
    verifyPush: settings.push ? createPushVerifier(settings.push) : null,
    async begin(admin) {
      const state = oidc.randomState();
      const codeVerifier = oidc.randomPKCECodeVerifier();
      const stateHash = hash(state);
      await insertAttempt(deps.db, { stateHash, orgId: admin.orgId, userId: admin.userId, sessionBinding: admin.session, codeVerifierSealed: verifiers.seal(codeVerifier, `gmail-attempt:${stateHash}`), expiresAt: new Date(Date.now() + ATTEMPT_TTL_MS) });
      return oauth.consentUrl({ state, codeVerifier });
    },
    async finish(admin, callbackUrl) {
      const state = callbackUrl.searchParams.get('state') ?? '';
      const stateHash = hash(state);
      const attempt = state.length > 0 && state.length <= 200 ? await takeAttempt(deps.db, stateHash) : undefined;
      if (!attempt || attempt.expires_at.getTime() < Date.now() || attempt.user_id !== admin.userId || attempt.org_id !== admin.orgId || attempt.session_binding !== admin.session) {
        throw new GmailError('GMAIL_STATE_INVALID', 'This consent answer does not belong to a "Connect Gmail" you started in this session (unknown, used, expired or another admin\'s); start it again from Admin → Gmail.');
      }
      const granted = await oauth.exchange(callbackUrl, { state, codeVerifier: verifiers.open(attempt.code_verifier_sealed, `gmail-attempt:${stateHash}`) });
      if (!granted.refreshToken) throw new GmailError('GMAIL_SCOPE_MISSING', 'Google gave no refresh token (offline access); remove the app\'s access in the Google account\'s security settings and connect again.');
      if (granted.scopes.length && !granted.scopes.includes(GMAIL_SCOPE)) throw new GmailError('GMAIL_SCOPE_MISSING', `Google did not grant ${GMAIL_SCOPE}; connect again and leave "Read, compose and send" ticked.`);
      const api = createGmailApi(settings.apiUrl, async () => granted.accessToken);
      const profile = await api.profile();
      const id = randomUUID();
      const email = profile.emailAddress.toLowerCase();
      const refreshToken = granted.refreshToken;
      const saved = await saveConnection(deps.db, { id, orgId: admin.orgId, email, refreshTokenSealed: (rowId) => tokens.seal(refreshToken, `gmail:${rowId}`), scopes: granted.scopes.join(' ') || GMAIL_SCOPE, historyId: profile.historyId, userId: admin.userId });
      if (!saved) {
        await oauth.revoke(refreshToken).catch(() => undefined);
        throw new GmailError('GMAIL_ALREADY_CONNECTED', `The mailbox ${email} is already connected on this server by another organisation; its admins disconnect it first.`);
      }
      access.set(saved.id, { token: granted.accessToken, expiresAt: granted.expiresAt, sealed: saved.refresh_token_sealed });
      log.info({ connectionId: saved.id, email }, 'Gmail mailbox connected');
      return saved;
    },
    async disconnect(orgId, connection) {
      try {
        await oauth.revoke(tokens.open(connection.refresh_token_sealed, `gmail:${connection.id}`));
      } catch (error) {
        // The connection goes anyway; the grant can also be removed in the Google account.
        log.warn({ connectionId: connection.id, code: (error as GmailError).code }, 'could not revoke the Gmail grant at Google');
      }
      access.delete(connection.id);
      await deleteConnection(deps.db, orgId, connection.id);
      log.info({ connectionId: connection.id }, 'Gmail mailbox disconnected');
    },
    apiFor(connection) {
      return createGmailApi(settings.apiUrl, (renew) => accessToken(connection, renew));
    },
  };
}
