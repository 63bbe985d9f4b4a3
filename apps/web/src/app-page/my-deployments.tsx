import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { usePollInterval } from '../api/live-events';
import { useSession } from '../auth/session';
import { agentsQuery, appDeploymentsQuery } from './app-query';
import { formatDate } from '../i18n/i18n';
import { RedeployButton } from '../components/redeploy-button';
import { reasonText, REINSTALL_FAILED } from '../components/notice-text';

/** Where this app runs now on my own workstations (removed and replaced versions left out), with Redeploy. */
export function MyDeployments({ appId, title }: { appId: string; title: string }) {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const poll = usePollInterval(5000);
  const deployments = useQuery({
    ...appDeploymentsQuery(appId),
    refetchInterval: (query) => (query.state.error ? false : poll),
  });
  const agents = useQuery(agentsQuery());
  const mine = new Set((agents.data?.items ?? []).filter((agent) => agent.userId === me?.user?.id).map((agent) => agent.id));
  const live = (deployments.data?.items ?? []).filter((d) => mine.has(d.agentId) && (d.current || (d.state !== 'removed' && !deployments.data!.items.some((o) => o.agentId === d.agentId && o.current))));
  // The section is there from the start (its place kept while it loads), so the page below does not jump.
  const loaded = deployments.isSuccess && agents.isSuccess;
  if (deployments.isError || agents.isError) return null;
  return (
    <section aria-labelledby="my-deployments-title" className="panel">
      <h2 id="my-deployments-title">{t('appPage.onMyWorkstations')}</h2>
      {!loaded ? (
        <p className="muted">{t('common.loading')}</p>
      ) : live.length === 0 ? (
        <p className="muted">{t('appPage.notOnMyWorkstations')}</p>
      ) : (
        <ul className="plain" data-testid="my-deployments">
          {live.map((d) => (
            <li key={d.id} className="row wrap">
              <span>
                {d.agentName} · v{d.version} · <span className={`badge state-${d.state}`}>{t(`deployments.states.${d.state}`, { defaultValue: d.state })}</span>{' '}
                <span className="muted small">{formatDate(d.updatedAt, i18n.language)}</span>
              </span>
              <RedeployButton deployment={d} name={title} />
              {d.reason?.code === REINSTALL_FAILED ? (
                <p className="small bad" data-testid="reinstall-failed">
                  {reasonText(i18n, d.reason)}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
