import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { ApiError } from '../api/api-error';
import { FormField } from '../components/form-field';
import { ErrorMessage } from '../components/error-message';
import { FeedTokens } from '../components/feed-tokens';

/** My account: change my password (the current one is needed; my other sessions end), and my feed tokens. */
export function AccountPage() {
  const { t } = useTranslation();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => callRoute<null>('changePassword', { body: { currentPassword: current, newPassword: next } }),
    onSuccess: () => {
      setCurrent('');
      setNext('');
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    change.mutate();
  };
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">{t('password.accountTitle')}</h1>
      <form onSubmit={submit} className="panel">
        <h2>{t('password.changeTitle')}</h2>
        <FormField label={t('password.current')} type="password" name="current-password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        <FormField label={t('password.new')} hint={t('auth.passwordHint')} type="password" name="new-password" autoComplete="new-password" required minLength={10} value={next} onChange={(e) => setNext(e.target.value)} />
        {change.isSuccess ? <p role="status" className="good">{t('password.changed')}</p> : null}
        {change.error instanceof ApiError && change.error.code === 'WRONG_PASSWORD' ? (
          <p className="notice notice-error" role="alert">
            {t('password.wrongCurrent')}
          </p>
        ) : change.isError ? (
          <ErrorMessage error={change.error} />
        ) : null}
        <button type="submit" disabled={change.isPending}>
          {t('password.save')}
        </button>
      </form>
      <FeedTokens />
    </section>
  );
}
