import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { callRoute } from '../../api/api';
import { apiRoutes } from '../../api/api-routes';
import type { AuditEntry, AuditVerification, Page } from '../../api/types';
import { DataTable } from '../../components/data-table';
import { ErrorMessage } from '../../components/error-message';
import { PersonName } from '../../components/person-name';
import { EmptyState, QueryState } from '../../components/query-state';
import { formatDate } from '../../i18n/i18n';

const LIMIT = 50;

export function AuditPage() {
  const { t, i18n } = useTranslation();
  const [q, setQ] = useState('');
  const [action, setAction] = useState('');
  const [heartbeats, setHeartbeats] = useState(false);
  const [result, setResult] = useState('');
  const [actor, setActor] = useState<{ id: string; label: string } | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [offset, setOffset] = useState(0);
  const period = periodQuery(from, to);
  const actions = wordedActions(t('admin.actionWords', { returnObjects: true }), i18n.language);
  const entries = useQuery({
    queryKey: ['audit', q, result, action, heartbeats, actor?.id, period.from, period.to, offset],
    queryFn: () =>
      callRoute<Page<AuditEntry>>('listAudit', {
        query: { q, result, action, ...(heartbeats ? { include: 'heartbeats' } : {}), ...(actor ? { actorId: actor.id } : {}), ...period, limit: LIMIT, offset },
      }),
    placeholderData: keepPreviousData,
  });
  const verify = useMutation({ mutationFn: () => callRoute<AuditVerification>('verifyAudit') });
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t('admin.audit')}</h1>
      <div className="row wrap">
        <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {verify.isPending ? t('admin.verifying') : t('admin.verify')}
        </button>
        <a className="button secondary" href={apiRoutes.exportAudit.path} download>
          {t('admin.exportAudit')}
        </a>
      </div>
      {verify.isError ? <ErrorMessage error={verify.error} onRetry={() => verify.mutate()} /> : null}
      {verify.data ? (
        <p role="status" className={`notice ${verify.data.ok ? 'notice-success' : 'notice-error'}`} data-testid="chain-status">
          {verify.data.ok ? t('admin.chainIntact', { count: verify.data.checked }) : t('admin.chainBroken', { seq: verify.data.seq ?? '?', problem: verify.data.problem ?? '' })}
        </p>
      ) : null}
      <form className="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="audit-q">{t('admin.auditSearch')}</label>
          <input id="audit-q" type="search" value={q} onChange={(event) => { setQ(event.target.value); setOffset(0); }} />
        </div>
        <div className="field">
          <label htmlFor="audit-action">{t('admin.action')}</label>
          <select id="audit-action" value={action} onChange={(event) => { setAction(event.target.value); setOffset(0); }}>
            <option value="">{t('admin.anyAction')}</option>
            {actions.map(({ code, word }) => (
              <option key={code} value={code}>
                {word}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label className="check">
            <input type="checkbox" checked={heartbeats} onChange={(event) => { setHeartbeats(event.target.checked); setOffset(0); }} /> {t('admin.showHeartbeats')}
          </label>
        </div>
        <div className="field">
          <label htmlFor="audit-from">{t('admin.auditFrom')}</label>
          <input id="audit-from" type="date" value={from} max={to || undefined} onChange={(event) => { setFrom(event.target.value); setOffset(0); }} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">{t('admin.auditTo')}</label>
          <input id="audit-to" type="date" value={to} min={from || undefined} onChange={(event) => { setTo(event.target.value); setOffset(0); }} />
        </div>
        <div className="field">
          <label htmlFor="audit-result">{t('admin.result')}</label>
          <select id="audit-result" value={result} onChange={(event) => { setResult(event.target.value); setOffset(0); }}>
            <option value="">{t('admin.anyResult')}</option>
            {(['success', 'failure', 'denied'] as const).map((value) => (
              <option key={value} value={value}>
                {t(`admin.results.${value}`)}
              </option>
            ))}
          </select>
        </div>
      </form>
      {actor ? (
        <p className="row" data-testid="actor-filter">
          <span>{t('admin.onlyActor', { name: actor.label })}</span>
          <button type="button" className="secondary" onClick={() => { setActor(null); setOffset(0); }}>
            {t('admin.allActors')}
          </button>
        </p>
      ) : null}
      <QueryState query={entries} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('admin.noneYet')} />}>
        {(data) => (
          <>
            <DataTable
              labelledBy="audit-title"
              stack={false}
              rows={data.items}
              rowKey={(entry) => entry.id}
              columns={[
                { key: 'seq', header: '#', cell: (entry) => entry.seq },
                { key: 'at', header: t('admin.when'), cell: (entry) => formatDate(entry.at, i18n.language) },
                { key: 'action', header: t('admin.action'), cell: (entry) => (
                    <details>
                      <summary>{t(`admin.actionWords.${entry.action.replaceAll('.', ':')}`, { defaultValue: entry.action })}</summary>
                      <pre className="code small" tabIndex={0}>{JSON.stringify({ action: entry.action, target: entry.targetId, status: entry.statusCode, ip: entry.ip, requestId: entry.requestId, details: entry.details }, null, 2)}</pre>
                    </details>
                  ) },
                { key: 'actor', header: t('admin.actor'), className: 'small', cell: (entry) => (
                    <>
                      {entry.actorType === 'system' && entry.actorId === 'cli' ? (
                        // the command line (`marketplace admin create`) is who acted: its words, not its id
                        t('admin.actorTypes.cli')
                      ) : (
                        <>
                          {t(`admin.actorTypes.${entry.actorType}`, { defaultValue: entry.actorType })}{' '}
                          {entry.actorId ? <PersonName person={entry.actorName ? { name: entry.actorName, email: entry.actorEmail ?? '' } : undefined} id={entry.actorId} /> : null}
                        </>
                      )}
                      {entry.actorId && entry.actorId !== actor?.id ? (
                        <>
                          {' '}
                          <button
                            type="button"
                            className="link small"
                            onClick={() => { setActor({ id: entry.actorId!, label: entry.actorName ?? entry.actorId!.slice(0, 8) }); setOffset(0); }}
                          >
                            {t('admin.filterActor')}
                          </button>
                        </>
                      ) : null}
                    </>
                  ) },
                { key: 'target', header: t('admin.target'), className: 'small', cell: (entry) => (
                    <>
                      {entry.targetType ? t(`admin.targetTypes.${entry.targetType}`, { defaultValue: entry.targetType }) : ''}
                      {entry.targetId ? (
                        <>
                          {' '}
                          {entry.targetName ? (
                            <span title={[entry.targetNote, entry.targetId].filter(Boolean).join(' · ')}>{entry.targetName}</span>
                          ) : (
                            <code title={entry.targetId}>{entry.targetId.slice(0, 8)}</code>
                          )}
                        </>
                      ) : null}
                    </>
                  ) },
                { key: 'result', header: t('admin.result'), className: (entry) => (entry.result === 'success' ? 'good' : 'bad'), cell: (entry) => t(`admin.results.${entry.result}`, { defaultValue: entry.result }) },
              ]}
            />
            <div className="row">
              <button type="button" className="secondary" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))}>
                {t('admin.newer')}
              </button>
              <span className="muted small">{t('common.total', { count: data.total ?? data.items.length })}</span>
              <button type="button" className="secondary" disabled={offset + LIMIT >= (data.total ?? 0)} onClick={() => setOffset(offset + LIMIT)}>
                {t('admin.older')}
              </button>
            </div>
          </>
        )}
      </QueryState>
    </section>
  );
}

/**
 * The actions the log can hold, by their words in the page's language and in its alphabetical order
 * (the filter asks the server by code; the words are keyed by the code with `:` for `.`).
 */
function wordedActions(words: unknown, language: string): { code: string; word: string }[] {
  if (!words || typeof words !== 'object') return [];
  return Object.entries(words as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([key, word]) => ({ code: key.replaceAll(':', '.'), word: word.charAt(0).toLocaleUpperCase(language) + word.slice(1) }))
    .sort((a, b) => a.word.localeCompare(b.word, language));
}

/** Whole days in the viewer's time zone: from the start of `from` to the end of `to`. */
function periodQuery(from: string, to: string): { from?: string; to?: string } {
  const day = (value: string, end: boolean) => {
    const date = new Date(`${value}T00:00:00`);
    if (Number.isNaN(date.getTime())) return undefined;
    if (end) date.setDate(date.getDate() + 1);
    return date.toISOString();
  };
  return { ...(from && day(from, false) ? { from: day(from, false) } : {}), ...(to && day(to, true) ? { to: day(to, true) } : {}) };
}
