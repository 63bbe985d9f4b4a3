import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery } from '@tanstack/react-query';
import { callRoute, streamTurn } from '../api/api';
import { ApiError } from '../api/api-error';
import type { Conversation, ConversationTurn, PipelineRequest, QuickAction } from '../api/types';
import { BuildProgress } from '../chat/build-progress';
import { ConversationList } from '../chat/conversation-list';
import { MailConfirmations } from '../chat/mail-confirmations';
import { SpecDraft } from '../chat/spec-draft';
import { ErrorMessage } from '../components/error-message';
import { formatNumber } from '../i18n/i18n';
import { noticeText } from '../components/notice-text';
import { useFirstScreenRendered } from '../first-screen';

interface Message {
  from: 'user' | 'assistant';
  text: string;
}

type Recognition = { lang: string; onresult: (event: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void; onend: () => void; onerror: () => void; start(): void };

function speechRecognition(): (new () => Recognition) | null {
  if (typeof window === 'undefined') return null;
  const w = window as unknown as Record<string, unknown>;
  return (w.SpeechRecognition ?? w.webkitSpeechRecognition ?? null) as (new () => Recognition) | null;
}

/** The draft panel's view of a kept conversation, as if its last turn had just been answered. */
function turnOf(conversation: Conversation): ConversationTurn {
  const last = [...conversation.messages].reverse().find((m) => m.role === 'assistant');
  return {
    id: conversation.id, reply: last?.text ?? '', spec: conversation.spec, missing: conversation.missing, questions: [], actions: last?.actions ?? [], suggestions: [], similar: [],
    state: conversation.state, language: conversation.language, requestId: conversation.requestId, intent: null, notice: null, changes: [], scheduleText: conversation.scheduleText ?? null,
  };
}

export function ChatPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const routeId = useParams().id ?? null;
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [streaming, setStreaming] = useState('');
  const [turn, setTurn] = useState<ConversationTurn | null>(null);
  const [text, setText] = useState('');
  const [listening, setListening] = useState(false);
  const [requestId, setRequestId] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  const draft = useRef<HTMLElement>(null);
  // The chat's first screen (the prompt and the input) needs no answer.
  useFirstScreenRendered(true);

  // Each conversation has its own address (/chat/:id): opening one (or reloading the page) resumes it.
  const [loadError, setLoadError] = useState<unknown>(null);
  const shownId = useRef<string | null>(null);
  useEffect(() => {
    if (routeId === shownId.current) return;
    shownId.current = routeId;
    setLoadError(null);
    if (!routeId) {
      setConversationId(null);
      setMessages([]);
      setTurn(null);
      setRequestId(null);
      return;
    }
    let current = true;
    callRoute<Conversation>('getConversation', { params: { id: routeId } })
      .then((conversation) => {
        if (!current) return;
        setConversationId(conversation.id);
        setMessages(conversation.messages.map((m) => ({ from: m.role === 'user' ? 'user' : 'assistant', text: m.text })));
        setTurn(turnOf(conversation));
        setRequestId(conversation.requestId);
      })
      .catch((error: unknown) => current && setLoadError(error));
    return () => {
      current = false;
    };
  }, [routeId]);

  const received = (result: ConversationTurn) => {
    setConversationId(result.id);
    if (result.id !== shownId.current) {
      shownId.current = result.id;
      void navigate(`/chat/${encodeURIComponent(result.id)}`);
    }
    setTurn(result);
    setStreaming('');
    setMessages((list) => [...list, { from: 'assistant', text: result.reply }]);
    if (result.requestId) setRequestId(result.requestId);
  };
  const send = useMutation({
    mutationFn: (message: string) => {
      setStreaming('');
      const onDelta = (delta: string) => setStreaming((current) => current + delta);
      return conversationId ? streamTurn('sendMessage', { params: { id: conversationId }, body: { text: message } }, onDelta) : streamTurn('startConversation', { body: { text: message, channel: 'web' } }, onDelta);
    },
    onMutate: (message) => {
      setMessages((list) => [...list, { from: 'user', text: message }]);
      setText('');
    },
    onSuccess: received,
    onError: () => setStreaming(''),
  });
  const build = useMutation({
    mutationFn: () => callRoute<ConversationTurn>('buildConversation', { params: { id: conversationId! } }),
    onSuccess: received,
  });

  // When the build ends, the assistant says so in the conversation (published and on its way, or
  // what failed): read the conversation again and show its messages as the server keeps them.
  const request = useQuery({ queryKey: ['request', requestId], enabled: false, queryFn: () => callRoute<PipelineRequest>('getRequest', { params: { id: requestId! } }) });
  const buildEnded = requestId !== null && request.data?.state !== undefined && (request.data.state === 'published' || request.data.state === 'failed');
  useEffect(() => {
    if (!buildEnded || !conversationId) return;
    let current = true;
    callRoute<Conversation>('getConversation', { params: { id: conversationId } })
      .then((conversation) => {
        if (current) setMessages(conversation.messages.map((m) => ({ from: m.role === 'user' ? 'user' : 'assistant', text: m.text })));
      })
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [buildEnded, conversationId]);

  const choose = (action: QuickAction) => {
    const [kind, target] = [action.id.split(':')[0], action.id.slice(action.id.indexOf(':') + 1)];
    if (kind === 'build') build.mutate();
    else if (kind === 'open-app' || kind === 'deploy') void navigate(`/apps/${encodeURIComponent(target)}`);
    else if (kind === 'show-request') setRequestId(target);
    else if (kind === 'show-spec') draft.current?.querySelector<HTMLElement>('h2')?.focus();
    else if (action.message?.endsWith(' ')) {
      // An unfinished sentence ("change the schedule to "): the user completes it.
      setText(action.message);
      input.current?.focus();
    } else send.mutate(action.message ?? action.label);
  };

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (text.trim() && !send.isPending) send.mutate(text.trim());
  };
  const Speech = speechRecognition();
  const listen = () => {
    if (!Speech) return;
    const recognition = new Speech();
    recognition.lang = i18n.language === 'pl' ? 'pl-PL' : 'en-US';
    recognition.onresult = (event) => setText((current) => `${current} ${event.results[0]?.[0]?.transcript ?? ''}`.trim());
    recognition.onend = () => setListening(false);
    recognition.onerror = () => setListening(false);
    setListening(true);
    recognition.start();
  };
  const unavailable = send.error instanceof ApiError && send.error.notAvailable;
  const busy = send.isPending || build.isPending;
  const canBuild = !!conversationId && !!turn && turn.missing.length === 0 && !turn.requestId;

  return (
    <section aria-labelledby="chat-title">
      <h1 id="chat-title">{t('chat.title')}</h1>
      <MailConfirmations />
      <div className="chat-layout">
        <div className="chat">
          <p className="muted">{t('chat.intro')}</p>
          {loadError ? <ErrorMessage error={loadError} /> : null}
          <ol className="messages" aria-label={t('chat.conversation')}>
            {messages.map((message, index) => (
              <li key={index} className={`message ${message.from}`}>
                <span className="visually-hidden">{message.from === 'user' ? t('chat.you') : t('chat.assistant')}: </span>
                {message.text}
              </li>
            ))}
            {send.isPending ? (
              <li className="message assistant" aria-busy="true">
                {streaming || <span className="muted">{t('chat.sending')}</span>}
              </li>
            ) : null}
          </ol>
          <p className="visually-hidden" role="status" aria-live="polite">
            {!send.isPending && messages.at(-1)?.from === 'assistant' ? messages.at(-1)!.text : ''}
          </p>
          {turn?.similar.length ? (
            <div className="notice" data-testid="similar-apps">
              <p>
                <strong>{t('chat.similarTitle')}</strong>
              </p>
              <ul className="plain">
                {turn.similar.map((app) => (
                  <li key={app.id}>
                    <Link to={`/apps/${encodeURIComponent(app.id)}`}>{app.title}</Link>{' '}
                    <span className="muted small">
                      {t(`kinds.${app.kind}`, { defaultValue: app.kind })} · {t('chat.similarity', { value: formatNumber(app.score, i18n.language, { style: 'percent' }) })}
                      {app.shared.length ? ` · ${app.shared.map((english, index) => noticeText(i18n, app.reasons?.[index], english)).join('; ')}` : ''}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {turn?.actions.length ? (
            <div className="row wrap quick-actions" role="group" aria-label={t('chat.quickActions')}>
              {turn.actions.map((action) => (
                <button key={action.id} type="button" className="secondary" disabled={busy} onClick={() => choose(action)}>
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
              aria-describedby="chat-input-hint"
              onChange={(event) => setText(event.target.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && !event.shiftKey) {
                  event.preventDefault();
                  submit();
                }
              }}
            />
            <p id="chat-input-hint" className="hint">
              {t('chat.inputHint')}
            </p>
            <div className="row">
              <button type="submit" disabled={busy || !text.trim()}>
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
        <aside className="panel draft" aria-labelledby="draft-title" ref={draft}>
          <h2 id="draft-title" tabIndex={-1}>
            {t('chat.draft')}
          </h2>
          <SpecDraft spec={turn?.spec ?? null} missing={turn?.missing ?? []} language={turn?.language ?? i18n.language} scheduleText={turn?.scheduleText ?? null} busy={busy} onEdit={(message) => send.mutate(message)} />
          {turn ? (
            <button type="button" onClick={() => build.mutate()} disabled={busy || !canBuild}>
              {build.isPending ? t('chat.building') : t('chat.build')}
            </button>
          ) : null}
          {build.isError ? <ErrorMessage error={build.error} onRetry={() => build.mutate()} /> : null}
        </aside>
      </div>
      <ConversationList currentId={conversationId} />
      {requestId ? <BuildProgress requestId={requestId} /> : null}
    </section>
  );
}
