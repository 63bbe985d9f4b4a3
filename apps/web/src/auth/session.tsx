import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, callRoute, onSessionLost } from '../api/api';
import { ApiError } from '../api/api-error';
import type { Me, Role, SessionResponse } from '../api/types';

interface SessionState {
  me: Me | null;
  loading: boolean;
  /** Store a new session from login, register or invitation acceptance. */
  signedIn(session: SessionResponse): void;
  signOut(): Promise<void>;
  hasRole(role: Role): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * Whether this browser may hold a session: set on signing in here (or on leaving for single sign-on),
 * cleared on signing out or when the server says the session is gone. The session cookie is httpOnly,
 * so without this a signed-out load would ask GET /auth/me and POST /auth/refresh only to be refused
 * (two 401s in the console); with it, a signed-out load asks nothing and shows the sign-in page.
 */
const SESSION_HINT = 'marketplace.session';
export const sessionHint = {
  get(): boolean {
    try {
      return globalThis.localStorage?.getItem(SESSION_HINT) === '1';
    } catch {
      return true; // storage blocked: ask the server, as before
    }
  },
  set(present: boolean) {
    try {
      if (present) globalThis.localStorage?.setItem(SESSION_HINT, '1');
      else globalThis.localStorage?.removeItem(SESSION_HINT);
    } catch {}
  },
};

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const queryClient = useQueryClient();

  useEffect(() => {
    onSessionLost(() => {
      sessionHint.set(false);
      setMe(null);
      queryClient.clear();
    });
    let cancelled = false;
    if (!sessionHint.get()) {
      setLoading(false);
      return;
    }
    (async () => {
      try {
        const current = await callRoute<Me>('me');
        if (!cancelled) setMe(current);
        await api.fetchCsrfToken();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) sessionHint.set(false);
        else console.warn(error);
      } finally {
        if (!cancelled) setLoading(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [queryClient]);

  const signedIn = useCallback((session: SessionResponse) => {
    sessionHint.set(true);
    api.setCsrfToken(session.csrfToken);
    setMe({ user: session.user, organization: session.organization, roles: session.user.roles, via: 'cookie' });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await callRoute('logout', { noRefresh: true });
    } finally {
      sessionHint.set(false);
      api.setCsrfToken(null);
      queryClient.clear();
      setMe(null);
    }
  }, [queryClient]);

  const value = useMemo<SessionState>(
    () => ({ me, loading, signedIn, signOut, hasRole: (role) => !!me && (me.roles.includes(role) || me.roles.includes('admin')) }),
    [me, loading, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}
