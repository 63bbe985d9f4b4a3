import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { Group, Page, User } from '../../api/types';
import { useRevoke } from '../../api/use-revoke';
import { ConfirmButton } from '../../components/confirm-button';
import { CreateForm } from '../../components/create-form';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';

function MemberPicker({ users, value, onChange, legend }: { users: User[]; value: string[]; onChange: (ids: string[]) => void; legend: string }) {
  return (
    <fieldset className="members">
      <legend>{legend}</legend>
      {users.map((user) => (
        <label key={user.id} className="check">
          <input type="checkbox" checked={value.includes(user.id)} onChange={(event) => onChange(event.target.checked ? [...value, user.id] : value.filter((id) => id !== user.id))} />
          {user.name}
        </label>
      ))}
    </fieldset>
  );
}

/** Groups of colleagues, e.g. to send a release to a whole team. */
export function GroupsPage() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [editing, setEditing] = useState<{ id: string; members: string[] } | null>(null);
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => callRoute<Page<Group>>('listGroups') });
  const users = useQuery({ queryKey: ['users'], queryFn: () => callRoute<Page<User>>('listUsers', { query: { limit: 200 } }) });
  const done = () => void queryClient.invalidateQueries({ queryKey: ['groups'] });
  const create = useMutation({
    mutationFn: () => callRoute<Group>('createGroup', { body: { name, members } }),
    onSuccess: () => {
      setName('');
      setMembers([]);
      done();
    },
  });
  const update = useMutation({ mutationFn: (group: { id: string; members: string[] }) => callRoute<Group>('updateGroup', { params: { id: group.id }, body: { members: group.members } }), onSuccess: () => (setEditing(null), done()) });
  const remove = useRevoke('deleteGroup', 'groups');
  const nameOf = (id: string) => users.data?.items.find((user) => user.id === id)?.name ?? id.slice(0, 8);
  return (
    <section aria-labelledby="groups-title">
      <h1 id="groups-title">{t('admin.groups')}</h1>
      <CreateForm mutation={create} submitLabel={t('common.create')} disabled={!name.trim()}>
        <FormField label={t('admin.groupName')} required maxLength={80} value={name} onChange={(event) => setName(event.target.value)} />
        {users.data ? <MemberPicker users={users.data.items} value={members} onChange={setMembers} legend={t('admin.members')} /> : null}
      </CreateForm>
      {remove.isError ? <ErrorMessage error={remove.error} /> : null}
      {update.isError ? <ErrorMessage error={update.error} /> : null}
      <QueryState query={groups} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <ul className="plain">
            {data.items.map((group) => (
              <li key={group.id} className="panel">
                <h2>{group.name}</h2>
                {editing?.id === group.id && users.data ? (
                  <form
                    onSubmit={(event) => {
                      event.preventDefault();
                      update.mutate(editing);
                    }}
                  >
                    <MemberPicker users={users.data.items} value={editing.members} onChange={(ids) => setEditing({ id: group.id, members: ids })} legend={t('admin.membersOf', { name: group.name })} />
                    <div className="row">
                      <button type="submit" disabled={update.isPending}>
                        {t('common.save')}
                      </button>
                      <button type="button" className="secondary" onClick={() => setEditing(null)}>
                        {t('common.cancel')}
                      </button>
                    </div>
                  </form>
                ) : (
                  <>
                    <p className="small">{group.members.length ? group.members.map(nameOf).join(', ') : t('admin.noMembers')}</p>
                    <div className="row wrap">
                      <button type="button" className="secondary" onClick={() => setEditing({ id: group.id, members: group.members })}>
                        {t('admin.editMembers')}
                        <span className="visually-hidden"> {group.name}</span>
                      </button>
                      <ConfirmButton question={t('admin.deleteGroupQuestion', { name: group.name })} onConfirm={() => remove.mutate(group.id)} disabled={remove.isPending}>
                        {t('admin.deleteGroup')}
                        <span className="visually-hidden"> {group.name}</span>
                      </ConfirmButton>
                    </div>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}
