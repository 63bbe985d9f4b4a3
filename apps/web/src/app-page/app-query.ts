import { callRoute } from '../api/api';
import type { AppDetail } from '../api/types';

/** The app page's main query: one definition, so a first load can start it before the page's code arrives. */
export const appQuery = (id: string) => ({ queryKey: ['app', id], queryFn: () => callRoute<AppDetail>('getApp', { params: { id } }) });

/** The app id an address names (`/apps/:id`), else null. */
export function appIdOf(pathname: string): string | null {
  const match = /^\/apps\/([^/]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}
