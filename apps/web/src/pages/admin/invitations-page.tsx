import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { CreatedInvitation, Invitation, Page, Role } from '../../api/types';
import { useRevoke } from '../../api/use-revoke';
import { CreateForm, useCreateOnce } from '../../components/create-form';
import { DataTable } from '../../components/data-table';
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
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<Role[]>(['member']);
  const invitations = useQuery({ queryKey: ['invitations'], queryFn: () => callRoute<Page<Invitation>>('listInvitations') });
  const create = useCreateOnce({ listKey: 'invitations', create: () => callRoute<CreatedInvitation>('createInvitation', { body: { email, roles } }), onCreated: () => setEmail('') });
  const revoke = useRevoke('revokeInvitation', 'invitations');
  return (
    <section aria-labelledby="invitations-title">
      <h1 id="invitations-title">{t('admin.invitations')}</h1>
      <CreateForm mutation={create.mutation} submitLabel={t('admin.invite')} disabled={roles.length === 0}>
        <FormField label={t('admin.inviteEmail')} type="email" required value={email} onChange={(event) => setEmail(event.target.value)} />
        <RolePicker value={roles} onChange={setRoles} />
      </CreateForm>
      {create.created ? <SecretBox label={t('admin.inviteLink', { email: create.created.email })} value={inviteLink(create.created.token)} onClose={create.dismiss} /> : null}
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={invitations} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <DataTable
            labelledBy="invitations-title"
            stack={false}
            rows={data.items}
            rowKey={(invitation) => invitation.id}
            columns={[
              { key: 'email', header: t('common.email'), cell: (invitation) => invitation.email },
              { key: 'roles', header: t('common.roles'), cell: (invitation) => invitation.roles.map((role) => t(`roles.${role}`)).join(', ') },
              { key: 'status', header: t('common.status'), cell: (invitation) => t(`admin.inviteState.${invitation.state}`) },
              { key: 'expires', header: t('admin.expires'), cell: (invitation) => formatDate(invitation.expiresAt, i18n.language) },
              {
                key: 'actions',
                header: t('common.actions'),
                cell: (invitation) =>
                  invitation.state === 'pending' ? (
                    <button type="button" className="secondary" onClick={() => revoke.mutate(invitation.id)}>
                      {t('common.revoke')}
                      <span className="visually-hidden"> {invitation.email}</span>
                    </button>
                  ) : null,
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
