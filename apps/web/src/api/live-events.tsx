import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { afterFirstScreen } from '../first-screen';
import { apiRoutes } from './api-routes';

/** The server's live events (GET /api/v1/events), by name. */
export const LIVE_EVENTS = ['request', 'deployment', 'conversation', 'delivery', 'message', 'campaign', 'mail-backlog'] as const;
export type LiveEventName = (typeof LIVE_EVENTS)[number];

const text = (value: unknown): string | null => (typeof value === 'string' && value ? value : null);

/** The cached queries one event makes stale: the thing itself, and the lists and pages that show it. */
export function invalidationsFor(event: string, data: Record<string, unknown>): QueryKey[] {
  const id = text(data.id);
  const appId = text(data.appId);
  const keys: QueryKey[] = [];
  switch (event) {
    case 'request':
      if (id) keys.push(['request', id]);
      if (appId) keys.push(['app', appId], ['apps']);
      break;
    case 'deployment':
      keys.push(['deployments']);
      if (id) keys.push(['deployment', id]);
      if (appId) keys.push(['app', appId]);
      break;
    case 'conversation':
      if (id) keys.push(['conversation', id]);
      break;
    case 'delivery':
      // A request's page shows the deliveries of the version it published.
      keys.push(['request']);
      if (appId) keys.push(['app', appId]);
      break;
    case 'message':
      // A message landed in the inbox of an app the user owns (or, per the mail rules, for admins).
      keys.push(['messages'], ['mail-analyses']);
      break;
    case 'campaign':
      // a campaign's state or counts moved (mails sent, a bounce, an install reported)
      keys.push(['campaigns']);
      if (id) keys.push(['campaign', id]);
      break;
    case 'mail-backlog':
      keys.push(['mail-backlog'], ['mail-analyses']);
      break;
  }
  return keys;
}

/** Wait before reconnecting: 1 s, 2 s, 4 s … at most 60 s. */
export function reconnectDelay(attempt: number): number {
  return Math.min(60_000, 1000 * 2 ** Math.max(0, attempt));
}

/** How often a page polls: never while live events arrive, every `ms` otherwise. */
export function pollInterval(connected: boolean, ms: number): number | false {
  return connected ? false : ms;
}

const LiveContext = createContext(false);

/**
 * One EventSource for the signed-in session: each event invalidates the queries it touches. While it
 * is not connected (an older server without the route, or a dropped connection) pages poll instead.
 */
export function LiveEventsProvider({ children, url = apiRoutes.events.path }: { children: ReactNode; url?: string }) {
  const queryClient = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let stopped = false;
    const connect = () => {
      source = new EventSource(url, { withCredentials: true });
      source.addEventListener('ready', () => {
        attempt = 0;
        setConnected(true);
      });
      for (const name of LIVE_EVENTS) {
        source.addEventListener(name, (event) => {
          let data: Record<string, unknown> = {};
          try {
            data = JSON.parse((event as MessageEvent<string>).data) as Record<string, unknown>;
          } catch {}
          for (const queryKey of invalidationsFor(name, data)) void queryClient.invalidateQueries({ queryKey });
        });
      }
      source.onerror = () => {
        source?.close();
        setConnected(false);
        if (!stopped) timer = setTimeout(connect, reconnectDelay(attempt++));
      };
    };
    // Not one of a first screen's requests: it connects once that screen has been painted.
    const waiting = afterFirstScreen(connect);
    return () => {
      waiting();
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }, [queryClient, url]);
  return <LiveContext.Provider value={connected}>{children}</LiveContext.Provider>;
}

/** True while live events arrive. */
export function useLiveConnected(): boolean {
  return useContext(LiveContext);
}

/** The refetchInterval for a page's query: `ms` while live events are not arriving. */
export function usePollInterval(ms: number): number | false {
  return pollInterval(useLiveConnected(), ms);
}
