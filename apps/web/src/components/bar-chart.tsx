import { useTranslation } from 'react-i18next';
import type { AnalyticsPoint } from '../api/types';
import { formatNumber } from '../i18n/i18n';

function axisLabel(t: string | undefined, language: string, hourly: boolean): string {
  if (!t) return '';
  const date = new Date(t);
  return Number.isNaN(date.getTime()) ? t : new Intl.DateTimeFormat(language, { month: 'short', day: 'numeric', ...(hourly ? { hour: '2-digit', minute: '2-digit' } : {}) }).format(date);
}

/** A small accessible SVG bar chart: the figure is described in words, and the values are a table for screen readers. */
export function BarChart({ name, points, hourly = false }: { name: string; points: AnalyticsPoint[]; hourly?: boolean }) {
  const { t, i18n } = useTranslation();
  const values = points.map((point) => point.value);
  const max = Math.max(1, ...values);
  const min = values.length ? Math.min(...values) : 0;
  const width = 300;
  const height = 100;
  const bar = points.length ? width / points.length : width;
  const label = t('analytics.chartLabel', { name, count: points.length, min: formatNumber(min, i18n.language), max: formatNumber(max, i18n.language) });
  return (
    <figure className="chart">
      <figcaption>{name}</figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} preserveAspectRatio="none">
        {points.map((point, index) => {
          const h = (point.value / max) * (height - 4);
          return <rect key={point.t} x={index * bar + 1} y={height - h} width={Math.max(1, bar - 2)} height={h} className="bar" />;
        })}
      </svg>
      <div className="chart-axis small muted" aria-hidden="true">
        <span>{axisLabel(points[0]?.t, i18n.language, hourly)}</span>
        <span>{t('analytics.max', { value: formatNumber(max, i18n.language) })}</span>
        <span>{axisLabel(points[points.length - 1]?.t, i18n.language, hourly)}</span>
      </div>
      <table className="visually-hidden">
        <tbody>
          {points.map((point) => (
            <tr key={point.t}>
              <th scope="row">{axisLabel(point.t, i18n.language, hourly)}</th>
              <td>{formatNumber(point.value, i18n.language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
