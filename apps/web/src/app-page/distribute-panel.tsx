import { useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Group, Page, QueuedDelivery } from '../api/types';
import { useSession } from '../auth/session';
import { useFirstScreenPainted } from '../first-screen';
import { agentsQuery } from './app-query';
import { enrolCommand } from '../components/enrolment-code';
import { ErrorMessage } from '../components/error-message';


/**
 * What the release e-mails the server answered with say happened: new ones queued, ones it had
 * delivered before and did not send again (`existing`: the app is still there; Redeploy sends it
 * again), and failures.
 */
export function deliveryOutcome(deliveries: readonly QueuedDelivery[]): { key: 'appPage.sent' | 'appPage.alreadySent' | 'appPage.sendFailed'; count: number }[] {
  const count = (match: (d: QueuedDelivery) => boolean) => deliveries.filter(match).length;
  return [
    { key: 'appPage.sent' as const, count: count((d) => !d.existing && d.state !== 'failed') },
    { key: 'appPage.alreadySent' as const, count: count((d) => d.existing && d.state !== 'failed') },
    { key: 'appPage.sendFailed' as const, count: count((d) => d.state === 'failed') },
  ].filter((part) => part.count > 0);
}

function Outcome({ deliveries }: { deliveries: readonly QueuedDelivery[] }) {
  const { t } = useTranslation();
  const parts = deliveryOutcome(deliveries);
  const fresh = parts.length === 1 && parts[0]!.key === 'appPage.sent';
  return (
    <p role="status" className={fresh ? 'good' : undefined}>
      {parts.map((part) => t(part.key, { count: part.count })).join(' ')}
    </p>
  );
}

/** Install a version on my workstation(s), or (publishers) send it to a group, by release e-mail. */
export function DistributePanel({ appId, version }: { appId: string; version: string }) {
  const { t } = useTranslation();
  const { me, hasRole } = useSession();
  const [groupId, setGroupId] = useState('');
  const agents = useQuery(agentsQuery());
  const mine = (agents.data?.items ?? []).filter((agent) => agent.userId === me?.user?.id && !agent.revokedAt);
  const publisher = hasRole('publisher');
  // The groups fill the select's options once the first screen has been painted (the form is there at once).
  const painted = useFirstScreenPainted();
  const groups = useQuery({ queryKey: ['groups'], enabled: publisher && painted, queryFn: () => callRoute<Page<Group>>('listGroups') });
  // No selection: the server sends to the caller's own agents.
  const install = useMutation({ mutationFn: () => callRoute<{ deliveries: QueuedDelivery[] }>('distribute', { params: { id: appId, version }, body: {} }) });
  const send = useMutation({ mutationFn: () => callRoute<{ deliveries: QueuedDelivery[] }>('distribute', { params: { id: appId, version }, body: { groupIds: [groupId] } }) });
  return (
    <section aria-labelledby="install-title" className="panel">
      <h2 id="install-title">{t('appPage.installTitle', { version })}</h2>
      {agents.isSuccess && mine.length === 0 ? (
        <div className="notice" data-testid="enrol-hint">
          <p>{t('appPage.noAgent')}</p>
          <p>
            <code>{enrolCommand(globalThis.location?.origin ?? '', 'CODE')}</code>
          </p>
          <p>
            <Link to="/deployments">{t('appPage.getCode')}</Link>
          </p>
        </div>
      ) : (
        <div className="row wrap">
          <button type="button" onClick={() => install.mutate()} disabled={install.isPending || !agents.isSuccess}>
            {install.isPending ? t('common.loading') : t('appPage.install')}
          </button>
          {mine.length ? <span className="muted small">{t('appPage.yourAgents', { names: mine.map((a) => a.name).join(', ') })}</span> : null}
        </div>
      )}
      {install.isSuccess ? <Outcome deliveries={install.data.deliveries} /> : null}
      {install.isError ? <ErrorMessage error={install.error} onRetry={() => install.mutate()} /> : null}
      {publisher ? (
        <form
          className="row wrap"
          onSubmit={(event) => {
            event.preventDefault();
            if (groupId) send.mutate();
          }}
        >
          <div className="field">
            <label htmlFor="send-group">{t('appPage.sendToGroup')}</label>
            <select id="send-group" value={groupId} onChange={(event) => setGroupId(event.target.value)}>
              <option value="">{groups.data?.items.length ? t('appPage.pickGroup') : t('appPage.noGroups')}</option>
              {groups.data?.items.map((group) => (
                <option key={group.id} value={group.id}>
                  {t('appPage.groupOption', { name: group.name, count: group.members.length })}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="secondary" disabled={!groupId || send.isPending}>
            {t('appPage.send')}
          </button>
        </form>
      ) : null}
      {send.isSuccess ? <Outcome deliveries={send.data.deliveries} /> : null}
      {send.isError ? <ErrorMessage error={send.error} /> : null}
    </section>
  );
}
