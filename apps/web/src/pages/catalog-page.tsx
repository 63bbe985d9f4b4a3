import { useDeferredValue } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { AppSummary, Page } from '../api/types';
import { useSession } from '../auth/session';
import { EmptyState, QueryState } from '../components/query-state';
import { ErrorMessage } from '../components/error-message';
import { formatNumber } from '../i18n/i18n';
import { useFirstScreenRendered } from '../first-screen';
import { catalogFilters, catalogQuery } from './catalog-query';

/** The AppSpec kinds (packages/spec APP_KINDS). */
export const KINDS = ['api-service', 'web-dashboard', 'form-app', 'automation', 'data-tool'];
const SORTS = ['newest', 'rating', 'installs'] as const;
/** A card's summary line: longer than this is cut at a word and ends with "…". */
const SUMMARY_CHARS = 140;

/**
 * A card's one-line summary: the first sentence of the app's summary (sentence breaks as the UI
 * language sees them, Intl.Segmenter), on one line, cut at a word when still too long.
 */
export function summaryLine(summary: string, language: string): string {
  const text = summary.replace(/\s+/g, ' ').trim();
  const first = new Intl.Segmenter(language, { granularity: 'sentence' }).segment(text)[Symbol.iterator]().next().value?.segment.trim() ?? text;
  if (first.length <= SUMMARY_CHARS) return first;
  const cut = first.slice(0, SUMMARY_CHARS);
  const space = cut.lastIndexOf(' ');
  return `${(space > SUMMARY_CHARS / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '')}…`;
}

export function AppCard({ app }: { app: AppSummary }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  return (
    <li className="card app-card">
      <h2 className="card-title">
        <Link to={`/apps/${encodeURIComponent(app.id)}`}>{app.title}</Link>
      </h2>
      <p className="muted small">
        <span className="tag">{t(`kinds.${app.kind}`, { defaultValue: app.kind })}</span> {app.latestVersion ? t('catalog.version', { version: app.latestVersion }) : null}
        {app.authorName && app.authorId ? (
          <>
            {' · '}
            <Link to={`/?author=${encodeURIComponent(app.authorId)}&authorName=${encodeURIComponent(app.authorName)}`}>{app.authorName}</Link>
          </>
        ) : null}
      </p>
      {app.summary ? (
        <p className="summary" title={app.summary}>
          {summaryLine(app.summary, lang)}
        </p>
      ) : null}
      {app.tags?.length ? (
        <p className="small">
          {app.tags.map((tag) => (
            <span key={tag} className="tag">
              #{tag}
            </span>
          ))}
        </p>
      ) : null}
      <p className="stats small">
        <span>{typeof app.rating === 'number' ? `★ ${formatNumber(app.rating, lang, { maximumFractionDigits: 1 })}` : t('catalog.unrated')}</span>
        {typeof app.rating === 'number' ? <span className="visually-hidden">{t('catalog.rating', { value: formatNumber(app.rating, lang, { maximumFractionDigits: 1 }) })}</span> : null}
        <span>{t('catalog.installs', { count: app.installs })}</span>
        {app.health && app.health.healthy + app.health.unhealthy > 0 ? (
          <span className={app.health.unhealthy ? 'bad' : 'good'}>
            {app.health.unhealthy ? t('catalog.unhealthy', { count: app.health.unhealthy }) : t('catalog.healthy', { count: app.health.healthy })}
          </span>
        ) : (
          <span className="muted">{t('catalog.notDeployed')}</span>
        )}
      </p>
    </li>
  );
}

export function CatalogPage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const [params, setParams] = useSearchParams();
  const { q, kind, sort, tag, author } = catalogFilters(params);
  const authorName = params.get('authorName') ?? '';
  const deferredQ = useDeferredValue(q);
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next, { replace: true });
  };
  const pages = useInfiniteQuery(catalogQuery({ q: deferredQ, kind, sort, tag, author }));
  useFirstScreenRendered(!pages.isPending);
  const query = { ...pages, data: pages.data ? { items: pages.data.pages.flatMap((page) => page.items), total: pages.data.pages[0]?.total } : undefined } as unknown as import('@tanstack/react-query').UseQueryResult<Page<AppSummary>>;
  const myId = me?.user?.id ?? '';
  const filtered = q !== '' || kind !== '' || tag !== '' || author !== '';
  return (
    <section aria-labelledby="catalog-title">
      <h1 id="catalog-title">{t('catalog.title')}</h1>
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="catalog-q">{t('catalog.searchLabel')}</label>
          <input id="catalog-q" type="search" value={q} onChange={(event) => update({ q: event.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="catalog-kind">{t('catalog.kind')}</label>
          <select id="catalog-kind" value={kind} onChange={(event) => update({ kind: event.target.value })}>
            <option value="">{t('catalog.anyKind')}</option>
            {KINDS.map((value) => (
              <option key={value} value={value}>
                {t(`kinds.${value}`, { defaultValue: value })}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="catalog-tag">{t('catalog.tag')}</label>
          <input id="catalog-tag" type="text" value={tag} onChange={(event) => update({ tag: event.target.value.trim() })} />
        </div>
        <div className="field">
          <span className="label">{t('catalog.author')}</span>
          <label className="check">
            <input type="checkbox" checked={author !== '' && author === myId} onChange={(event) => update({ author: event.target.checked ? myId : '', authorName: '' })} />
            {t('catalog.onlyMine')}
          </label>
          {author && author !== myId ? (
            <button type="button" className="secondary small-button" onClick={() => update({ author: '', authorName: '' })}>
              {t('catalog.clearAuthor', { name: authorName || author })}
            </button>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="catalog-sort">{t('catalog.sort')}</label>
          <select id="catalog-sort" value={sort} onChange={(event) => update({ sort: event.target.value })}>
            {SORTS.map((value) => (
              <option key={value} value={value}>
                {t(`catalog.sort${value[0]!.toUpperCase()}${value.slice(1)}` as 'catalog.sortRating')}
              </option>
            ))}
          </select>
        </div>
      </form>
      <QueryState
        query={query}
        isEmpty={(data) => data.items.length === 0}
        empty={
          filtered ? (
            <EmptyState title={t('catalog.noMatch')} />
          ) : (
            <EmptyState title={t('catalog.empty')} hint={t('catalog.emptyHint')}>
              <Link className="button" to="/chat">
                {t('catalog.startChat')}
              </Link>
            </EmptyState>
          )
        }
      >
        {(data) => (
          <>
            <p className="muted small" aria-live="polite">
              {t('catalog.count', { count: data.total ?? data.items.length })}
            </p>
            <ul className="grid" data-testid="catalog-grid">
              {data.items.map((app) => (
                <AppCard key={app.id} app={app} />
              ))}
            </ul>
            {pages.isFetchNextPageError ? <ErrorMessage error={pages.error} onRetry={() => void pages.fetchNextPage()} /> : null}
            {pages.hasNextPage ? (
              <button type="button" className="secondary" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage}>
                {pages.isFetchingNextPage ? t('common.loading') : t('catalog.more')}
              </button>
            ) : null}
          </>
        )}
      </QueryState>
    </section>
  );
}
