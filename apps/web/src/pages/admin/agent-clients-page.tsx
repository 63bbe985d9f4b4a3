import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import { ApiError } from '../../api/api-error';
import type { AgentClient, Page } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { SecretBox } from '../../components/secret-box';
import { formatDate } from '../../i18n/i18n';

export function AgentClientsPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<(AgentClient & { clientSecret: string }) | null>(null);
  const clients = useQuery({ queryKey: ['agent-clients'], queryFn: () => callRoute<Page<AgentClient>>('listAgentClients') });
  const create = useMutation({
    mutationFn: () => callRoute<AgentClient & { clientSecret: string }>('createAgentClient', { body: { name } }),
    onSuccess: (client) => {
      setCreated(client);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['agent-clients'] });
    },
  });
  const enrol = useMutation({ mutationFn: () => callRoute<{ code: string; expiresAt: string }>('createEnrollment') });
  const revoke = useMutation({
    mutationFn: (id: string) => callRoute('revokeAgentClient', { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['agent-clients'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="clients-title">
      <h1 id="clients-title">{t('admin.agentClients')}</h1>
      <form onSubmit={submit} className="panel">
        <FormField label={t('admin.clientName')} required maxLength={120} value={name} onChange={(event) => setName(event.target.value)} />
        {create.isError ? <ErrorMessage error={create.error} /> : null}
        <button type="submit" disabled={create.isPending}>
          {t('common.create')}
        </button>
      </form>
      {created ? <SecretBox label={t('admin.secretOnce', { clientId: created.clientId })} value={created.clientSecret} onClose={() => setCreated(null)} /> : null}
      <div className="panel">
        <h2>{t('admin.enrolTitle')}</h2>
        <p className="muted">{t('admin.enrolHint')}</p>
        <button type="button" onClick={() => enrol.mutate()} disabled={enrol.isPending}>
          {t('admin.enrol')}
        </button>
        {enrol.isError ? enrol.error instanceof ApiError && enrol.error.notAvailable ? <p role="status">{t('common.notAvailable')}</p> : <ErrorMessage error={enrol.error} /> : null}
        {enrol.data ? <SecretBox label={t('admin.enrolCode', { expires: formatDate(enrol.data.expiresAt, i18n.language) })} value={enrol.data.code} onClose={() => enrol.reset()} /> : null}
      </div>
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={clients} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="clients-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th>
                  <th scope="col">{t('admin.clientId')}</th>
                  <th scope="col">{t('admin.lastToken')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((client) => (
                  <tr key={client.id}>
                    <td>{client.name}</td>
                    <td>
                      <code>{client.clientId}</code>
                    </td>
                    <td>{formatDate(client.lastTokenAt, i18n.language, t('common.never'))}</td>
                    <td>
                      {client.revokedAt ? (
                        t('admin.revoked')
                      ) : (
                        <button type="button" className="secondary" onClick={() => revoke.mutate(client.id)}>
                          {t('common.revoke')}
                          <span className="visually-hidden"> {client.name}</span>
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}
