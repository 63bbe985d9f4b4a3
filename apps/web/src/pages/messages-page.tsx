import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DeliveryStatus } from '../components/delivery-status';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { Link, useSearchParams } from 'react-router';
import type { InboxChange, InboxMessage, InboxMessageDetail, InboxReply, TranslatedDraft } from '../api/types';
import { ErrorMessage } from '../components/error-message';
import { noticeText } from '../components/notice-text';
import { EmptyState, QueryState } from '../components/query-state';
import { formatDate } from '../i18n/i18n';
import { MailBacklogStatus } from '../components/mail-backlog';
import { useSession } from '../auth/session';
import { ReporterChangeDecision } from './reporter-change-decision';

/** Where an owner's change reply is: change requested → building → published vX (or failed, with why). */
function ChangeProgress({ change, appId }: { change: InboxChange; appId: string }) {
  const { t, i18n } = useTranslation();
  const steps = ['requested', 'building', 'published'] as const;
  const reached = change.state === 'failed' ? 1 : steps.indexOf(change.state);
  return (
    <li className="change-progress">
      <p>
        <strong>{t('messages.change.asked')}:</strong> {change.text}
      </p>
      <ol className="steps" aria-label={t('messages.change.progress')}>
        {steps.map((step, index) => (
          <li key={step} className={index <= reached ? (change.state === 'failed' && index === reached ? 'failed' : 'done') : undefined} aria-current={index === reached ? 'step' : undefined}>
            {step === 'published' && change.version ? t('messages.change.publishedVersion', { version: change.version }) : t(`messages.change.states.${step}`)}
          </li>
        ))}
      </ol>
      {change.state === 'failed' ? <p className="notice notice-error">{t('messages.change.failed', { error: noticeText(i18n, change.errorNotice, change.error) })}</p> : null}
      {change.notified ? <p className="muted">{t('messages.change.notified')}</p> : null}
      <p className="muted">
        {change.conversationId ? <Link to={`/chat/${change.conversationId}`}>{t('messages.change.conversation')}</Link> : null}
        {change.version ? <> · <Link to={`/apps/${appId}`}>{t('messages.change.app', { version: change.version })}</Link></> : null}
      </p>
    </li>
  );
}

