import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { ConversationSummary } from '../api/types';
import { formatDate } from '../i18n/i18n';

/** The signed-in user's conversations (title, state, last activity), each a link to its own address. */
export function ConversationList({ currentId }: { currentId: string | null }) {
  const { t, i18n } = useTranslation();
  const list = useQuery({
    queryKey: ['conversations', currentId],
    queryFn: () => callRoute<{ items: ConversationSummary[]; total: number }>('listConversations', { query: { limit: 20 } }),
  });
  return (
    <nav className="panel conversation-list" aria-labelledby="history-title">
      <h2 id="history-title">{t('chat.history')}</h2>
      <p>
        <Link to="/chat">{t('chat.newConversation')}</Link>
      </p>
      {list.data && !list.data.items.length ? <p className="muted">{t('chat.noConversations')}</p> : null}
      <ul className="plain" data-testid="conversation-list">
        {(list.data?.items ?? []).map((c) => (
          <li key={c.id}>
            <Link to={`/chat/${encodeURIComponent(c.id)}`} aria-current={c.id === currentId ? 'page' : undefined}>
              {c.title || t('chat.untitled')}
            </Link>{' '}
            <span className="muted small">
              {t(`chat.conversationStates.${c.state}`, { defaultValue: c.state })} · {t('chat.lastActivity', { date: formatDate(c.updatedAt, i18n.language) })}
            </span>
          </li>
        ))}
      </ul>
    </nav>
  );
}
