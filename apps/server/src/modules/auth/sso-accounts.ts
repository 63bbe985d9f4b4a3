import type { Db } from '../../db/schema.js';
import { findOrganizationByIdOrSlug, findUserByEmail, insertUser, type UserRow } from '../accounts/accounts-repository.js';
import { acceptInvitationWithoutPassword, findOpenInvitation } from '../accounts/invitations.js';
import { SsoError, type SsoIdentity } from './oidc-client.js';

export type SsoAccountSource = 'existing' | 'invitation' | 'provisioned';

/**
 * The account a verified identity signs in to: the user with that e-mail; else the newest open
 * invitation for it (accepted now); else, when SSO is bound to an organisation, a new member of it.
 * With a bound organisation, only that organisation's users and invitations count.
 */
export async function accountForIdentity(db: Db, identity: SsoIdentity, boundOrganization: string | undefined): Promise<{ user: UserRow; source: SsoAccountSource }> {
  let orgId: string | undefined;
  if (boundOrganization) {
    const organization = await findOrganizationByIdOrSlug(db, boundOrganization);
    if (!organization) throw new SsoError('ORGANIZATION_UNKNOWN', `OIDC_ORGANIZATION is '${boundOrganization}', which is neither the id nor the slug of an organisation on this server.`);
    orgId = organization.id;
  }
  const existing = await findUserByEmail(db, identity.email);
  if (existing) {
    if (orgId && existing.org_id !== orgId) throw new SsoError('OTHER_ORGANIZATION', `${identity.email} belongs to an organisation that does not sign in through this identity provider.`);
    if (existing.status !== 'active') throw new SsoError('USER_DISABLED', `The account of ${identity.email} is disabled.`);
    return { user: existing, source: 'existing' };
  }
  const name = identity.name ?? identity.email.split('@')[0]!.slice(0, 120);
  const invitation = await findOpenInvitation(db, identity.email, orgId);
  if (invitation) return { user: await acceptInvitationWithoutPassword(db, invitation.id, name), source: 'invitation' };
  if (orgId) return { user: await insertUser(db, { orgId, email: identity.email, name, passwordHash: null, roles: ['member'] }), source: 'provisioned' };
  throw new SsoError('NOT_INVITED', `${identity.email} has no account and no open invitation on this server.`);
}
