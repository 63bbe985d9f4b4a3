import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import type { CreatedWebhook, RotatedWebhookSecret, Webhook, WebhookDelivery, WebhookEventType, WebhookFormat, WebhookList, WebhookTestResult } from '../../api/types';
import { CreateForm, useCreateOnce } from '../../components/create-form';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { FormField } from '../../components/form-field';
import { EmptyState, QueryState } from '../../components/query-state';
import { SecretBox } from '../../components/secret-box';
import { formatDate } from '../../i18n/i18n';

const FORMATS: WebhookFormat[] = ['standard', 'slack', 'teams'];
const EVENT_TYPES: WebhookEventType[] = ['request.published', 'request.failed', 'approval.needed', 'deployment.healthy', 'deployment.unhealthy', 'deployment.rolled_back', 'review.added'];
/** Message keys cannot hold a dot: `request.published` is `request_published` in the catalogs. */
const eventKey = (type: WebhookEventType) => type.replace('.', '_');

/** Outgoing webhooks: create (the secret shown once), events and format, on/off, test-send, and the delivery log with replay. */
export function WebhooksPage() {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [format, setFormat] = useState<WebhookFormat>('standard');
  const [events, setEvents] = useState<WebhookEventType[]>(['request.published']);
  const [openLog, setOpenLog] = useState<string | null>(null);
  const [tested, setTested] = useState<WebhookTestResult | null>(null);
  const hooks = useQuery({ queryKey: ['webhooks'], queryFn: () => callRoute<WebhookList>('listWebhooks') });
  const create = useCreateOnce({ listKey: 'webhooks', create: () => callRoute<CreatedWebhook>('createWebhook', { body: { url, description, format, events, enabled: true } }), onCreated: () => (setUrl(''), setDescription('')) });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: ['webhooks'] });
  const toggle = useMutation({ mutationFn: (hook: Webhook) => callRoute<Webhook>('updateWebhook', { params: { id: hook.id }, body: { enabled: !hook.enabled } }), onSuccess: refresh });
  const rotate = useMutation({ mutationFn: (id: string) => callRoute<RotatedWebhookSecret>('rotateWebhookSecret', { params: { id } }), onSuccess: refresh });
  const test = useMutation({ mutationFn: (id: string) => callRoute<WebhookTestResult>('testWebhook', { params: { id } }), onSuccess: (result, id) => (setTested(result), setOpenLog(id), void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', id] })) });
  const choose = (type: WebhookEventType, on: boolean) => setEvents((list) => (on ? [...list, type] : list.filter((item) => item !== type)));

  return (
    <section aria-labelledby="webhooks-title">
      <h1 id="webhooks-title">{t('webhooks.title')}</h1>
      <p>{t('webhooks.intro')}</p>
      <CreateForm mutation={create.mutation} submitLabel={t('common.create')} disabled={events.length === 0 || url.trim() === ''}>
        <FormField label={t('webhooks.url')} required type="url" maxLength={2000} value={url} onChange={(event) => setUrl(event.target.value)} />
        <FormField label={t('webhooks.description')} maxLength={200} value={description} onChange={(event) => setDescription(event.target.value)} />
        <label>
          {t('webhooks.format')}
          <select value={format} onChange={(event) => setFormat(event.target.value as WebhookFormat)}>
            {FORMATS.map((value) => (
              <option key={value} value={value}>
                {t(`webhooks.formats.${value}`)}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend>{t('webhooks.events')}</legend>
          {EVENT_TYPES.map((type) => (
            <label key={type} className="check">
              <input type="checkbox" checked={events.includes(type)} onChange={(event) => choose(type, event.target.checked)} /> {t(`webhooks.eventTypes.${eventKey(type)}`)}
            </label>
          ))}
        </fieldset>
      </CreateForm>
      {create.created ? <SecretBox label={t('webhooks.secretOnce')} value={create.created.secret} onClose={create.dismiss} /> : null}
      {rotate.data ? (
        <SecretBox
          label={rotate.data.previousSecretUntil ? t('webhooks.rotated', { until: formatDate(rotate.data.previousSecretUntil, i18n.language, '') }) : t('webhooks.rotatedNoOverlap')}
          value={rotate.data.secret}
          onClose={() => rotate.reset()}
        />
      ) : null}
      {rotate.isError ? <ErrorMessage error={rotate.error} /> : null}
      {toggle.isError ? <ErrorMessage error={toggle.error} /> : null}
      {test.isError ? <ErrorMessage error={test.error} /> : null}
      {tested ? (
        <p role="status" className={tested.state === 'succeeded' ? 'notice notice-success' : 'notice notice-error'}>
          {tested.state === 'succeeded' ? t('webhooks.testResult', { state: t(`webhooks.states.${tested.state}`), status: tested.lastStatus, ms: tested.lastDurationMs }) : t('webhooks.testFailed', { error: tested.lastError ?? '' })}
        </p>
      ) : null}
      <QueryState query={hooks} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <>
            <DataTable
              labelledBy="webhooks-title"
              rows={data.items}
              rowKey={(hook) => hook.id}
              columns={[
                { key: 'url', header: t('webhooks.url'), cell: (hook) => <><code>{hook.url}</code>{hook.description ? <div>{hook.description}</div> : null}</> },
                { key: 'events', header: t('webhooks.events'), cell: (hook) => hook.events.map((type) => t(`webhooks.eventTypes.${eventKey(type)}`)).join(', ') },
                { key: 'format', header: t('webhooks.format'), cell: (hook) => t(`webhooks.formats.${hook.format}`) },
                {
                  key: 'state',
                  header: t('webhooks.state'),
                  cell: (hook) => (
                    <>
                      {hook.enabled ? t('webhooks.enabled') : hook.disabledReason ? t('webhooks.disabledBecause', { reason: hook.disabledReason }) : t('webhooks.disabled')}
                      {hook.previousSecretUntil ? <div>{t('webhooks.oldSecretUntil', { until: formatDate(hook.previousSecretUntil, i18n.language, '') })}</div> : null}
                    </>
                  ),
                },
                {
                  key: 'actions',
                  header: t('common.actions'),
                  cell: (hook) => (
                    <div className="row">
                      <button type="button" className="secondary" onClick={() => toggle.mutate(hook)}>
                        {hook.enabled ? t('webhooks.disable') : t('webhooks.enable')}
                        <span className="visually-hidden"> {hook.url}</span>
                      </button>
                      <button type="button" className="secondary" disabled={test.isPending} onClick={() => test.mutate(hook.id)}>
                        {t('webhooks.test')}
                        <span className="visually-hidden"> {hook.url}</span>
                      </button>
                      <button type="button" className="secondary" disabled={rotate.isPending} onClick={() => rotate.mutate(hook.id)}>
                        {t('webhooks.rotate')}
                        <span className="visually-hidden"> {hook.url}</span>
                      </button>
                      <button type="button" className="secondary" aria-expanded={openLog === hook.id} onClick={() => setOpenLog(openLog === hook.id ? null : hook.id)}>
                        {openLog === hook.id ? t('webhooks.hideLog') : t('webhooks.log')}
                        <span className="visually-hidden"> {hook.url}</span>
                      </button>
                    </div>
                  ),
                },
              ]}
            />
            {openLog && data.items.some((hook) => hook.id === openLog) ? <DeliveryLog webhookId={openLog} /> : null}
          </>
        )}
      </QueryState>
    </section>
  );
}

/** The deliveries of one webhook, newest first, each with its latest answer and a replay button. */
function DeliveryLog({ webhookId }: { webhookId: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  const deliveries = useQuery({ queryKey: ['webhook-deliveries', webhookId], queryFn: () => callRoute<{ items: WebhookDelivery[] }>('listWebhookDeliveries', { params: { id: webhookId } }) });
  const replay = useMutation({ mutationFn: (id: string) => callRoute<{ id: string }>('replayWebhookDelivery', { params: { id } }), onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['webhook-deliveries', webhookId] }) });
  return (
    <section aria-labelledby="webhook-log-title" className="panel">
      <h2 id="webhook-log-title">{t('webhooks.log')}</h2>
      {replay.isError ? <ErrorMessage error={replay.error} /> : null}
      {replay.isSuccess ? <p role="status">{t('webhooks.replayed')}</p> : null}
      <QueryState query={deliveries} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('webhooks.noDeliveries')} />}>
        {(data) => (
          <DataTable
            labelledBy="webhook-log-title"
            rows={data.items}
            rowKey={(delivery) => delivery.id}
            columns={[
              { key: 'sent', header: t('webhooks.sent'), cell: (delivery) => formatDate(delivery.createdAt, i18n.language, '') },
              { key: 'event', header: t('webhooks.event'), cell: (delivery) => <code>{delivery.type}</code> },
              { key: 'state', header: t('webhooks.state'), cell: (delivery) => t(`webhooks.states.${delivery.state}`) },
              { key: 'status', header: t('webhooks.status'), cell: (delivery) => delivery.lastError ?? (delivery.lastStatus === null ? '' : `HTTP ${delivery.lastStatus}`) },
              { key: 'duration', header: t('webhooks.duration'), cell: (delivery) => (delivery.lastDurationMs === null ? '' : `${delivery.lastDurationMs} ms`) },
              { key: 'attempts', header: t('webhooks.attempts'), cell: (delivery) => delivery.attempts },
              {
                key: 'replay',
                header: t('common.actions'),
                cell: (delivery) => (
                  <button type="button" className="secondary" disabled={replay.isPending} onClick={() => replay.mutate(delivery.id)}>
                    {t('webhooks.replay')}
                    <span className="visually-hidden"> {delivery.type}</span>
                  </button>
                ),
              },
            ]}
          />
        )}
      </QueryState>
    </section>
  );
}
