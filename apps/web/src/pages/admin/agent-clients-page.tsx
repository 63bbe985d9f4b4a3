import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import { ApiError } from '../../api/api-error';
import type { AgentClient, Page } from '../../api/types';
import { useRevoke } from '../../api/use-revoke';
import { CreateForm, useCreateOnce } from '../../components/create-form';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { SecretBox } from '../../components/secret-box';
import { formatDate } from '../../i18n/i18n';

export function AgentClientsPage() {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const clients = useQuery({ queryKey: ['agent-clients'], queryFn: () => callRoute<Page<AgentClient>>('listAgentClients') });
  const create = useCreateOnce({ listKey: 'agent-clients', create: () => callRoute<AgentClient & { clientSecret: string }>('createAgentClient', { body: { name } }), onCreated: () => setName('') });
  const enrol = useMutation({ mutationFn: () => callRoute<{ code: string; expiresAt: string }>('createEnrollment') });
  const revoke = useRevoke('revokeAgentClient', 'agent-clients');
  return (
    <section aria-labelledby="clients-title">
      <h1 id="clients-title">{t('admin.agentClients')}</h1>
      <CreateForm mutation={create.mutation} submitLabel={t('common.create')}>
        <FormField label={t('admin.clientName')} required maxLength={120} value={name} onChange={(event) => setName(event.target.value)} />
      </CreateForm>
      {create.created ? <SecretBox label={t('admin.secretOnce', { clientId: create.created.clientId })} value={create.created.clientSecret} onClose={create.dismiss} /> : null}
      <div className="panel">
        <h2>{t('deployments.enrolTitle')}</h2>
        <p className="muted">{t('deployments.enrolHint')}</p>
        <button type="button" onClick={() => enrol.mutate()} disabled={enrol.isPending}>
          {t('deployments.enrol')}
        </button>
        {enrol.isError ? enrol.error instanceof ApiError && enrol.error.notAvailable ? <p role="status">{t('common.notAvailable')}</p> : <ErrorMessage error={enrol.error} /> : null}
        {enrol.data ? <SecretBox label={t('deployments.enrolCode', { expires: formatDate(enrol.data.expiresAt, i18n.language) })} value={enrol.data.code} onClose={() => enrol.reset()} /> : null}
      </div>
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={clients} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <DataTable
            labelledBy="clients-title"
            stack={false}
            rows={data.items}
            rowKey={(client) => client.id}
            columns={[
              { key: 'name', header: t('common.name'), cell: (client) => client.name },
              { key: 'client-id', header: t('admin.clientId'), cell: (client) => <code>{client.clientId}</code> },
              { key: 'last-token', header: t('admin.lastToken'), cell: (client) => formatDate(client.lastTokenAt, i18n.language, t('common.never')) },
              {
                key: 'actions',
                header: t('common.actions'),
                cell: (client) =>
                  client.revokedAt ? (
                    t('admin.revoked')
                  ) : (
                    <button type="button" className="secondary" onClick={() => revoke.mutate(client.id)}>
                      {t('common.revoke')}
                      <span className="visually-hidden"> {client.name}</span>
                    </button>
                  ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
