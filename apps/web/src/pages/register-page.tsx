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

export function RegisterPage() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const [form, setForm] = useState({ organization: '', name: '', email: '', password: '' });
  const set = (key: keyof typeof form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const register = useMutation({
    mutationFn: () => callRoute<SessionResponse>('register', { body: { ...form, cookie: true }, noRefresh: true }),
    onSuccess: signedIn,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    register.mutate();
  };
  return (
    <AuthLayout title={t('auth.registerTitle')}>
      <form onSubmit={submit}>
        <FormField label={t('auth.organization')} name="organization" autoComplete="organization" required minLength={2} value={form.organization} onChange={set('organization')} />
        <FormField label={t('auth.yourName')} name="name" autoComplete="name" required value={form.name} onChange={set('name')} />
        <FormField label={t('common.email')} type="email" name="email" autoComplete="email" required value={form.email} onChange={set('email')} />
        <FormField label={t('common.password')} type="password" name="password" autoComplete="new-password" required minLength={10} hint={t('auth.passwordHint')} value={form.password} onChange={set('password')} />
        {register.isError ? <ErrorMessage error={register.error} /> : null}
        <button type="submit" disabled={register.isPending}>
          {t('auth.register')}
        </button>
      </form>
      <p>
        <Link to="/">{t('auth.haveAccount')}</Link>
      </p>
    </AuthLayout>
  );
}
