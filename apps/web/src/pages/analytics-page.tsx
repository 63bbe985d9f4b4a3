import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import { ApiError } from '../api/api-error';
import type { Analytics } from '../api/types';
import { PERIODS, parsePeriod } from '../analytics/periods';
import { BarChart } from '../components/bar-chart';
import { EmptyState, QueryState } from '../components/query-state';
import { formatNumber } from '../i18n/i18n';

const SERIES = ['requests', 'published', 'failed', 'generationSecondsP50', 'activeUsers', 'llmCostUsd'] as const;

function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** A breakdown ({label, count}) as labelled horizontal bars: the text carries the numbers, the bars only show proportion. */
function Breakdown({ name, rows, language }: { name: string; rows: { label: string; count: number }[]; language: string }) {
  if (!rows.length) return null;
  const max = Math.max(1, ...rows.map((row) => row.count));
  return (
    <figure className="chart">
      <figcaption>{name}</figcaption>
      <ul className="plain breakdown">
        {rows.map((row) => (
          <li key={row.label}>
            <span className="breakdown-label">{row.label}</span>
            <span className="breakdown-bar" aria-hidden="true">
              <span className="bar" style={{ width: `${(row.count / max) * 100}%` }} />
            </span>
            <span className="breakdown-count">{formatNumber(row.count, language)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}

/** Apps generated, build time, success rate, kinds, deployment outcomes, active users, LLM usage and cost. */
export function AnalyticsPage() {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [params, setParams] = useSearchParams();
  const period = parsePeriod(params.get('period'));
  const analytics = useQuery({ queryKey: ['analytics', period], queryFn: () => callRoute<Analytics>('analytics', { query: { period } }), placeholderData: keepPreviousData });
  const forbidden = analytics.error instanceof ApiError && analytics.error.status === 403;
  const n = (value: number | null, options: Intl.NumberFormatOptions = {}) => formatNumber(value, lang, options);
  return (
    <section aria-labelledby="analytics-title">
      <h1 id="analytics-title">{t('analytics.title')}</h1>
      <fieldset className="segmented">
        <legend>{t('analytics.period')}</legend>
        {PERIODS.map((value) => (
          <label key={value} className={period === value ? 'checked' : ''}>
            <input type="radio" name="period" value={value} checked={period === value} onChange={() => setParams({ period: value }, { replace: true })} />
            {t(`analytics.periods.${value}`)}
          </label>
        ))}
      </fieldset>
      {forbidden ? (
        <p className="notice" role="status">
          {t('analytics.forbidden')}
        </p>
      ) : (
        <QueryState query={analytics} empty={<EmptyState title={t('analytics.empty')} />}>
          {(data) => (
            <>
              <dl className="tiles" aria-label={t('analytics.totals')}>
                <Tile label={t('analytics.kpi.requests')} value={n(data.totals.requests)} />
                <Tile label={t('analytics.kpi.published')} value={n(data.totals.published)} />
                <Tile label={t('analytics.kpi.successRate')} value={n(data.totals.successRate, { style: 'percent', maximumFractionDigits: 1 })} />
                <Tile label={t('analytics.kpi.generation')} value={data.totals.generationSecondsP50 === null ? '—' : `${n(data.totals.generationSecondsP50, { maximumFractionDigits: 1 })} s`} />
                <Tile label={t('analytics.kpi.activeUsers')} value={n(data.totals.activeUsers)} />
                <Tile label={t('analytics.kpi.deployments')} value={t('analytics.kpi.healthyOf', { healthy: n(data.totals.healthyDeployments), total: n(data.totals.deployments) })} />
                <Tile label={t('analytics.kpi.llmCalls')} value={`${n(data.totals.llmCalls)} · ${n(data.totals.llmTokens, { notation: 'compact' })} ${t('analytics.tokens')}`} />
                <Tile label={t('analytics.kpi.llmCost')} value={n(data.totals.llmCostUsd, { style: 'currency', currency: 'USD' })} />
              </dl>
              {data.totals.requests === 0 && data.totals.deployments === 0 ? <EmptyState title={t('analytics.empty')} /> : null}
              <div className="charts">
                {SERIES.filter((name) => data.series[name]?.length).map((name) => (
                  <BarChart key={name} name={t(`analytics.series.${name}`)} points={data.series[name]} hourly={data.bucket === 'hour'} />
                ))}
                <Breakdown name={t('analytics.kinds')} rows={data.kinds.map((row) => ({ label: t(`kinds.${row.kind}`, { defaultValue: row.kind }), count: row.count }))} language={lang} />
                <Breakdown name={t('analytics.outcomes')} rows={data.deploymentOutcomes.map((row) => ({ label: t(`deployments.states.${row.state}`, { defaultValue: row.state }), count: row.count }))} language={lang} />
              </div>
            </>
          )}
        </QueryState>
      )}
    </section>
  );
}
