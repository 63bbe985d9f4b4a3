import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { SessionResponse } from '../api/types';
import { useSession } from '../auth/session';
import { AuthLayout } from '../components/layout';
import { FormField } from '../components/form-field';
import { ErrorMessage } from '../components/error-message';

export function SignInPage() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => callRoute<SessionResponse>('login', { body: { email, password, cookie: true }, noRefresh: true }),
    onSuccess: signedIn,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <AuthLayout title={t('auth.signInTitle')}>
      <form onSubmit={submit} noValidate={false}>
        <FormField label={t('common.email')} type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        <FormField label={t('common.password')} type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        {login.isError ? <ErrorMessage error={login.error} /> : null}
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? t('auth.signingIn') : t('auth.signIn')}
        </button>
      </form>
      <p>
        <Link to="/register">{t('auth.noAccount')}</Link>
      </p>
    </AuthLayout>
  );
}
