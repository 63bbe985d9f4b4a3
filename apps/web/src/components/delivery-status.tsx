import { useTranslation } from 'react-i18next';
import type { RecipientDelivery } from '../api/types';

/** What became of each recipient of an outgoing mail: the SMTP answer, then a bounce report when one came back. */
export function DeliveryStatus({ recipients }: { recipients: RecipientDelivery[] }) {
  const { t } = useTranslation();
  if (!recipients.length) return <span className="muted">{t('outgoingMail.noRecord')}</span>;
  return (
    <ul className="list compact">
      {recipients.map((recipient) => {
        const code = recipient.dsnStatus ?? (recipient.smtpCode === null ? null : String(recipient.smtpCode));
        const words = recipient.diagnostic ?? recipient.smtpResponse;
        return (
          <li key={recipient.address}>
            {recipient.address}: <strong className={`delivery-${recipient.state}`}>{t(`outgoingMail.states.${recipient.state}`)}</strong>
            {code ? <> · <code>{code}</code></> : null}
            {words && recipient.state !== 'accepted' ? <> · <span className="muted">{words}</span></> : null}
          </li>
        );
      })}
    </ul>
  );
}
