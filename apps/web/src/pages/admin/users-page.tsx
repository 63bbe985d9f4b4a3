import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import { ROLES, type Page, type Role, type User } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

function UserRow({ user }: { user: User }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const update = useMutation({
    mutationFn: (body: { roles?: Role[]; status?: User['status'] }) => callRoute<User>('updateUser', { params: { id: user.id }, body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  const toggleRole = (role: Role) => {
    const roles = user.roles.includes(role) ? user.roles.filter((r) => r !== role) : [...user.roles, role];
    if (roles.length) update.mutate({ roles });
  };
  return (
    <tr>
      <td>
        {user.name}
        <div className="muted small">{user.email}</div>
      </td>
      <td>
        <fieldset className="roles">
          <legend className="visually-hidden">{t('common.roles')}: {user.name}</legend>
          {ROLES.map((role) => (
            <label key={role} className="check">
              <input type="checkbox" checked={user.roles.includes(role)} disabled={update.isPending} onChange={() => toggleRole(role)} />
              {t(`roles.${role}`)}
            </label>
          ))}
        </fieldset>
        {update.isError ? <ErrorMessage error={update.error} /> : null}
      </td>
      <td>{user.status === 'active' ? t('admin.active') : t('admin.disabled')}</td>
      <td>{formatDate(user.lastLoginAt, i18n.language, t('common.never'))}</td>
      <td>
        <button type="button" className="secondary" disabled={update.isPending} onClick={() => update.mutate({ status: user.status === 'active' ? 'disabled' : 'active' })}>
          {user.status === 'active' ? t('admin.disable') : t('admin.enable')}
          <span className="visually-hidden"> {user.name}</span>
        </button>
      </td>
    </tr>
  );
}

export function UsersPage() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const users = useQuery({ queryKey: ['users', q], queryFn: () => callRoute<Page<User>>('listUsers', { query: { q, limit: 200 } }) });
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('admin.users')}</h1>
      <div className="field">
        <label htmlFor="users-q">{t('common.search')}</label>
        <input id="users-q" type="search" value={q} onChange={(event) => setQ(event.target.value)} />
      </div>
      <QueryState query={users} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="users-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th>
                  <th scope="col">{t('common.roles')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">{t('admin.lastLogin')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((user) => (
                  <UserRow key={user.id} user={user} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}
