import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http.mjs';
import { t } from './i18n.mjs';

function sameSecret(given, expected) {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Returns the check every non-public route runs, for the auth mode of this app:
 * - "none": everyone may call the app;
 * - "api-key": callers send API_KEY as `Authorization: Bearer <key>` or `X-API-Key: <key>`;
 * - "sso": a single sign-on proxy in front of the app authenticates people and passes the
 *   user in the SSO_USER_HEADER header; requests without it are refused.
 */
export function createAuthenticator(mode, settings) {
  if (mode === 'api-key') {
    return (req) => {
      const authorization = String(req.headers.authorization ?? '');
      const given = authorization.startsWith('Bearer ') ? authorization.slice(7) : req.headers['x-api-key'];
      if (typeof given !== 'string' || given === '' || !sameSecret(given, settings.API_KEY)) {
        throw new HttpError(401, t('http.unauthorized'), t('http.sendApiKey'), {
          headers: { 'www-authenticate': 'Bearer' },
        });
      }
    };
  }
  if (mode === 'sso') {
    const header = String(settings.SSO_USER_HEADER).toLowerCase();
    return (req) => {
      const user = req.headers[header];
      if (typeof user !== 'string' || user.trim() === '') {
        throw new HttpError(401, t('http.unauthorized'), t('http.signIn', { header }));
      }
    };
  }
  return () => {};
}
