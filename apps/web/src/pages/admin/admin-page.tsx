import { NavLink, Outlet } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';

const SECTIONS = ['users', 'invitations', 'groups', 'agents', 'api-keys', 'agent-clients', 'keys', 'llm', 'webhooks', 'git-export', 'gmail', 'mcp-servers', 'config', 'policy', 'mail-quarantine', 'outgoing-mail', 'mail-templates', 'mail', 'audit'] as const;
const LABELS = {
  users: 'admin.users', invitations: 'admin.invitations', groups: 'admin.groups', agents: 'admin.agents', 'api-keys': 'admin.apiKeys', 'agent-clients': 'admin.agentClients',
  keys: 'admin.orgKeys', llm: 'admin.llm.title', webhooks: 'webhooks.title', 'git-export': 'gitExport.title', gmail: 'gmail.title', 'mcp-servers': 'mcpServers.title', config: 'admin.config', policy: 'policy.title', 'mail-quarantine': 'admin.quarantine.title', 'outgoing-mail': 'outgoingMail.title', 'mail-templates': 'mailTemplates.title', mail: 'mail.title', audit: 'admin.audit',
} as const;

/** The admin area: a section list and the section's page. */
export function AdminPage() {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  if (!hasRole('admin')) {
    return (
      <>
        <h1>{t('admin.title')}</h1>
        <p className="notice notice-error" role="alert">
          {t('common.forbidden')}
        </p>
      </>
    );
  }
  return (
    <div className="admin">
      <nav aria-label={t('admin.title')} className="subnav">
        <ul>
          {SECTIONS.map((section) => (
            <li key={section}>
              <NavLink to={`/admin/${section}`}>{t(LABELS[section])}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <div className="admin-body">
        <Outlet />
      </div>
    </div>
  );
}
