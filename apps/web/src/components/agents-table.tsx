import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Agent, Page } from '../api/types';
import { formatDate } from '../i18n/i18n';
import { ConfirmButton } from './confirm-button';
import { ErrorMessage } from './error-message';
import { EmptyState, QueryState } from './query-state';

/** Enrolled deploy agents: name, host, last seen, version, runtimes; revocable. */
export function AgentsTable({ titleId, showOwner = false }: { titleId: string; showOwner?: boolean }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => callRoute<Page<Agent>>('listAgents') });
  const revoke = useMutation({
    mutationFn: (id: string) => callRoute('revokeAgent', { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['agents'] }),
  });
  return (
    <>
      {revoke.isError ? <ErrorMessage error={revoke.error} /> : null}
      <QueryState query={agents} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('deployments.noAgents')} hint={t('deployments.noAgentsHint')} />}>
        {(data) => (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby={titleId}>
            <table className="stack">
              <thead>
                <tr>
                  <th scope="col">{t('common.name')}</th>
                  {showOwner ? <th scope="col">{t('deployments.owner')}</th> : null}
                  <th scope="col">{t('deployments.lastSeen')}</th>
                  <th scope="col">{t('deployments.agentVersion')}</th>
                  <th scope="col">{t('deployments.runtimes')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((agent) => (
                  <tr key={agent.id}>
                    <td data-label={t('common.name')}>
                      <strong>{agent.name}</strong> <span className="muted small">{agent.hostname} · {agent.os}</span>
                    </td>
                    {showOwner ? <td data-label={t('deployments.owner')}><code>{agent.userId.slice(0, 8)}</code></td> : null}
                    <td data-label={t('deployments.lastSeen')}>
                      {formatDate(agent.lastSeenAt, i18n.language, t('common.never'))}
                      {agent.revokedAt ? <span className="badge"> {t('admin.revoked')}</span> : agent.stale ? <span className="badge state-unhealthy"> {t('deployments.offline')}</span> : null}
                    </td>
                    <td data-label={t('deployments.agentVersion')}>{agent.version ?? '—'}</td>
                    <td data-label={t('deployments.runtimes')}>{agent.runtimes.join(', ') || '—'}</td>
                    <td data-label={t('common.actions')}>
                      {agent.revokedAt ? null : (
                        <ConfirmButton question={t('deployments.revokeAgentQuestion', { name: agent.name })} onConfirm={() => revoke.mutate(agent.id)} disabled={revoke.isPending}>
                          {t('common.revoke')}
                          <span className="visually-hidden"> {agent.name}</span>
                        </ConfirmButton>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </>
  );
}
