import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { ApiError } from '../api/api-error';
import { usePollInterval } from '../api/live-events';
import type { Agent, Deployment, DeploymentCommand, DeploymentDetail, DeploymentState, LogsRequest, Page } from '../api/types';
import { useSession } from '../auth/session';
import { AgentsTable } from '../components/agents-table';
import { ConfirmButton } from '../components/confirm-button';
import { RedeployButton } from '../components/redeploy-button';
import { DataTable } from '../components/data-table';
import { EnrolmentCode } from '../components/enrolment-code';
import { EmptyState, QueryState } from '../components/query-state';
import { ErrorMessage } from '../components/error-message';
import { formatDate } from '../i18n/i18n';
import { noticeText, reasonText, REINSTALL_FAILED } from '../components/notice-text';

/** An app's title where the catalog knows it, else the name the agent reported. */
export const nameOf = (deployment: Deployment) => deployment.appTitle ?? deployment.app;

const STATES: DeploymentState[] = ['received', 'rejected', 'deploying', 'healthy', 'unhealthy', 'rolled-back', 'removed'];

/**
 * "Show latest logs": asks the deployment's agent for the app's latest lines. The lines replace the tail
 * shown when the agent answers (a live event refreshes the detail); until then the page says it waits,
 * and says so plainly when the agent has not been in touch lately.
 */
function LatestLogs({ detail }: { detail: DeploymentDetail }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const poll = usePollInterval(3000);
  const ask = useMutation({
    mutationFn: () => callRoute<LogsRequest>('requestDeploymentLogs', { params: { id: detail.id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['deployment', detail.id] }),
  });
  const request = detail.logsRequest;
  const waiting = request?.state === 'queued' || request?.state === 'sent';
  // without live events the detail is asked again while the agent has not answered
  useQuery({ queryKey: ['deployment', detail.id], queryFn: () => callRoute<DeploymentDetail>('getDeployment', { params: { id: detail.id } }), refetchInterval: waiting ? poll : false, enabled: waiting });
  if (detail.state === 'removed') return null;
  const offline = ask.data && !ask.data.agentOnline;
  return (
    <div className="row wrap">
      <button type="button" className="secondary" onClick={() => ask.mutate()} disabled={ask.isPending || waiting}>
        {t('deployments.showLatestLogs')}
      </button>
      <p role="status" className="small" data-testid="logs-request-status">
        {waiting
          ? offline
            ? t('deployments.logsAgentOffline', { when: formatDate(ask.data!.agentLastSeenAt, i18n.language, t('common.never')) })
            : t('deployments.logsWaiting')
          : request?.state === 'failed'
            ? t('deployments.logsFailed', { reason: request.reason ? reasonText(i18n, request.reason) : '' })
            : detail.logTailAt
              ? t('deployments.logsTakenAt', { when: formatDate(detail.logTailAt, i18n.language) })
              : ''}
      </p>
      {ask.isError ? <ErrorMessage error={ask.error} /> : null}
    </div>
  );
}

/** The last log lines of one deployment and its history (every state change with time and reason), fetched when opened. */
function LogTail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const detail = useQuery({ queryKey: ['deployment', id], queryFn: () => callRoute<DeploymentDetail>('getDeployment', { params: { id } }) });
  if (detail.isPending) return <p className="muted small">{t('common.loading')}</p>;
  if (detail.isError) return <ErrorMessage error={detail.error} onRetry={() => void detail.refetch()} />;
  return (
    <>
      <LatestLogs detail={detail.data} />
      {detail.data.logTail ? <pre className="code small" tabIndex={0} data-testid="log-tail">{detail.data.logTail.split('\n').slice(-200).join('\n')}</pre> : <p className="muted small">{t('deployments.noLogs')}</p>}
      <h3 className="small">{t('deployments.history')}</h3>
      <ol className="plain small" data-testid="deployment-history">
        {detail.data.history.map((event, index) => (
          <li key={index}>
            {formatDate(event.at, i18n.language)} · {event.reason?.code === REINSTALL_FAILED ? t('deployments.reinstallFailed') : t(`deployments.states.${event.state}`, { defaultValue: event.state })}
            {event.reason ? ` · ${reasonText(i18n, event.reason)}` : ''}
          </li>
        ))}
      </ol>
    </>
  );
}

function LogDetails({ id }: { id: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <details onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('deployments.logs')}</summary>
      {open ? <LogTail id={id} /> : null}
    </details>
  );
}

/**
 * "Open" for a healthy app on one of my own workstations: its address is that machine's loopback,
 * so on anyone else's workstation the link would lead to the reader's own machine.
 */
