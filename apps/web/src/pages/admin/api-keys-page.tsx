import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { ApiKey, Page, Role } from '../../api/types';
import { useRevoke } from '../../api/use-revoke';
import { CreateForm, useCreateOnce } from '../../components/create-form';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { SecretBox } from '../../components/secret-box';
import { formatDate } from '../../i18n/i18n';
import { RolePicker } from './role-picker';

export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['member']);
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => callRoute<Page<ApiKey>>('listApiKeys') });
  const create = useCreateOnce({ listKey: 'api-keys', create: () => callRoute<ApiKey & { key: string }>('createApiKey', { body: { name, roles } }), onCreated: () => setName('') });
  const revoke = useRevoke('revokeApiKey', 'api-keys');
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('admin.apiKeys')}</h1>
      <CreateForm mutation={create.mutation} submitLabel={t('common.create')} disabled={roles.length === 0}>
        <FormField label={t('admin.keyName')} required maxLength={120} value={name} onChange={(event) => setName(event.target.value)} />
        <RolePicker value={roles} onChange={setRoles} />
      </CreateForm>
      {create.created ? <SecretBox label={t('admin.keyOnce')} value={create.created.key} onClose={create.dismiss} /> : null}
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={keys} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <DataTable
            labelledBy="keys-title"
            stack={false}
            rows={data.items}
            rowKey={(key) => key.id}
            columns={[
              { key: 'name', header: t('common.name'), cell: (key) => key.name },
              { key: 'prefix', header: t('admin.prefix'), cell: (key) => <code>{key.prefix}…</code> },
              { key: 'roles', header: t('common.roles'), cell: (key) => key.roles.map((role) => t(`roles.${role}`)).join(', ') },
              { key: 'last-used', header: t('admin.lastUsed'), cell: (key) => formatDate(key.lastUsedAt, i18n.language, t('common.never')) },
              {
                key: 'actions',
                header: t('common.actions'),
                cell: (key) =>
                  key.revokedAt ? (
                    t('admin.revoked')
                  ) : (
                    <button type="button" className="secondary" onClick={() => revoke.mutate(key.id)}>
                      {t('common.revoke')}
                      <span className="visually-hidden"> {key.name}</span>
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
