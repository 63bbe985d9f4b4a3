import { createRemoteJWKSet, errors as joseErrors, jwtVerify } from 'jose';
import { z } from 'zod';
import { GmailError } from './gmail-error.js';

/** Who signs Pub/Sub push tokens (Google's ID tokens carry either form). */
const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];
/** Pub/Sub push messages are small; Gmail's notification is two fields. */
export const PUSH_MAX_BYTES = 16_384;
/** Clock skew accepted on the token's iat/exp. */
const CLOCK_TOLERANCE_SECONDS = 60;

/** The Pub/Sub push body (https://cloud.google.com/pubsub/docs/push) around Gmail's notification. */
const pushBody = z.object({
  message: z.object({
    data: z.string().max(4_096).regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'expected base64'),
    messageId: z.string().max(200).optional(),
    publishTime: z.string().max(100).optional(),
  }),
  subscription: z.string().max(300).optional(),
});
const notification = z.object({ emailAddress: z.string().email().max(320), historyId: z.union([z.string().regex(/^\d{1,30}$/), z.number().int().nonnegative()]) });

export interface GmailPushSettings {
  audience: string;
  serviceAccount: string | undefined;
  jwksUrl: string;
}

export type PushVerifier = (authorization: string | undefined) => Promise<void>;

/**
 * Checks the `Authorization: Bearer <JWT>` Google puts on an authenticated push: signed by a key of
 * Google's JWKS (fetched and cached by jose, refetched for an unknown key id), issued by Google, for the
 * configured audience, unexpired, with a verified e-mail — the push subscription's service account
 * when one is configured. Throws GMAIL_PUSH_UNAUTHENTICATED naming what failed (never the token).
 */
export function createPushVerifier(settings: GmailPushSettings): PushVerifier {
  const keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
  const refuse = (why: string) => new GmailError('GMAIL_PUSH_UNAUTHENTICATED', `This push is not from Google's Pub/Sub for this server: ${why}. Create the push subscription with authentication on and the audience ${settings.audience}.`);
  return async (authorization) => {
    const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) throw refuse('no Bearer token');
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, keys, { issuer: GOOGLE_ISSUERS, audience: settings.audience, algorithms: ['RS256'], clockTolerance: CLOCK_TOLERANCE_SECONDS, requiredClaims: ['exp', 'iat'] }));
    } catch (error) {
      // Google's keys out of reach is not the sender's fault: 502, and Pub/Sub delivers again later.
      if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
        throw new GmailError('GMAIL_UNAVAILABLE', `Google's signing keys (${settings.jwksUrl}) could not be fetched; Pub/Sub delivers the push again.`, { cause: error });
      }
      throw refuse(error.code);
    }
    if (claims.email_verified !== true || typeof claims.email !== 'string') throw refuse('the token names no verified service account');
    if (settings.serviceAccount && claims.email.toLowerCase() !== settings.serviceAccount) throw refuse('the token is another service account\'s');
  };
}

/** Gmail's notification from a push body: the mailbox and the history id it has reached. */
export function parsePush(body: unknown): { emailAddress: string; historyId: string } {
  const parsed = pushBody.safeParse(body);
  if (!parsed.success) throw new GmailError('GMAIL_PUSH_INVALID', `Not a Pub/Sub push message (${parsed.error.issues[0]?.path.join('.') || 'body'}: ${parsed.error.issues[0]?.message}).`);
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(parsed.data.message.data, 'base64').toString('utf8'));
  } catch {
    data = undefined;
  }
  const inner = notification.safeParse(data);
  if (!inner.success) throw new GmailError('GMAIL_PUSH_INVALID', 'The push message\'s data is not a Gmail notification ({"emailAddress", "historyId"}); check the topic is the one users.watch was given.');
  return { emailAddress: inner.data.emailAddress.toLowerCase(), historyId: String(inner.data.historyId) };
}
