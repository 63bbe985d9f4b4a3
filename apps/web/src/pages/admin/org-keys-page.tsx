import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { OrgKeys } from '../../api/types';
import { ConfirmButton } from '../../components/confirm-button';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

/** The organisation's root fingerprint and release keys: rotate, revoke. */
export function OrgKeysPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: ['org-keys'], queryFn: () => callRoute<OrgKeys>('getKeys') });
  const done = () => void queryClient.invalidateQueries({ queryKey: ['org-keys'] });
  const rotate = useMutation({ mutationFn: () => callRoute<{ keyId: string; keyListVersion: number }>('rotateKey'), onSuccess: done });
  const revoke = useMutation({ mutationFn: (keyId: string) => callRoute<{ keyListVersion: number }>('revokeKey', { params: { keyId } }), onSuccess: done });
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('admin.orgKeys')}</h1>
      <QueryState query={keys} empty={<EmptyState title={t('common.notAvailable')} />}>
        {(data) => (
          <>
            <dl className="facts panel">
              <dt>{t('admin.rootFingerprint')}</dt>
              <dd>
                <code data-testid="root-fingerprint">{data.rootFingerprint}</code>
              </dd>
              <dt>{t('admin.keyListVersion')}</dt>
              <dd data-testid="key-list-version">{data.keyListVersion}</dd>
            </dl>
            <div className="row wrap">
              <ConfirmButton question={t('admin.rotateQuestion')} onConfirm={() => rotate.mutate()} disabled={rotate.isPending}>
                {t('admin.rotate')}
              </ConfirmButton>
            </div>
            {rotate.isSuccess ? <p role="status">{t('admin.rotated', { keyId: rotate.data.keyId.slice(0, 16), version: rotate.data.keyListVersion })}</p> : null}
            {rotate.isError ? <ErrorMessage error={rotate.error} /> : null}
            {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
            <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="keys-title">
              <table className="stack">
                <thead>
                  <tr>
                    <th scope="col">{t('appPage.keyId')}</th>
                    <th scope="col">{t('common.status')}</th>
                    <th scope="col">{t('common.created')}</th>
                    <th scope="col">{t('common.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.keys.map((key) => (
                    <tr key={key.keyId}>
                      <td data-label={t('appPage.keyId')}>
                        <code>{key.keyId}</code>
                      </td>
                      <td data-label={t('common.status')}>{key.status === 'active' ? t('admin.active') : `${t('admin.revoked')} ${formatDate(key.revokedAt, i18n.language, '')}`}</td>
                      <td data-label={t('common.created')}>{formatDate(key.createdAt, i18n.language)}</td>
                      <td data-label={t('common.actions')}>
                        {key.status === 'active' ? (
                          <ConfirmButton question={t('admin.revokeKeyQuestion')} onConfirm={() => revoke.mutate(key.keyId)} disabled={revoke.isPending}>
                            {t('common.revoke')}
                            <span className="visually-hidden"> {key.keyId.slice(0, 16)}</span>
                          </ConfirmButton>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </QueryState>
    </section>
  );
}
