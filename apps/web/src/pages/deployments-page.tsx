import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Deployment, Page } from '../api/types';
import { EmptyState, QueryState } from '../components/query-state';
import { ErrorMessage } from '../components/error-message';
import { formatDate } from '../i18n/i18n';

const STATES: Deployment['state'][] = ['received', 'rejected', 'deploying', 'healthy', 'unhealthy', 'rolled-back', 'removed'];

/** Deployments of the organisation's apps, refreshed every few seconds while the page is open. */
export function DeploymentsPage() {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState('');
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'rollback' | 'remove' }) =>
      action === 'rollback' ? callRoute('rollbackDeployment', { params: { id } }) : callRoute('removeDeployment', { params: { id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['deployments'] }),
  });
  const deployments = useQuery({
    queryKey: ['deployments', state],
    queryFn: () => callRoute<Page<Deployment>>('listDeployments', { query: { state } }),
    refetchInterval: (query) => (query.state.error ? false : 5000),
  });
  return (
    <section aria-labelledby="deployments-title">
      <h1 id="deployments-title">{t('deployments.title')}</h1>
      <div className="filters">
        <div className="field">
          <label htmlFor="deployment-state">{t('deployments.state')}</label>
          <select id="deployment-state" value={state} onChange={(event) => setState(event.target.value)}>
            <option value="">{t('deployments.anyState')}</option>
            {STATES.map((value) => (
              <option key={value} value={value}>
                {t(`deployments.states.${value}`)}
              </option>
            ))}
          </select>
        </div>
      </div>
      {act.isError ? <ErrorMessage error={act.error} /> : null}
      <QueryState query={deployments} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('deployments.empty')} hint={t('deployments.emptyHint')} />}>
        {(data) => (
          <div className="table-wrap" tabIndex={0} role="region" aria-labelledby="deployments-title">
            <table className="stack">
              <thead>
                <tr>
                  <th scope="col">{t('deployments.app')}</th>
                  <th scope="col">{t('deployments.version')}</th>
                  <th scope="col">{t('deployments.agent')}</th>
                  <th scope="col">{t('deployments.state')}</th>
                  <th scope="col">{t('deployments.updated')}</th>
                  <th scope="col">{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((deployment) => (
                  <tr key={deployment.id}>
                    <td data-label={t('deployments.app')}>
                      <Link to={`/apps/${encodeURIComponent(deployment.appId)}`}>{deployment.appTitle ?? deployment.appId}</Link>
                    </td>
                    <td data-label={t('deployments.version')}>{deployment.version}</td>
                    <td data-label={t('deployments.agent')}>{deployment.agentName ?? deployment.agentId}</td>
                    <td data-label={t('deployments.state')}>
                      <div>
                      <span className={`badge state-${deployment.state}`}>{t(`deployments.states.${deployment.state}`, { defaultValue: deployment.state })}</span>
                      {deployment.logTail?.length ? (
                        <details>
                          <summary>{t('deployments.logs')}</summary>
                          <pre className="code small">{deployment.logTail.join('\n')}</pre>
                        </details>
                      ) : null}
                      </div>
                    </td>
                    <td data-label={t('deployments.updated')}>{formatDate(deployment.updatedAt, i18n.language)}</td>
                    <td data-label={t('common.actions')}>
                      {deployment.state !== 'removed' ? (
                        <div className="row wrap">
                          <button type="button" className="secondary" disabled={act.isPending} onClick={() => act.mutate({ id: deployment.id, action: 'rollback' })}>
                            {t('deployments.rollback')}
                            <span className="visually-hidden"> {deployment.appTitle ?? deployment.appId}</span>
                          </button>
                          <button type="button" className="secondary" disabled={act.isPending} onClick={() => act.mutate({ id: deployment.id, action: 'remove' })}>
                            {t('deployments.remove')}
                            <span className="visually-hidden"> {deployment.appTitle ?? deployment.appId}</span>
                          </button>
                        </div>
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
