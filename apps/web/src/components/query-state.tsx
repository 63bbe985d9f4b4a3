import type { ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/api-error';
import { ErrorMessage } from './error-message';

export function Loading() {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {t('common.loading')}
    </p>
  );
}

export function EmptyState({ title, hint, children }: { title: string; hint?: string; children?: ReactNode }) {
  return (
    <div className="empty" role="status">
      <p className="empty-title">{title}</p>
      {hint ? <p className="muted">{hint}</p> : null}
      {children}
    </div>
  );
}

interface QueryStateProps<T> {
  query: UseQueryResult<T>;
  /** Shown when the data is empty, or the route has not landed on this server (404 ROUTE_NOT_FOUND). */
  empty: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}

/** Loading, error (with retry), empty, or the data: every page's four states in one place. */
export function QueryState<T>({ query, empty, isEmpty, children }: QueryStateProps<T>) {
  if (query.isPending) return <Loading />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.notAvailable) return <>{empty}</>;
    return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}
