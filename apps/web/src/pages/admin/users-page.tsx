import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import { ROLES, type Page, type Role, type User } from '../../api/types';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

type UserUpdate = { id: string; roles?: Role[]; status?: User['status'] };

export function UsersPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [q, setQ] = useState('');
  const users = useQuery({ queryKey: ['users', q], queryFn: () => callRoute<Page<User>>('listUsers', { query: { q, limit: 200 } }) });
  const update = useMutation({
    mutationFn: ({ id, ...body }: UserUpdate) => callRoute<User>('updateUser', { params: { id }, body }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  /** The update in flight or last failed, if it is this user's. */
  const updating = (user: User) => (update.variables?.id === user.id ? update : null);
  /**
   * The organisation's only active admin, as far as the whole list shows (not a search's part of it): the
   * server refuses to disable them or take their admin role (LAST_ADMIN), so those controls are not offered.
   */
  const onlyAdmin = (data: Page<User>, user: User) => {
    const admins = data.items.filter((u) => u.status === 'active' && u.roles.includes('admin'));
    return !q && data.items.length >= (data.total ?? data.items.length) && admins.length === 1 && admins[0]!.id === user.id;
  };
  const toggleRole = (user: User, role: Role) => {
    const roles = user.roles.includes(role) ? user.roles.filter((r) => r !== role) : [...user.roles, role];
    if (roles.length) update.mutate({ id: user.id, roles });
  };
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('admin.users')}</h1>
      <div className="field">
        <label htmlFor="users-q">{t('common.search')}</label>
        <input id="users-q" type="search" value={q} onChange={(event) => setQ(event.target.value)} />
      </div>
      <QueryState query={users} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <DataTable
            labelledBy="users-title"
            rows={data.items}
            rowKey={(user) => user.id}
            columns={[
              {
                key: 'name',
                header: t('common.name'),
                cell: (user) => (
                  // One element per cell: on a phone the row stacks each cell as label | value.
                  <div>
                    {user.name}
                    <div className="muted small">{user.email}</div>
                  </div>
                ),
              },
              {
                key: 'roles',
                header: t('common.roles'),
                cell: (user) => (
                  <div>
                    <fieldset className="roles">
                      <legend className="visually-hidden">{t('common.roles')}: {user.name}</legend>
                      {ROLES.map((role) => (
                        <label key={role} className="check">
                          <input
                            type="checkbox"
                            checked={user.roles.includes(role)}
                            // a user keeps at least one role, and the only admin keeps theirs
                            disabled={updating(user)?.isPending || (user.roles.length === 1 && user.roles[0] === role) || (role === 'admin' && onlyAdmin(data, user))}
                            onChange={() => toggleRole(user, role)}
                          />
                          {t(`roles.${role}`)}
                        </label>
                      ))}
                    </fieldset>
                    {updating(user)?.isError ? <ErrorMessage error={update.error} /> : null}
                  </div>
                ),
              },
              { key: 'status', header: t('common.status'), cell: (user) => (user.status === 'active' ? t('admin.active') : t('admin.disabled')) },
              { key: 'last-login', header: t('admin.lastLogin'), cell: (user) => formatDate(user.lastLoginAt, i18n.language, t('common.never')) },
              {
                key: 'actions',
                header: t('common.actions'),
                cell: (user) =>
                  onlyAdmin(data, user) ? (
                    <p className="muted small">{t('admin.lastAdmin')}</p>
                  ) : (
                    <button type="button" className="secondary" disabled={updating(user)?.isPending} onClick={() => update.mutate({ id: user.id, status: user.status === 'active' ? 'disabled' : 'active' })}>
                      {user.status === 'active' ? t('admin.disable') : t('admin.enable')}
                      <span className="visually-hidden"> {user.name}</span>
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
