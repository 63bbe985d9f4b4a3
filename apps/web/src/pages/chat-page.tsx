import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { ApiError } from '../api/api-error';
import type { ConversationTurn, PipelineRequest, QuickAction } from '../api/types';
import { ErrorMessage } from '../components/error-message';

interface Message {
  from: 'user' | 'assistant';
  text: string;
}

const STEPS = ['generating', 'validating', 'packaging', 'scanning', 'signing', 'published'];

function actionOf(action: QuickAction | string): QuickAction {
  return typeof action === 'string' ? { label: action, text: action } : action;
}

type Recognition = { lang: string; onresult: (event: any) => void; onend: () => void; start(): void };

function speechRecognition(): (new () => Recognition) | null {
  const w = window as unknown as Record<string, unknown>;
  return (w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null) as (new () => Recognition) | null;
}

function BuildProgress({ requestId }: { requestId: string }) {
  const { t } = useTranslation();
  const request = useQuery({
    queryKey: ['request', requestId],
    queryFn: () => callRoute<PipelineRequest>('getRequest', { params: { id: requestId } }),
    refetchInterval: (query) => (query.state.data && ['published', 'failed'].includes(query.state.data.state) ? false : 1000),
  });
  const data = request.data;
  return (
    <section aria-labelledby="progress-title" className="panel">
      <h2 id="progress-title">{t('chat.progress')}</h2>
      {request.isError ? <ErrorMessage error={request.error} onRetry={() => void request.refetch()} /> : null}
      <ol className="steps" aria-live="polite">
        {STEPS.map((step) => {
          const found = data?.steps?.find((s) => s.name === step);
          return (
            <li key={step} className={found?.state ?? 'pending'}>
              {step} {found ? `· ${found.state}` : ''} {found?.error ? <span className="bad">{found.error}</span> : null}
            </li>
          );
        })}
      </ol>
      {data?.appId ? <Link to={`/apps/${encodeURIComponent(data.appId)}`}>{data.appId}</Link> : null}
    </section>
  );
}

export function ChatPage() {
  const { t, i18n } = useTranslation();
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [turn, setTurn] = useState<ConversationTurn | null>(null);
  const [text, setText] = useState('');
  const [draft, setDraft] = useState('');
  const [listening, setListening] = useState(false);
  const [requestId, setRequestId] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  const send = useMutation({
    mutationFn: async (message: string) =>
      conversationId
        ? callRoute<ConversationTurn>('sendMessage', { params: { id: conversationId }, body: { text: message } })
        : callRoute<ConversationTurn>('startConversation', { body: { text: message, channel: 'web' } }),
    onMutate: (message) => setMessages((list) => [...list, { from: 'user', text: message }]),
    onSuccess: (result) => {
      if (result.id) setConversationId(result.id);
      setTurn(result);
      setDraft(result.spec ? JSON.stringify(result.spec, null, 2) : '');
      setMessages((list) => [...list, { from: 'assistant', text: result.reply }]);
      setText('');
    },
  });
  const build = useMutation({
    mutationFn: () => callRoute<PipelineRequest>('createRequest', { body: { spec: JSON.parse(draft) } }),
    onSuccess: (result) => setRequestId(result.id),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) send.mutate(text.trim());
  };
  const Speech = speechRecognition();
  const listen = () => {
    if (!Speech) return;
    const recognition = new Speech();
    recognition.lang = i18n.language === 'pl' ? 'pl-PL' : 'en-US';
    recognition.onresult = (event) => setText((current) => `${current} ${event.results[0][0].transcript}`.trim());
    recognition.onend = () => setListening(false);
    setListening(true);
    recognition.start();
  };
  const unavailable = send.error instanceof ApiError && send.error.notAvailable;

  return (
    <section aria-labelledby="chat-title">
      <h1 id="chat-title">{t('chat.title')}</h1>
      <div className="chat-layout">
        <div className="chat">
          <p className="muted">{t('chat.intro')}</p>
          <ol className="messages" aria-live="polite" aria-label={t('chat.title')}>
            {messages.map((message, index) => (
              <li key={index} className={`message ${message.from}`}>
                <span className="visually-hidden">{message.from === 'user' ? t('chat.you') : t('chat.assistant')}: </span>
                {message.text}
              </li>
            ))}
            {send.isPending ? <li className="message assistant muted">{t('chat.sending')}</li> : null}
          </ol>
          {turn?.actions.length ? (
            <div className="row wrap quick-actions">
              {turn.actions.map(actionOf).map((action) => (
                <button key={action.label} type="button" className="secondary" onClick={() => send.mutate(action.text ?? action.label)}>
                  {action.label}
                </button>
              ))}
            </div>
          ) : null}
          {unavailable ? (
            <p className="notice" role="status">
              {t('chat.unavailable')}
            </p>
          ) : send.isError ? (
            <ErrorMessage error={send.error} onRetry={() => send.variables && send.mutate(send.variables)} />
          ) : null}
          <form onSubmit={submit} className="composer">
            <label htmlFor="chat-input">{t('chat.message')}</label>
            <textarea
              id="chat-input"
              ref={input}
              rows={3}
              value={text}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  if (text.trim()) send.mutate(text.trim());
                }
              }}
            />
            <div className="row">
              <button type="submit" disabled={send.isPending || !text.trim()}>
                {t('chat.send')}
              </button>
              {Speech ? (
                <button type="button" className="secondary" onClick={listen} aria-pressed={listening}>
                  {listening ? t('chat.listening') : t('chat.voice')}
                </button>
              ) : null}
            </div>
          </form>
        </div>
        <aside className="panel draft" aria-labelledby="draft-title">
          <h2 id="draft-title">{t('chat.draft')}</h2>
          {draft ? (
            <>
              <label htmlFor="draft-json" className="visually-hidden">
                {t('chat.draft')}
              </label>
              <textarea id="draft-json" className="code" rows={16} value={draft} onChange={(event) => setDraft(event.target.value)} spellCheck={false} />
              {turn?.missing.length ? <p className="small">{t('chat.missing', { fields: turn.missing.join(', ') })}</p> : null}
              <button type="button" onClick={() => build.mutate()} disabled={build.isPending || !!turn?.missing.length}>
                {build.isPending ? t('chat.building') : t('chat.build')}
              </button>
              {build.isError ? <ErrorMessage error={build.error} /> : null}
            </>
          ) : (
            <p className="muted">{t('chat.noDraft')}</p>
          )}
        </aside>
      </div>
      {requestId ? <BuildProgress requestId={requestId} /> : null}
    </section>
  );
}
