import { callRoute } from '../api/api';
import type { Agent, AppDetail, Deployment, Page } from '../api/types';

/**
 * The app page's first queries: one definition each, so a first load can start them before the
 * page's code arrives (`preloadFirstPage`) and the page finds their answers cached.
 */
export const appQuery = (id: string) => ({ queryKey: ['app', id], queryFn: () => callRoute<AppDetail>('getApp', { params: { id } }) });

/** The workstations (agents) the caller may see: the install panel and "on my workstations" read them. */
export const agentsQuery = () => ({ queryKey: ['agents'], queryFn: () => callRoute<Page<Agent>>('listAgents') });

/** Where an app runs (the caller's view): "on my workstations" reads it. */
export const appDeploymentsQuery = (appId: string) => ({
  queryKey: ['deployments', 'app', appId],
  queryFn: () => callRoute<Page<Deployment>>('listDeployments', { query: { appId } }),
});

/** The app id an address names (`/apps/:id`), else null. */
export function appIdOf(pathname: string): string | null {
  const match = /^\/apps\/([^/]+)\/?$/.exec(pathname);
  return match ? decodeURIComponent(match[1]!) : null;
}
