import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { CreatedInvitation, Invitation, Page, Role } from '../../api/types';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { SecretBox } from '../../components/secret-box';
import { formatDate } from '../../i18n/i18n';
import { RolePicker } from './role-picker';

/** The link the invitee opens: this UI's /invite page with the token in the fragment. */
export const inviteLink = (token: string) => `${window.location.origin}/invite#${encodeURIComponent(token)}`;

export function InvitationsPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>(['member']);
  const [created, setCreated] = useState<CreatedInvitation | null>(null);
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: () => callRoute<Page<Invitation>>('listInvitations') });
  const create = useMutation({
    mutationFn: () => callRoute<CreatedInvitation>('createInvitation', { body: { email, roles } }),
    onSuccess: (invitation) => {
      setCreated(invitation);
      setEmail('');
      void queryClient.invalidateQueries({ queryKey: ['invitations'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => callRoute('revokeInvitation', { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['invitations'] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <section aria-labelledby="invitations-title">
      <h1 id="invitations-title">{t('admin.invitations')}</h1>
      <form onSubmit={submit} className="panel">
        <FormField label={t('admin.inviteEmail')} type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <RolePicker value={roles} onChange={setRoles} />
        {create.isError ? <ErrorMessage error={create.error} /> : null}
        <button type="submit" disabled={create.isPending || roles.length === 0}>
          {t('admin.invite')}
        </button>
      </form>
      {created ? <SecretBox label={t('admin.inviteLink', { email: created.email })} value={inviteLink(created.token)} onClose={() => setCreated(null)} /> : null}
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={invitations} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="invitations-title">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('common.email')}</th>
                  <th scope="col">{t('common.roles')}</th>
                  <th scope="col">{t('common.status')}</th>
                  <th scope="col">{t('admin.expires')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((invitation) => (
                  <tr key={invitation.id}>
                    <td>{invitation.email}</td>
                    <td>{invitation.roles.map((role) => t(`roles.${role}`)).join(', ')}</td>
                    <td>{t(`admin.inviteState.${invitation.state}`)}</td>
                    <td>{formatDate(invitation.expiresAt, i18n.language)}</td>
                    <td>
                      {invitation.state === 'pending' ? (
                        <button type="button" className="secondary" onClick={() => revoke.mutate(invitation.id)}>
                          {t('common.revoke')}
                          <span className="visually-hidden"> {invitation.email}</span>
                        </button>
                      ) : null}
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
