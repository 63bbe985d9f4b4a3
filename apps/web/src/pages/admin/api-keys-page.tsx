import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { ApiKey, Page, Role } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { SecretBox } from '../../components/secret-box';
import { formatDate } from '../../i18n/i18n';
import { RolePicker } from './role-picker';

export function ApiKeysPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [roles, setRoles] = useState<Role[]>(['member']);
  const [secret, setSecret] = useState<string | null>(null);
  const keys = useQuery({ queryKey: ['api-keys'], queryFn: () => callRoute<Page<ApiKey>>('listApiKeys') });
  const create = useMutation({
    mutationFn: () => callRoute<ApiKey & { key: string }>('createApiKey', { body: { name, roles } }),
    onSuccess: (key) => {
      setSecret(key.key);
      setName('');
      void queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => callRoute('revokeApiKey', { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['api-keys'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">{t('admin.apiKeys')}</h1>
      <form onSubmit={submit} className="panel">
        <FormField label={t('admin.keyName')} required maxLength={120} value={name} onChange={(event) => setName(event.target.value)} />
        <RolePicker value={roles} onChange={setRoles} />
        {create.isError ? <ErrorMessage error={create.error} /> : null}
        <button type="submit" disabled={create.isPending || roles.length === 0}>
          {t('common.create')}
        </button>
      </form>
      {secret ? <SecretBox label={t('admin.keyOnce')} value={secret} onClose={() => setSecret(null)} /> : null}
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={keys} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="keys-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th>
                  <th scope="col">{t('admin.prefix')}</th>
                  <th scope="col">{t('common.roles')}</th>
                  <th scope="col">{t('admin.lastUsed')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((key) => (
                  <tr key={key.id}>
                    <td>{key.name}</td>
                    <td>
                      <code>{key.prefix}…</code>
                    </td>
                    <td>{key.roles.map((role) => t(`roles.${role}`)).join(', ')}</td>
                    <td>{formatDate(key.lastUsedAt, i18n.language, t('common.never'))}</td>
                    <td>
                      {key.revokedAt ? (
                        t('admin.revoked')
                      ) : (
                        <button type="button" className="secondary" onClick={() => revoke.mutate(key.id)}>
                          {t('common.revoke')}
                          <span className="visually-hidden"> {key.name}</span>
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
