import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { AppOwners, Group, Page } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { QueryState } from '../components/query-state';

/** Who owns the app (users and groups, by name); owners and admins add co-owners by e-mail or group and remove them. */
export function OwnersSection({ appId }: { appId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [groupId, setGroupId] = useState('');
  const queryKey = ['app-owners', appId];
  const owners = useQuery({ queryKey, queryFn: () => callRoute<AppOwners>('listAppOwners', { params: { id: appId } }) });
  const canManage = owners.data?.canManage ?? false;
  const groups = useQuery({ queryKey: ['groups'], enabled: canManage, queryFn: () => callRoute<Page<Group>>('listGroups') });
  const saved = (data: AppOwners) => queryClient.setQueryData(queryKey, data);
  const add = useMutation({
    mutationFn: () => callRoute<AppOwners>('addAppOwner', { params: { id: appId }, body: email ? { email: email.trim() } : { groupId } }),
    onSuccess: (data) => {
      saved(data);
      setEmail('');
      setGroupId('');
    },
  });
  const remove = useMutation({ mutationFn: (ownerId: string) => callRoute<AppOwners>('removeAppOwner', { params: { id: appId, ownerId } }), onSuccess: saved });
  return (
    <section aria-labelledby="owners-title" className="panel" data-testid="owners">
      <h2 id="owners-title">{t('appPage.owners')}</h2>
      <p className="muted small">{t('appPage.ownersIntro')}</p>
      <QueryState query={owners} empty={<p className="muted">{t('common.notAvailable')}</p>}>
        {(data) => (
          <>
            {data.items.length === 0 ? <p className="muted">{t('appPage.noOwners')}</p> : null}
            <ul className="plain">
              {data.items.map((owner) => (
                <li key={owner.id}>
                  {owner.name}
                  {owner.kind === 'group' ? <span className="tag small">{t('appPage.ownerGroup')}</span> : owner.email ? <span className="muted small"> {owner.email}</span> : null}
                  {data.canManage && data.items.length > 1 ? (
                    <button type="button" className="link small" disabled={remove.isPending} onClick={() => remove.mutate(owner.id)}>
                      {t('appPage.removeOwner', { name: owner.name })}
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          </>
        )}
      </QueryState>
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
      {canManage ? (
        <form
          className="row wrap"
          onSubmit={(event) => {
            event.preventDefault();
            if (email.trim() || groupId) add.mutate();
          }}
        >
          <div className="field">
            <label htmlFor="owner-email">{t('appPage.addOwnerEmail')}</label>
            <input id="owner-email" type="email" value={email} maxLength={320} onChange={(event) => setEmail(event.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="owner-group">{t('appPage.addOwnerGroup')}</label>
            <select id="owner-group" value={groupId} disabled={!!email} onChange={(event) => setGroupId(event.target.value)}>
              <option value="">{groups.data?.items.length ? t('appPage.pickGroup') : t('appPage.noGroups')}</option>
              {groups.data?.items.map((group) => (
                <option key={group.id} value={group.id}>
                  {group.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary" disabled={(!email.trim() && !groupId) || add.isPending}>
            {t('appPage.addOwner')}
          </button>
        </form>
      ) : null}
      {add.isSuccess ? (
        <p role="status" className="good">
          {t('appPage.ownerAdded')}
        </p>
      ) : null}
      {add.isError ? <ErrorMessage error={add.error} /> : null}
    </section>
  );
}
