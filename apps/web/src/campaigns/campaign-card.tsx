import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Campaign, CampaignDraft } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { formatDate } from '../i18n/i18n';

const editable = (campaign: Campaign) => campaign.state === 'draft' || campaign.state === 'scheduled';

/** The announcement in one language: the built-in draft until the owner edits and saves it. */
function DraftEditor({ campaign, draft }: { campaign: Campaign; draft: CampaignDraft }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [subject, setSubject] = useState(draft.subject);
  const [body, setBody] = useState(draft.body);
  useEffect(() => {
    setSubject(draft.subject);
    setBody(draft.body);
  }, [draft.subject, draft.body]);
  const save = useMutation({
    mutationFn: () => callRoute<Campaign>('editCampaignDraft', { params: { id: campaign.id }, body: { language: draft.language, subject, body } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['campaigns'] }),
  });
  const id = `draft-${campaign.id}-${draft.language}`;
  return (
    <fieldset>
      <legend>{t('campaigns.draftIn', { language: t(`campaigns.languages.${draft.language}`) })}{draft.edited ? ` · ${t('campaigns.edited')}` : ''}</legend>
      <div className="field">
        <label htmlFor={`${id}-subject`}>{t('campaigns.subject')}</label>
        <input id={`${id}-subject`} type="text" maxLength={200} value={subject} disabled={!editable(campaign)} onChange={(event) => setSubject(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>{t('campaigns.body')}</label>
        <textarea id={`${id}-body`} rows={8} maxLength={20000} value={body} disabled={!editable(campaign)} onChange={(event) => setBody(event.target.value)} />
      </div>
      {save.isError ? <ErrorMessage error={save.error} /> : null}
      {editable(campaign) ? (
        <button type="button" className="secondary" disabled={save.isPending || !subject.trim() || !body.trim()} onClick={() => save.mutate()}>
          {t('campaigns.saveDraft')}
        </button>
      ) : null}
    </fieldset>
  );
}

/** One campaign: its live counts, its drafts, and scheduling or cancelling it. */
export function CampaignCard({ campaign, appTitle }: { campaign: Campaign; appTitle: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [at, setAt] = useState('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['campaigns'] });
  const schedule = useMutation({ mutationFn: (when: string | null) => callRoute<Campaign>('scheduleCampaign', { params: { id: campaign.id }, body: when ? { at: new Date(when).toISOString() } : {} }), onSuccess: refresh });
  const cancel = useMutation({ mutationFn: () => callRoute<Campaign>('cancelCampaign', { params: { id: campaign.id } }), onSuccess: refresh });
  const { counts } = campaign;
  const headingId = `campaign-${campaign.id}`;
  return (
    <article className="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {appTitle} · {t(`campaigns.states.${campaign.state}`)}
      </h2>
      <p className="muted">
        {t('campaigns.recipientsByLanguage', { count: counts.recipients, en: counts.byLanguage.en ?? 0, pl: counts.byLanguage.pl ?? 0 })}
        {campaign.installNow ? ` · ${t('campaigns.installNow')}` : ''}
        {campaign.scheduledAt ? ` · ${t('campaigns.scheduledFor', { at: formatDate(campaign.scheduledAt, i18n.language) })}` : ''}
      </p>
      <label htmlFor={`${headingId}-progress`}>{t('campaigns.progress', { sent: counts.sent, total: counts.recipients })}</label>{' '}
      <progress id={`${headingId}-progress`} max={counts.recipients || 1} value={counts.sent + counts.failed} />
      <dl className="figures" aria-live="polite">
        {(['sent', 'bounced', 'failed', 'installs', 'healthy'] as const).map((key) => (
          <div key={key}>
            <dt>{t(`campaigns.counts.${key}`)}</dt>
            <dd>{counts[key]}</dd>
          </div>
        ))}
      </dl>
      <details open={campaign.state === 'draft'}>
        <summary>{t('campaigns.drafts')}</summary>
        {campaign.drafts.map((draft) => <DraftEditor key={draft.language} campaign={campaign} draft={draft} />)}
      </details>
      {schedule.isError ? <ErrorMessage error={schedule.error} /> : null}
      {cancel.isError ? <ErrorMessage error={cancel.error} /> : null}
      {editable(campaign) ? (
        <div className="field">
          <label htmlFor={`${headingId}-at`}>{t('campaigns.sendAt')}</label>
          <input id={`${headingId}-at`} type="datetime-local" value={at} onChange={(event) => setAt(event.target.value)} />{' '}
          <button type="button" disabled={schedule.isPending || !at} onClick={() => schedule.mutate(at)}>{t('campaigns.schedule')}</button>{' '}
          <button type="button" className="secondary" disabled={schedule.isPending} onClick={() => schedule.mutate(null)}>{t('campaigns.sendNow')}</button>{' '}
          <button type="button" className="secondary" disabled={cancel.isPending} onClick={() => cancel.mutate()}>{t('campaigns.cancel')}</button>
        </div>
      ) : null}
    </article>
  );
}
