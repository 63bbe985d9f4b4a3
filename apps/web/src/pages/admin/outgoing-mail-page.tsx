import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { callRoute } from '../../api/api';
import type { OutgoingMail } from '../../api/types';
import { DataTable } from '../../components/data-table';
import { DeliveryStatus } from '../../components/delivery-status';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

const STATES = ['', 'sent', 'blocked', 'failed'] as const;

/** Every mail the server sent or refused to send, newest first, with each recipient's delivery (admins only). */
export function OutgoingMailPage() {
  const { t, i18n } = useTranslation();
  const [state, setState] = useState<(typeof STATES)[number]>('');
  const mail = useQuery({ queryKey: ['outgoing-mail', state], queryFn: () => callRoute<{ items: OutgoingMail[]; total: number }>('listOutgoingMail', { query: state ? { state } : {} }) });
  return (
    <section aria-labelledby="outgoing-title">
      <h1 id="outgoing-title">{t('outgoingMail.title')}</h1>
      <p>{t('outgoingMail.intro')}</p>
      <div className="field">
        <label htmlFor="outgoing-state">{t('outgoingMail.filter')}</label>
        <select id="outgoing-state" value={state} onChange={(event) => setState(event.target.value as (typeof STATES)[number])}>
          {STATES.map((value) => (
            <option key={value} value={value}>
              {value ? t(`outgoingMail.mailStates.${value}`) : t('outgoingMail.all')}
            </option>
          ))}
        </select>
      </div>
      <QueryState query={mail} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('outgoingMail.empty')} />}>
        {(data) => (
          <DataTable
            labelledBy="outgoing-title"
            rows={data.items}
            rowKey={(item) => item.id}
            columns={[
              { key: 'when', header: t('outgoingMail.when'), cell: (item) => formatDate(item.createdAt, i18n.language) },
              { key: 'kind', header: t('outgoingMail.kind'), cell: (item) => `${t(`mailTemplates.kinds.${item.kind}`, { defaultValue: item.kind })} (${item.language.toUpperCase()})` },
              { key: 'subject', header: t('outgoingMail.subject'), cell: (item) => item.subject },
              {
                key: 'state',
                header: t('outgoingMail.state'),
                cell: (item) => (
                  <>
                    <strong>{t(`outgoingMail.mailStates.${item.state}`)}</strong>
                    {item.blockCode ? <p className="notice notice-error">{t(`outgoingMail.blockCodes.${item.blockCode}`, { defaultValue: item.blockCode })}: {item.blockReason}</p> : null}
                  </>
                ),
              },
              { key: 'recipients', header: t('outgoingMail.recipients'), cell: (item) => <DeliveryStatus recipients={item.recipients} /> },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
