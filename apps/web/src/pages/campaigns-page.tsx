import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { pollInterval, useLiveConnected } from '../api/live-events';
import type { AppSummary, Campaign, Group } from '../api/types';
import { CampaignCard } from '../campaigns/campaign-card';
import { ErrorMessage } from '../components/error-message';
import { EmptyState, QueryState } from '../components/query-state';

/** Addresses as typed: one per line, or separated by commas or spaces. */
const addressesOf = (text: string) => [...new Set(text.split(/[\s,;]+/).map((address) => address.trim()).filter(Boolean))];

/** A new campaign: which app, to whom, and whether to install it at once. The drafts follow from the recipients’ languages. */
function NewCampaign({ apps }: { apps: AppSummary[] }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const groups = useQuery({ queryKey: ['groups'], queryFn: () => callRoute<{ items: Group[] }>('listGroups') });
  const [appId, setAppId] = useState('');
  const [everyone, setEveryone] = useState(false);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [emails, setEmails] = useState('');
  const [installNow, setInstallNow] = useState(false);
  const create = useMutation({
    mutationFn: () => {
      const list = addressesOf(emails);
      const audience = { ...(everyone ? { everyone: true } : {}), ...(groupIds.length ? { groupIds } : {}), ...(list.length ? { emails: list } : {}) };
      return callRoute<Campaign>('createCampaign', { body: { appId, audience, installNow } });
    },
    onSuccess: () => {
      setGroupIds([]);
      setEmails('');
      void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const chosen = everyone || groupIds.length > 0 || addressesOf(emails).length > 0;
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="new-campaign">
      <h2 id="new-campaign">{t('campaigns.new')}</h2>
      <div className="field">
        <label htmlFor="campaign-app">{t('campaigns.app')}</label>
        <select id="campaign-app" value={appId} required onChange={(event) => setAppId(event.target.value)}>
          <option value="">{t('campaigns.chooseApp')}</option>
          {apps.map((app) => <option key={app.id} value={app.id}>{app.title} ({app.latestVersion})</option>)}
        </select>
      </div>
      <fieldset>
        <legend>{t('campaigns.audience')}</legend>
        <label className="check">
          <input type="checkbox" checked={everyone} onChange={(event) => setEveryone(event.target.checked)} /> {t('campaigns.everyone')}
        </label>
        {(groups.data?.items ?? []).map((group) => (
          <label key={group.id} className="check">
            <input type="checkbox" checked={groupIds.includes(group.id)} disabled={everyone} onChange={(event) => setGroupIds(event.target.checked ? [...groupIds, group.id] : groupIds.filter((id) => id !== group.id))} /> {group.name}
          </label>
        ))}
        <div className="field">
          <label htmlFor="campaign-emails">{t('campaigns.emails')}</label>
          <textarea id="campaign-emails" rows={3} value={emails} disabled={everyone} placeholder={t('campaigns.emailsPlaceholder')} onChange={(event) => setEmails(event.target.value)} />
          <p className="muted">{t('campaigns.emailsHint')}</p>
        </div>
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={installNow} onChange={(event) => setInstallNow(event.target.checked)} /> {t('campaigns.installNowLabel')}
      </label>
      {create.isError ? <ErrorMessage error={create.error} /> : null}
      <p>
        <button type="submit" disabled={create.isPending || !appId || !chosen}>{t('campaigns.create')}</button>
      </p>
    </form>
  );
}

/** Announcements of the caller's apps (every app's for an admin): create, edit the drafts, schedule, and watch them go out live. */
export function CampaignsPage() {
  const { t } = useTranslation();
  const connected = useLiveConnected();
  const apps = useQuery({ queryKey: ['apps', 'campaigns'], queryFn: () => callRoute<{ items: AppSummary[] }>('listApps', { query: { limit: 200, sort: 'newest' } }) });
  const campaigns = useQuery({
    queryKey: ['campaigns'],
    queryFn: () => callRoute<{ items: Campaign[] }>('listCampaigns', { query: { limit: 50 } }),
    // live events move the counts; without them, look again while something is on its way
    refetchInterval: (query) => (query.state.data?.items.some((c) => c.state === 'scheduled' || c.state === 'sending') ? pollInterval(connected, 5000) : false),
  });
  const titles = new Map((apps.data?.items ?? []).map((app) => [app.id, app.title]));
  return (
    <section aria-labelledby="campaigns-title">
      <h1 id="campaigns-title">{t('campaigns.title')}</h1>
      <p className="muted">{t('campaigns.intro')}</p>
      <NewCampaign apps={apps.data?.items ?? []} />
      <QueryState query={campaigns} empty={<EmptyState title={t('campaigns.empty')} />} isEmpty={(data) => data.items.length === 0}>
        {({ items }) => (
          <>
            {items.map((campaign) => <CampaignCard key={campaign.id} campaign={campaign} appTitle={titles.get(campaign.appId) ?? t('campaigns.app')} />)}
          </>
        )}
      </QueryState>
    </section>
  );
}