function OpenLink({ deployment, name, mine }: { deployment: Deployment; name: string; mine: boolean }) {
  const { t } = useTranslation();
  const url = deployment.health?.url;
  if (!mine || deployment.state !== 'healthy' || !url || !/^https?:\/\//.test(url)) return null;
  return (
    <a className="button secondary" href={url} target="_blank" rel="noopener noreferrer" title={t('deployments.openHint')}>
      {t('deployments.open')}
      <span className="visually-hidden"> {name}</span>
    </a>
  );
}

function Actions({ deployment, name }: { deployment: Deployment; name: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: (action: 'rollback' | 'remove') =>
      callRoute<DeploymentCommand>(action === 'rollback' ? 'rollbackDeployment' : 'removeDeployment', { params: { id: deployment.id } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['deployments'] }),
  });
  const pending = deployment.pendingCommand ?? (act.data ? { ...act.data.command } : null);
  const { current, rollbackTo } = deployment;
  if (deployment.state === 'removed') return null;
  if (pending && pending.state !== 'done' && pending.state !== 'failed') {
    return (
      <p role="status" className="small">
        {t(`deployments.pending.${pending.type}`, { defaultValue: t('deployments.pending.other') })}
      </p>
    );
  }
  // An earlier version kept here, replaced by the one the workstation runs: nothing to do from its row.
  if (!current) return null;
  const unavailable = act.error instanceof ApiError && act.error.notAvailable;
  return (
    <>
      {rollbackTo ? (
        <ConfirmButton question={t('deployments.rollbackQuestion', { name, version: deployment.version, target: rollbackTo })} onConfirm={() => act.mutate('rollback')} disabled={act.isPending}>
          {t('deployments.rollback')}
          <span className="visually-hidden"> {name}</span>
        </ConfirmButton>
      ) : null}
      <ConfirmButton question={t('deployments.removeQuestion', { name })} onConfirm={() => act.mutate('remove')} disabled={act.isPending}>
        {t('deployments.remove')}
        <span className="visually-hidden"> {name}</span>
      </ConfirmButton>
      <RedeployButton deployment={deployment} name={name} />
      {unavailable ? <p role="status" className="small">{t('deployments.actionsUnavailable')}</p> : act.isError ? <ErrorMessage error={act.error} /> : null}
    </>
  );
}

/** My agents and where apps run; admins and reviewers see the organisation's, with filters. */
export function DeploymentsPage() {
  const { t, i18n } = useTranslation();
  const { hasRole, me } = useSession();
  const wide = hasRole('reviewer') || hasRole('publisher');
  const [state, setState] = useState('');
  const [agentId, setAgentId] = useState('');
  const [app, setApp] = useState('');
  const poll = usePollInterval(5000);
  const agents = useQuery({ queryKey: ['agents'], queryFn: () => callRoute<Page<Agent>>('listAgents') });
  const deployments = useQuery({
    queryKey: ['deployments', state, agentId, app],
    queryFn: () => callRoute<Page<Deployment>>('listDeployments', { query: { state, agentId, app: app.trim() } }),
    refetchInterval: (query) => (query.state.error ? false : poll),
  });
  const agentName = (id: string) => agents.data?.items.find((agent) => agent.id === id)?.name ?? id.slice(0, 8);
  const mine = (id: string) => agents.data?.items.some((agent) => agent.id === id && agent.userId === me?.user?.id) ?? false;
  return (
    <section aria-labelledby="deployments-title">
      <h1 id="deployments-title">{t('deployments.title')}</h1>
      <section aria-labelledby="agents-title">
        <h2 id="agents-title">{t('deployments.agents')}</h2>
        <AgentsTable titleId="agents-title" />
        <EnrolmentCode />
      </section>
      <h2 id="deployment-list-title">{wide ? t('deployments.orgDeployments') : t('deployments.myDeployments')}</h2>
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
        <div className="field">
          <label htmlFor="deployment-agent">{t('deployments.agent')}</label>
          <select id="deployment-agent" value={agentId} onChange={(event) => setAgentId(event.target.value)}>
            <option value="">{t('deployments.anyAgent')}</option>
            {agents.data?.items.map((agent) => (
              <option key={agent.id} value={agent.id}>
                {agent.name}
              </option>
            ))}
          </select>
        </div>
        {wide ? (
          <div className="field">
            <label htmlFor="deployment-app">{t('deployments.appName')}</label>
            <input id="deployment-app" value={app} maxLength={48} onChange={(event) => setApp(event.target.value)} />
          </div>
        ) : null}
      </div>
      <QueryState query={deployments} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('deployments.empty')} hint={t('deployments.emptyHint')} />}>
        {(data) => (
          <DataTable
            labelledBy="deployment-list-title"
            rows={data.items}
            rowKey={(deployment) => deployment.id}
            columns={[
              {
                key: 'app',
                header: t('deployments.app'),
                cell: (deployment) => (
                  <>
                    {deployment.appId ? <Link to={`/apps/${encodeURIComponent(deployment.appId)}`}>{nameOf(deployment)}</Link> : nameOf(deployment)} <span className="muted small">v{deployment.version}</span>
                  </>
                ),
              },
              { key: 'agent', header: t('deployments.agent'), cell: (deployment) => deployment.agentName ?? agentName(deployment.agentId) },
              {
                key: 'state',
                header: t('deployments.state'),
                cell: (deployment) => (
                  <div>
                    <span className={`badge state-${deployment.state}`}>{t(`deployments.states.${deployment.state}`, { defaultValue: deployment.state })}</span>
                    {deployment.health ? (
                      <span className={`small ${deployment.health.ok ? 'good' : 'bad'}`}> {deployment.health.ok ? t('deployments.healthOk') : t('deployments.healthBad')}{deployment.health.detail ? `: ${noticeText(i18n, deployment.health.notice, deployment.health.detail)}` : ''}</span>
                    ) : null}
                    {deployment.reason ? <p className="small bad">{reasonText(i18n, deployment.reason)}</p> : null}
                    <LogDetails id={deployment.id} />
                  </div>
                ),
              },
              { key: 'updated', header: t('deployments.updated'), cell: (deployment) => formatDate(deployment.updatedAt, i18n.language) },
              { key: 'actions', header: t('common.actions'), cell: (deployment) => (
                  <div className="row wrap">
                    <OpenLink deployment={deployment} name={nameOf(deployment)} mine={mine(deployment.agentId)} />
                    <Actions deployment={deployment} name={nameOf(deployment)} />
                  </div>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
