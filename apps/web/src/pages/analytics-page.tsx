import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Analytics } from '../api/types';
import { BarChart } from '../components/bar-chart';
import { EmptyState, QueryState } from '../components/query-state';

const PERIODS = ['24h', '7d', '30d', '90d'] as const;
const SERIES = ['appsGenerated', 'generationSeconds', 'successRate', 'deployments', 'activeUsers', 'llmCost'] as const;

export function AnalyticsPage() {
  const { t } = useTranslation();
  const [period, setPeriod] = useState<(typeof PERIODS)[number]>('7d');
  const analytics = useQuery({ queryKey: ['analytics', period], queryFn: () => callRoute<Analytics>('analytics', { query: { period } }) });
  return (
    <section aria-labelledby="analytics-title">
      <h1 id="analytics-title">{t('analytics.title')}</h1>
      <fieldset className="segmented">
        <legend>{t('analytics.period')}</legend>
        {PERIODS.map((value) => (
          <label key={value} className={period === value ? 'checked' : ''}>
            <input type="radio" name="period" value={value} checked={period === value} onChange={() => setPeriod(value)} />
            {t(`analytics.periods.${value}`)}
          </label>
        ))}
      </fieldset>
      <QueryState
        query={analytics}
        isEmpty={(data) => Object.values(data.series ?? {}).every((points) => points.length === 0)}
        empty={<EmptyState title={t('analytics.empty')} />}
      >
        {(data) => (
          <div className="charts">
            {SERIES.filter((name) => data.series[name]?.length).map((name) => (
              <BarChart key={name} name={t(`analytics.series.${name}`)} points={data.series[name]!} />
            ))}
          </div>
        )}
      </QueryState>
    </section>
  );
}
