import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { SessionResponse } from '../api/types';
import { useSession } from '../auth/session';
import { AuthLayout } from '../components/layout';
import { FormField } from '../components/form-field';
import { ErrorMessage } from '../components/error-message';

function tokenFromHash(): string {
  try {
    return decodeURIComponent(window.location.hash.replace(/^#/, ''));
  } catch {
    return '';
  }
}

/** `/invite#<token>`: the token stays in the fragment, so it never reaches server logs. */
export function InvitePage() {
  const { t } = useTranslation();
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [token, setToken] = useState(tokenFromHash);
  useEffect(() => {
    const update = () => setToken(tokenFromHash());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useMutation({
    mutationFn: () => callRoute<SessionResponse>('acceptInvitation', { body: { token, name, password, cookie: true }, noRefresh: true }),
    onSuccess: (session) => {
      signedIn(session);
      void navigate('/', { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    accept.mutate();
  };
  return (
    <AuthLayout title={t('auth.inviteTitle')}>
      {token.length < 10 ? (
        <p className="notice notice-error" role="alert">
          {t('auth.inviteMissing')}
        </p>
      ) : (
        <form onSubmit={submit}>
          <FormField label={t('auth.yourName')} name="name" autoComplete="name" required value={name} onChange={(e) => setName(e.target.value)} />
          <FormField label={t('common.password')} type="password" name="password" autoComplete="new-password" required minLength={10} hint={t('auth.passwordHint')} value={password} onChange={(e) => setPassword(e.target.value)} />
          {accept.isError ? <ErrorMessage error={accept.error} /> : null}
          <button type="submit" disabled={accept.isPending}>
            {t('auth.accept')}
          </button>
        </form>
      )}
    </AuthLayout>
  );
}
