import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { InboxReporterChange } from '../api/types';
import { ErrorMessage } from '../components/error-message';

/** A change the reporter asked for by reply (decision 0047): what it asks, what became of it, and — while it waits — the owner's approve / reject. */
export function ReporterChangeDecision({ messageId, change }: { messageId: string; change: InboxReporterChange }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') => callRoute<{ state: string }>('decideReporterChange', { params: { id: messageId }, body: decision === 'reject' && reason.trim() ? { decision, reason } : { decision } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['messages'] }),
  });
  return (
    <section aria-label={t('messages.reporterChange.title')} className="panel">
      <h3>{t('messages.reporterChange.title')}</h3>
      <p>
        <strong>{t('messages.change.asked')}:</strong> {change.text}
      </p>
      <p role="status">{t(`messages.reporterChange.states.${change.state}`, { reason: change.reason ?? '' })}</p>
      {change.state === 'awaiting-owner' ? (
        <>
          <div className="field">
            <label htmlFor={`reason-${messageId}`}>{t('messages.reporterChange.reason')}</label>
            <input id={`reason-${messageId}`} type="text" maxLength={2000} value={reason} onChange={(event) => setReason(event.target.value)} />
          </div>
          {decide.isError ? <ErrorMessage error={decide.error} /> : null}
          <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('approve')}>
            {t('messages.reporterChange.approve')}
          </button>{' '}
          <button type="button" className="secondary" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
            {t('messages.reporterChange.reject')}
          </button>
        </>
      ) : null}
    </section>
  );
}
