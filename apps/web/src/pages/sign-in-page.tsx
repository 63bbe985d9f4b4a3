import { useState, type FormEvent } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { ApiError } from '../api/api-error';
import { routePath } from '../api/api-routes';
import type { SessionResponse, SsoProviders } from '../api/types';
import { useSession } from '../auth/session';
import { AuthLayout } from '../components/layout';
import { FormField } from '../components/form-field';
import { ErrorMessage } from '../components/error-message';

/** The `?sso_error=` codes the server's single sign-on callback sends back (apps/server oidc-client.ts). */
const SSO_ERRORS = new Set(['NOT_INVITED', 'USER_DISABLED', 'OTHER_ORGANIZATION', 'ORGANIZATION_UNKNOWN', 'EMAIL_MISSING', 'EMAIL_UNVERIFIED', 'STATE_INVALID', 'IDP_DENIED', 'IDP_ERROR', 'IDP_UNAVAILABLE', 'TOKEN_INVALID']);

export function SignInPage() {
  const { t } = useTranslation();
  const { signedIn, ended } = useSession();
  const location = useLocation();
  const [searchParams] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => callRoute<SessionResponse>('login', { body: { email, password, cookie: true }, noRefresh: true }),
    onSuccess: signedIn,
  });
  // A server without single sign-on (or an older one) simply shows no button.
  const sso = useQuery({ queryKey: ['sso-providers'], queryFn: () => callRoute<SsoProviders>('ssoProviders', { noRefresh: true }), retry: false, staleTime: 60_000 });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };

  const rawSsoError = searchParams.get('sso_error');
  // Only a code's own characters are ever shown back; anything else reads as an unknown code.
  const ssoError = rawSsoError === null ? '' : /^[A-Z_]{1,40}$/.test(rawSsoError) ? rawSsoError : 'UNKNOWN';
  // Back to the page that asked for sign-in (the sign-in page shows on any URL while signed out).
  const back = new URLSearchParams(searchParams);
  back.delete('sso_error');
  const returnTo = `${location.pathname}${back.size ? `?${back.toString()}` : ''}`;
  const providers = sso.data?.enabled ? sso.data.providers : [];

  return (
    <AuthLayout title={t('auth.signInTitle')}>
      {ended && !ssoError ? (
        <div className="notice" role="status">
          <p>{t('auth.sessionEnded')}</p>
        </div>
      ) : null}
      {ssoError ? (
        <div className="notice notice-error" role="alert">
          <p>
            <strong>{t('auth.ssoFailed')}</strong>
          </p>
          <p>{SSO_ERRORS.has(ssoError) ? t(`auth.ssoErrors.${ssoError}`) : t('auth.ssoErrors.unknown', { code: ssoError })}</p>
        </div>
      ) : null}
      {providers.length ? (
        <>
          <p>
            {providers.map((provider) => (
              <a key={provider.id} className="button" href={`${routePath('ssoStart')}?returnTo=${encodeURIComponent(returnTo).replace(/%2F/g, '/')}`}>
                {t('auth.ssoWith', { name: provider.name })}
              </a>
            ))}
          </p>
          <p className="muted">{t('auth.ssoOr')}</p>
        </>
      ) : null}
      <form onSubmit={submit} noValidate={false}>
        <FormField label={t('common.email')} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <FormField label={t('common.password')} type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {login.error instanceof ApiError && login.error.code === 'INVALID_CREDENTIALS' ? (
          <p className="notice notice-error" role="alert">
            {t('auth.wrongCredentials')}
          </p>
        ) : login.error instanceof ApiError && login.error.code === 'ACCOUNT_LOCKED' ? (
          <p className="notice notice-error" role="alert">
            {t('auth.accountLocked', { count: Math.max(1, Math.ceil((login.error.retryAfterSeconds ?? 60) / 60)) })}
          </p>
        ) : login.isError ? (
          <ErrorMessage error={login.error} />
        ) : null}
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? t('auth.signingIn') : t('auth.signIn')}
        </button>
      </form>
      <p>
        <Link to="/reset-password">{t('auth.forgotPassword')}</Link>
      </p>
      <p>
        <Link to="/register">{t('auth.noAccount')}</Link>
      </p>
    </AuthLayout>
  );
}
