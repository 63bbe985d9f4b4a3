import type { AnalyticsPeriod } from '../api/types';

export const PERIODS: readonly AnalyticsPeriod[] = ['24h', '7d', '30d', '90d'];
export const DEFAULT_PERIOD: AnalyticsPeriod = '7d';

/** The period in the URL (?period=), or the default for anything else. */
export function parsePeriod(value: string | null | undefined): AnalyticsPeriod {
  return (PERIODS as readonly string[]).includes(value ?? '') ? (value as AnalyticsPeriod) : DEFAULT_PERIOD;
}

