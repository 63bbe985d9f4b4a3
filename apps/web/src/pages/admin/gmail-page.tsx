import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { callRoute } from '../../api/api';
import type { GmailOverview, GmailSyncResult } from '../../api/types';
import { useRevoke } from '../../api/use-revoke';
import { ConfirmButton } from '../../components/confirm-button';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

/** Codes the consent callback sends back in `?gmail_error=`; anything else reads as the generic failure. */
const CONSENT_ERRORS = ['GMAIL_STATE_INVALID', 'GMAIL_CONSENT_DENIED', 'GMAIL_SCOPE_MISSING', 'GMAIL_ALREADY_CONNECTED', 'GMAIL_REVOKED', 'GMAIL_UNAVAILABLE', 'GMAIL_API_ERROR'] as const;

/** Admin → Gmail: connect the Google Workspace service mailbox (consent once), see how reading it goes, read it now, disconnect it. */
export function GmailPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const overview = useQuery({ queryKey: ['gmail'], queryFn: () => callRoute<GmailOverview>('gmailOverview') });
  const connect = useMutation({
    mutationFn: () => callRoute<{ url: string }>('gmailConnect'),
    // Google's consent page; it sends the browser back to this page.
    onSuccess: ({ url }) => window.location.assign(url),
  });
  const sync = useMutation({ mutationFn: (id: string) => callRoute<GmailSyncResult>('gmailSync', { params: { id } }), onSettled: () => void queryClient.invalidateQueries({ queryKey: ['gmail'] }) });
  const disconnect = useRevoke('gmailDisconnect', 'gmail');
  const failed = params.get('gmail_error');
  const failure = CONSENT_ERRORS.find((code) => code === failed);

  return (
    <section aria-labelledby="gmail-title">
      <h1 id="gmail-title">{t('gmail.title')}</h1>
      <p>{t('gmail.intro')}</p>
      {params.get('connected') ? (
        <p className="notice notice-success" role="status">
          {t('gmail.connected')}
        </p>
      ) : null}
      {failed ? (
        <p className="notice notice-error" role="alert">
          {failure ? t(`gmail.errors.${failure}`) : t('gmail.errors.other')}
        </p>
      ) : null}
      {connect.isError ? <ErrorMessage error={connect.error} /> : null}
      {sync.isError ? <ErrorMessage error={sync.error} /> : null}
      {disconnect.isError ? <ErrorMessage error={disconnect.error} /> : null}
      {sync.data ? (
        <p className="notice" role="status">
          {t('gmail.synced', { imported: sync.data.imported, duplicates: sync.data.duplicates })}
          {sync.data.resynced ? ` ${t('gmail.resynced')}` : ''}
        </p>
      ) : null}
      <QueryState query={overview} empty={<p className="notice">{t('gmail.notConfigured')}</p>}>
        {(data) =>
          data.configured ? (
            <>
              <dl className="facts">
                <dt>{t('gmail.serviceAddress')}</dt>
                <dd>
                  <code>{data.serviceAddress}</code>
                </dd>
                <dt>{t('gmail.transport')}</dt>
                <dd>{data.transport === 'gmail' ? t('gmail.transportGmail') : t('gmail.transportSmtp')}</dd>
                <dt>{t('gmail.redirectUri')}</dt>
                <dd>
                  <code>{data.redirectUri}</code>
                </dd>
              </dl>
              <p>
                <button type="button" disabled={connect.isPending} onClick={() => connect.mutate()}>
                  {t('gmail.connect')}
                </button>
              </p>
              {data.items.length === 0 ? (
                <EmptyState title={t('gmail.none')} />
              ) : (
                <DataTable
                  labelledBy="gmail-title"
                  rows={data.items}
                  rowKey={(item) => item.id}
                  columns={[
                    { key: 'email', header: t('gmail.mailbox'), cell: (item) => <>{item.email}{item.sendsOutgoingMail ? <div>{t('gmail.sendsOutgoing')}</div> : null}</> },
                    { key: 'state', header: t('gmail.state'), cell: (item) => <>{t(`gmail.states.${item.state}`)}{item.lastError ? <div><code>{item.lastError}</code></div> : null}</> },
                    { key: 'lastSync', header: t('gmail.lastSync'), cell: (item) => formatDate(item.lastSyncAt, i18n.language, t('gmail.never')) },
                    { key: 'imported', header: t('gmail.imported'), cell: (item) => item.imported },
                    {
                      key: 'actions',
                      header: t('common.actions'),
                      cell: (item) => (
                        <span className="actions">
                          <button type="button" className="secondary" disabled={sync.isPending || item.state === 'revoked'} onClick={() => sync.mutate(item.id)}>
                            {t('gmail.syncNow')}
                            <span className="visually-hidden"> {item.email}</span>
                          </button>
                          <ConfirmButton question={t('gmail.disconnectQuestion')} onConfirm={() => disconnect.mutate(item.id)}>
                            {t('gmail.disconnect')}
                            <span className="visually-hidden"> {item.email}</span>
                          </ConfirmButton>
                        </span>
                      ),
                    },
                  ]}
                />
              )}
            </>
          ) : (
            <p className="notice">{t('gmail.notConfigured')}</p>
          )
        }
      </QueryState>
    </section>
  );
}
