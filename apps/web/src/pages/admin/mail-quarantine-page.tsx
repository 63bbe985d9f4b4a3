import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { callRoute } from '../../api/api';
import { routePath } from '../../api/api-routes';
import type { QuarantinedMail } from '../../api/types';
import { useRevoke } from '../../api/use-revoke';
import { ConfirmButton } from '../../components/confirm-button';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

/** Incoming mail that failed in processing: who sent it, its subject, why, when; download, release or delete each (admins only). */
export function MailQuarantinePage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const mail = useQuery({ queryKey: ['mail-quarantine'], queryFn: () => callRoute<{ items: QuarantinedMail[] }>('listQuarantinedMail') });
  const release = useMutation({
    mutationFn: (id: string) => callRoute('releaseQuarantinedMail', { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['mail-quarantine'] }),
  });
  const remove = useRevoke('deleteQuarantinedMail', 'mail-quarantine');
  return (
    <section aria-labelledby="quarantine-title">
      <h1 id="quarantine-title">{t('admin.quarantine.title')}</h1>
      <p>{t('admin.quarantine.intro')}</p>
      {release.isSuccess ? (
        <p className="notice" role="status">
          {t('admin.quarantine.released')}
        </p>
      ) : null}
      {release.isError ? <ErrorMessage error={release.error} /> : null}
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
      <QueryState query={mail} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.quarantine.empty')} />}>
        {(data) => (
          <DataTable
            labelledBy="quarantine-title"
            rows={data.items}
            rowKey={(item) => item.id}
            columns={[
              { key: 'from', header: t('admin.quarantine.from'), cell: (item) => item.envelopeFrom || '<>' },
              { key: 'subject', header: t('admin.quarantine.subject'), cell: (item) => item.subject || t('admin.quarantine.noSubject') },
              { key: 'reason', header: t('admin.quarantine.reason'), cell: (item) => <code>{item.reason ?? ''}</code> },
              { key: 'received', header: t('admin.quarantine.received'), cell: (item) => formatDate(item.receivedAt, i18n.language) },
              {
                key: 'actions',
                header: t('common.actions'),
                cell: (item) => (
                  <span className="actions">
                    <a className="button secondary" href={routePath('quarantinedMailRaw', { id: item.id })} download>
                      {t('admin.quarantine.download')}
                      <span className="visually-hidden"> {item.subject}</span>
                    </a>
                    <button type="button" className="secondary" disabled={release.isPending} onClick={() => release.mutate(item.id)}>
                      {t('admin.quarantine.release')}
                      <span className="visually-hidden"> {item.subject}</span>
                    </button>
                    <ConfirmButton question={t('admin.quarantine.deleteQuestion')} onConfirm={() => remove.mutate(item.id)}>
                      {t('admin.quarantine.delete')}
                      <span className="visually-hidden"> {item.subject}</span>
                    </ConfirmButton>
                  </span>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
