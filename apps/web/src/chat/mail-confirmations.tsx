import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { ConfirmedMail, PendingMailConfirmation } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { formatDate } from '../i18n/i18n';

const QUERY_KEY = ['mail-confirmations'];

/** One waiting mail: Confirm starts its conversation (and opens it), "Not me" drops it. */
function PendingMail({ mail }: { mail: PendingMailConfirmation }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const decide = useMutation({
    mutationFn: (verb: 'confirm' | 'reject') =>
      verb === 'confirm' ? callRoute<ConfirmedMail>('confirmMail', { params: { id: mail.id } }) : callRoute<undefined>('rejectMail', { params: { id: mail.id } }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: QUERY_KEY });
      if (result?.conversationId) void navigate(`/chat/${encodeURIComponent(result.conversationId)}`);
    },
  });
  const titleId = `mail-confirmation-${mail.id}`;
  return (
    <li aria-labelledby={titleId}>
      <strong id={titleId}>{mail.subject || t('chat.mailConfirmations.noSubject')}</strong>
      <p className="muted small">
        {t('chat.mailConfirmations.received', { date: formatDate(mail.receivedAt, i18n.language), address: mail.address, expires: formatDate(mail.expiresAt, i18n.language) })}
      </p>
      {decide.isError ? <ErrorMessage error={decide.error} /> : null}
      <div className="row wrap">
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('confirm')}>
          {t('chat.mailConfirmations.confirm')}
        </button>
        <button type="button" className="secondary" disabled={decide.isPending} onClick={() => decide.mutate('reject')}>
          {t('chat.mailConfirmations.reject')}
        </button>
      </div>
    </li>
  );
}

/**
 * Mails from the signed-in user's address whose sender could not be proven: they wait here until
 * the user confirms them. Shown only when there are any (and not at all against a server without the route).
 */
export function MailConfirmations() {
  const { t } = useTranslation();
  const pending = useQuery({ queryKey: QUERY_KEY, queryFn: () => callRoute<{ items: PendingMailConfirmation[] }>('listMailConfirmations') });
  const items = pending.data?.items ?? [];
  if (!items.length) return null;
  return (
    <section className="panel" aria-labelledby="mail-confirmations-title">
      <h2 id="mail-confirmations-title">{t('chat.mailConfirmations.title')}</h2>
      <p>{t('chat.mailConfirmations.intro')}</p>
      <ul className="plain">
        {items.map((mail) => (
          <PendingMail key={mail.id} mail={mail} />
        ))}
      </ul>
    </section>
  );
}
