import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { usePollInterval } from '../api/live-events';
import type { MailBacklog } from '../api/types';

/** The mail pipeline's backlog (admins): kept current by the `mail-backlog` live event, polled without it. */
export function MailBacklogStatus() {
  const { t } = useTranslation();
  const backlog = useQuery({ queryKey: ['mail-backlog'], queryFn: () => callRoute<MailBacklog>('getMailBacklog'), refetchInterval: usePollInterval(15_000) });
  if (!backlog.data) return null;
  const { waiting, processing, quarantined, oldestSeconds } = backlog.data;
  return (
    <p role="status" aria-live="polite" className="muted">
      {waiting + processing === 0 ? t('mailBacklog.clear') : t('mailBacklog.waiting', { waiting, processing, minutes: Math.ceil(oldestSeconds / 60) })}
      {quarantined ? ` · ${t('mailBacklog.quarantined', { count: quarantined })}` : ''}
    </p>
  );
}
