import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { ApiError } from '../api/api-error';
import { AuthLayout } from '../components/layout';
import { FormField } from '../components/form-field';
import { ErrorMessage } from '../components/error-message';

/** The token of a reset link (`/reset-password#token=…`: in the fragment, so it reaches no server log or Referer). */
const tokenOf = (hash: string) => new URLSearchParams(hash.replace(/^#/, '')).get('token') ?? '';

/** "Forgot password?": ask for a link by e-mail, or (opened from that link) choose a new password. */
export function ResetPasswordPage() {
  const { t } = useTranslation();
  const [token] = useState(() => tokenOf(window.location.hash));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const ask = useMutation({ mutationFn: () => callRoute<{ message: string }>('requestPasswordReset', { body: { email }, noRefresh: true }) });
  const confirm = useMutation({ mutationFn: () => callRoute<null>('confirmPasswordReset', { body: { token, newPassword: password }, noRefresh: true }) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (token) confirm.mutate();
    else ask.mutate();
  };
  if (confirm.isSuccess) {
    return (
      <AuthLayout title={t('password.resetTitle')}>
        <p role="status" className="good">{t('password.resetDone')}</p>
        <p>
          <Link to="/">{t('auth.signIn')}</Link>
        </p>
      </AuthLayout>
    );
  }
  return (
    <AuthLayout title={t('password.resetTitle')}>
      <form onSubmit={submit}>
        {token ? (
          <FormField label={t('password.new')} hint={t('auth.passwordHint')} type="password" name="new-password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} />
        ) : (
          <>
            <p>{t('password.resetIntro')}</p>
            <FormField label={t('common.email')} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </>
        )}
        {ask.isSuccess ? <p role="status">{t('password.resetSent')}</p> : null}
        {ask.isError ? <ErrorMessage error={ask.error} /> : null}
        {confirm.error instanceof ApiError && confirm.error.code === 'RESET_LINK_INVALID' ? (
          <div className="notice notice-error" role="alert">
            <p>{t('password.linkInvalid')}</p>
            {/* a full load: the page starts again without the link's token */}
            <p>
              <a href="/reset-password">{t('password.askAgain')}</a>
            </p>
          </div>
        ) : confirm.isError ? (
          <ErrorMessage error={confirm.error} />
        ) : null}
        <button type="submit" disabled={ask.isPending || confirm.isPending}>
          {token ? t('password.save') : t('password.sendLink')}
        </button>
      </form>
      <p>
        <Link to="/">{t('auth.signIn')}</Link>
      </p>
    </AuthLayout>
  );
}
