import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { OrgKeys } from '../../api/types';
import { ConfirmButton } from '../../components/confirm-button';
import { DataTable } from '../../components/data-table';
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
            <DataTable
              labelledBy="keys-title"
              rows={data.keys}
              rowKey={(key) => key.keyId}
              columns={[
                { key: 'key-id', header: t('appPage.keyId'), cell: (key) => <code>{key.keyId}</code> },
                { key: 'status', header: t('common.status'), cell: (key) => (key.status === 'active' ? t('admin.active') : `${t('admin.revoked')} ${formatDate(key.revokedAt, i18n.language, '')}`) },
                { key: 'created', header: t('common.created'), cell: (key) => formatDate(key.createdAt, i18n.language) },
                {
                  key: 'actions',
                  header: t('common.actions'),
                  cell: (key) =>
                    key.status === 'active' ? (
                      <ConfirmButton question={t('admin.revokeKeyQuestion')} onConfirm={() => revoke.mutate(key.keyId)} disabled={revoke.isPending}>
                        {t('common.revoke')}
                        <span className="visually-hidden"> {key.keyId.slice(0, 16)}</span>
                      </ConfirmButton>
                    ) : null,
                },
              ]}
            />
          </>
        )}
      </QueryState>
    </section>
  );
}
