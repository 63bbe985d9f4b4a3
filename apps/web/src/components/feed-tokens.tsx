import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { CreatedFeedToken, FeedToken } from '../api/types';
import { useCreateOnce } from './create-form';
import { ErrorMessage } from './error-message';
import { SecretBox } from './secret-box';
import { formatDate } from '../i18n/i18n';

/** My feed tokens: make one (its Atom and JSON Feed links shown once, with copy buttons), see and revoke them. */
export function FeedTokens() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: ['feed-tokens'], queryFn: () => callRoute<{ items: FeedToken[] }>('listFeedTokens') });
  const create = useCreateOnce({ listKey: 'feed-tokens', create: () => callRoute<CreatedFeedToken>('createFeedToken', { body: { name: t('feeds.defaultName') } }), onCreated: () => undefined });
  const revoke = useMutation({ mutationFn: (id: string) => callRoute<null>('revokeFeedToken', { params: { id } }), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['feed-tokens'] }) });
  const live = (tokens.data?.items ?? []).filter((token) => !token.revokedAt);
  return (
    <section aria-labelledby="feeds-title" className="panel">
      <h2 id="feeds-title">{t('feeds.title')}</h2>
      <p>{t('feeds.intro')}</p>
      {create.mutation.error ? <ErrorMessage error={create.mutation.error} /> : null}
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <button type="button" disabled={create.mutation.isPending} onClick={() => create.mutation.mutate()}>
        {t('feeds.create')}
      </button>
      {create.created ? (
        <>
          <SecretBox label={t('feeds.atomOnce')} value={create.created.atomUrl} onClose={create.dismiss} />
          <SecretBox label={t('feeds.jsonOnce')} value={create.created.jsonUrl} onClose={create.dismiss} />
        </>
      ) : null}
      {live.length ? (
        <ul>
          {live.map((token) => (
            <li key={token.id}>
              <code>{`mpf_${token.prefix}…`}</code> {t('feeds.lastUsed', { when: formatDate(token.lastUsedAt, i18n.language, t('common.never')) })}{' '}
              <button type="button" className="secondary" onClick={() => revoke.mutate(token.id)}>
                {t('common.revoke')}
                <span className="visually-hidden">{` mpf_${token.prefix}`}</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
