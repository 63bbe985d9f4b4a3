import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Agent, Page } from '../api/types';
import { useRevoke } from '../api/use-revoke';
import { formatDate } from '../i18n/i18n';
import { ConfirmButton } from './confirm-button';
import { DataTable, type Column } from './data-table';
import { ErrorMessage } from './error-message';
import { PersonName, usePeople } from './person-name';
import { EmptyState, QueryState } from './query-state';

/** Enrolled deploy agents: name, host, last seen, version, runtimes; revocable. */
export function AgentsTable({ titleId, showOwner = false }: { titleId: string; showOwner?: boolean }) {
  const { t, i18n } = useTranslation();
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => callRoute<Page<Agent>>('listAgents') });
  const revoke = useRevoke('revokeAgent', 'agents');
  const person = usePeople();
  const columns: Column<Agent>[] = [
    {
      key: 'name',
      header: t('common.name'),
      cell: (agent) => (
        <>
          <strong>{agent.name}</strong> <span className="muted small">{agent.hostname} · {agent.os}</span>
        </>
      ),
    },
    ...(showOwner ? [{ key: 'owner', header: t('deployments.owner'), cell: (agent: Agent) => <PersonName person={agent.ownerName ? { name: agent.ownerName, email: agent.ownerEmail ?? '' } : person(agent.userId)} id={agent.userId} /> }] : []),
    {
      key: 'last-seen',
      header: t('deployments.lastSeen'),
      cell: (agent) => (
        <>
          {formatDate(agent.lastSeenAt, i18n.language, t('common.never'))}
          {agent.revokedAt ? <span className="badge"> {t('admin.revoked')}</span> : agent.stale ? <span className="badge state-unhealthy"> {t('deployments.offline')}</span> : null}
        </>
      ),
    },
    { key: 'version', header: t('deployments.agentVersion'), cell: (agent) => agent.version ?? '—' },
    { key: 'runtimes', header: t('deployments.runtimes'), cell: (agent) => agent.runtimes.map((runtime) => t(`deployments.runtimeNames.${runtime}`, { defaultValue: runtime })).join(', ') || '—' },
    {
      key: 'actions',
      header: t('common.actions'),
      cell: (agent) =>
        agent.revokedAt ? null : (
          <ConfirmButton question={t('deployments.revokeAgentQuestion', { name: agent.name })} onConfirm={() => revoke.mutate(agent.id)} disabled={revoke.isPending}>
            {t('common.revoke')}
            <span className="visually-hidden"> {agent.name}</span>
          </ConfirmButton>
        ),
    },
  ];
  return (
    <>
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={agents} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('deployments.noAgents')} hint={t('deployments.noAgentsHint')} />}>
        {(data) => <DataTable labelledBy={titleId} columns={columns} rows={data.items} rowKey={(agent) => agent.id} />}
      </QueryState>
    </>
  );
}