/** One message: its thread, and the drafted reply to edit and send. */
function MessageDetail({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const queryClient = useQueryClient();
  // While a change builds (or its reporter is not told yet), look again every few seconds.
  const detail = useQuery({
    queryKey: ['messages', id],
    queryFn: () => callRoute<InboxMessageDetail>('getMessage', { params: { id } }),
    refetchInterval: (query) => (query.state.data?.changes.some((c) => c.state === 'building' || (c.state === 'published' && !c.notified)) ? 5000 : false),
  });
  const [text, setText] = useState('');
  const [change, setChange] = useState('');
  useEffect(() => setText(detail.data?.draft ?? ''), [detail.data?.draft]);
  const send = useMutation({
    mutationFn: (asChange: boolean) => callRoute<InboxReply>('replyToMessage', { params: { id }, body: asChange ? { text, applyAsChange: true, ...(change.trim() ? { change } : {}) } : { text } }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['messages'] }),
  });
  const translate = useMutation({
    mutationFn: () => callRoute<TranslatedDraft>('translateDraft', { params: { id }, body: { text } }),
    onSuccess: (translated) => setText(translated.text),
  });
  return (
    <QueryState query={detail} empty={<EmptyState title={t('messages.gone')} />}>
      {(message) => (
        <article className="panel" aria-labelledby={`message-${id}`}>
          <h2 id={`message-${id}`}>{message.subject}</h2>
          <p>
            {t('messages.about', { app: message.app.title, version: message.senderVersion ?? t('messages.unknownVersion') })} · {t(`messages.kinds.${message.classification}`, { defaultValue: message.classification })}
          </p>
          <p><strong>{t('messages.summary')}:</strong> {message.summary}</p>
          <ol className="thread">
            {message.thread.map((item) => (
              <li key={item.id} className={item.direction === 'out' ? 'thread-out' : 'thread-in'}>
                <p className="muted">{item.sender} · {formatDate(item.createdAt, i18n.language)}</p>
                <pre className="mail-body">{item.body}</pre>
                {item.delivery ? <DeliveryStatus recipients={item.delivery} /> : null}
              </li>
            ))}
          </ol>
          {message.reporterChange ? <ReporterChangeDecision messageId={message.id} change={message.reporterChange} /> : null}
          {message.changes.length ? (
            <section aria-label={t('messages.change.title')}>
              <h3>{t('messages.change.title')}</h3>
              <ul className="list">{message.changes.map((c) => <ChangeProgress key={c.id} change={c} appId={message.app.id} />)}</ul>
            </section>
          ) : null}
          <div className="field">
            <label htmlFor={`reply-${id}`}>{t('messages.reply', { language: message.language.toUpperCase() })}</label>
            <textarea id={`reply-${id}`} rows={8} maxLength={20000} value={text} onChange={(event) => setText(event.target.value)} />
          </div>
          {send.isError ? <ErrorMessage error={send.error} /> : null}
          {send.isSuccess ? <p role="status" className="notice notice-success">{send.data.change ? t(`messages.change.sent.${send.data.change.state}`) : t('messages.sent')}</p> : null}
          {send.data?.change ? <pre className="mail-body">{send.data.change.reply}</pre> : null}
          <div className="field">
            <label htmlFor={`change-${id}`}>{t('messages.change.label')}</label>
            <input id={`change-${id}`} type="text" maxLength={4000} placeholder={t('messages.change.placeholder')} value={change} onChange={(event) => setChange(event.target.value)} />
            <p className="muted">{t('messages.change.hint')}</p>
          </div>
          {translate.isError ? <ErrorMessage error={translate.error} /> : null}
          {translate.data ? <p role="status" className="notice">{translate.data.engine === 'llm' ? t('messages.translated', { language: translate.data.language.toUpperCase() }) : t('messages.templateOnly', { language: translate.data.language.toUpperCase() })}</p> : null}
          <button type="button" disabled={send.isPending || !text.trim()} onClick={() => send.mutate(false)}>
            {t('messages.send')}
          </button>{' '}
          <button type="button" className="secondary" disabled={translate.isPending || !text.trim()} onClick={() => translate.mutate()}>
            {t('messages.translate')}
          </button>{' '}
          <button type="button" className="secondary" disabled={send.isPending || !text.trim()} onClick={() => send.mutate(true)}>
            {t('messages.change.send')}
          </button>
        </article>
      )}
    </QueryState>
  );
}

/** Feedback and bug reports about the caller's apps (every app's for an admin), with drafted replies. */
export function MessagesPage() {
  const { t, i18n } = useTranslation();
  // `?message=<id>` (the link in an owner's notice mail) opens that message.
  const [params] = useSearchParams();
  const [open, setOpen] = useState<string | null>(params.get('message'));
  const { hasRole } = useSession();
  const messages = useQuery({ queryKey: ['messages'], queryFn: () => callRoute<{ items: InboxMessage[] }>('listMessages', { query: { limit: 100 } }) });
  return (
    <section aria-labelledby="messages-title">
      <h1 id="messages-title">{t('messages.title')}</h1>
      {hasRole('admin') ? <MailBacklogStatus /> : null}
      <QueryState query={messages} empty={<EmptyState title={t('messages.empty')} hint={t('messages.emptyHint')} />} isEmpty={(data) => data.items.length === 0}>
        {({ items }) => (
            <ul className="list">
              {items.map((message) => (
                <li key={message.id}>
                  <button type="button" className="link" aria-expanded={open === message.id} onClick={() => setOpen(open === message.id ? null : message.id)}>
                    {message.subject || t('messages.noSubject')}
                  </button>{' '}
                  <span className="muted">
                    {message.app.title} · {message.sender} · {t(`messages.kinds.${message.classification}`, { defaultValue: message.classification })} · {formatDate(message.createdAt, i18n.language)}
                    {message.state === 'replied' ? ` · ${t('messages.replied')}` : ''}
                  </span>
                  <p>{message.summary}</p>
                  {open === message.id ? <MessageDetail id={message.id} /> : null}
                </li>
              ))}
            </ul>
        )}
      </QueryState>
    </section>
  );
}
