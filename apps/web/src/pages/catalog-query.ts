import { keepPreviousData } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { AppSummary, Page } from '../api/types';

export const CATALOG_PAGE_SIZE = 50;

/** The catalog's filters, as its address carries them (`?q=&kind=&sort=&tag=&author=`). */
export interface CatalogFilters {
  q: string;
  kind: string;
  sort: string;
  tag: string;
  author: string;
}

export function catalogFilters(params: URLSearchParams): CatalogFilters {
  return { q: params.get('q') ?? '', kind: params.get('kind') ?? '', sort: params.get('sort') ?? 'newest', tag: params.get('tag') ?? '', author: params.get('author') ?? '' };
}

/**
 * The catalog's list, page by page: one definition, so a first load at `/` can ask for it while the
 * page's code arrives (`preloadFirstPage`) and the page finds the answer cached.
 */
export const catalogQuery = ({ q, kind, sort, tag, author }: CatalogFilters) => ({
  queryKey: ['apps', q, kind, sort, tag, author],
  queryFn: ({ signal, pageParam }: { signal: AbortSignal; pageParam: number }) =>
    callRoute<Page<AppSummary>>('listApps', { query: { q, kind, sort, tag, author, limit: CATALOG_PAGE_SIZE, offset: pageParam }, signal }),
  initialPageParam: 0,
  getNextPageParam: (last: Page<AppSummary>, all: Page<AppSummary>[]) => {
    const loaded = all.reduce((sum, page) => sum + page.items.length, 0);
    return last.items.length === CATALOG_PAGE_SIZE && loaded < (last.total ?? Infinity) ? loaded : undefined;
  },
  placeholderData: keepPreviousData,
});
