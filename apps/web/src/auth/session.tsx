import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, callRoute, onSessionLost } from '../api/api';
import { ApiError } from '../api/api-error';
import type { Me, Role, SessionResponse } from '../api/types';
import { afterFirstScreen } from '../first-screen';
import { readCookie } from '../cookies';

interface SessionState {
  me: Me | null;
  loading: boolean;
  /** The session this browser held ended without its user signing out here (signed out elsewhere, disabled, roles changed, expired). */
  ended: boolean;
  /** Store a new session from login, register or invitation acceptance. */
  signedIn(session: SessionResponse): void;
  signOut(): Promise<void>;
  hasRole(role: Role): boolean;
}

const SessionContext = createContext<SessionState | null>(null);

/**
 * Whether this browser may hold a session: the server sets the readable `mp_signed_in` cookie (no
 * secret, same lifetime as the refresh cookie) beside the httpOnly session cookies and clears it on
 * sign-out. Without it a signed-out load would ask GET /auth/me and POST /auth/refresh only to be
 * refused (two 401s in the console); with it, a signed-out load asks nothing and shows the sign-in page.
 * When the server says the session is gone, the page drops the marker itself.
 */
const SIGNED_IN_COOKIE = 'mp_signed_in';
export const sessionHint = {
  get(): boolean {
    if (typeof document === 'undefined') return true;
    return readCookie(SIGNED_IN_COOKIE) === '1';
  },
  forget() {
    if (typeof document !== 'undefined') document.cookie = `${SIGNED_IN_COOKIE}=; path=/; max-age=0; samesite=lax`;
  },
};

/** GET /auth/me asked as the page started (`askWhoIsSignedIn`); the provider takes it once instead of asking again. */
let earlyMe: Promise<Me> | null = null;

/**
 * Ask who is signed in as soon as the entry script runs, side by side with the language catalog and
 * the first page's code, instead of after the shell has rendered: every signed-in page waits for
 * this answer. Only when the browser may hold a session; a refusal is handled by the provider.
 */
export function askWhoIsSignedIn(): void {
  if (!sessionHint.get()) return;
  earlyMe = callRoute<Me>('me');
  earlyMe.catch(() => {});
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [ended, setEnded] = useState(false);
  const queryClient = useQueryClient();

  useEffect(() => {
    onSessionLost(() => {
      sessionHint.forget();
      setMe(null);
      setEnded(true);
      queryClient.clear();
    });
    let cancelled = false;
    if (!sessionHint.get()) {
      setLoading(false);
      return;
    }
    (async () => {
      try {
        const asked = earlyMe;
        earlyMe = null;
        const current = await (asked ?? callRoute<Me>('me'));
        if (!cancelled) setMe(current);
        // Not awaited, and not one of a first screen's requests: asked once that screen has been painted;
        // a write fetches it itself if it is not here yet.
        afterFirstScreen(() => void api.fetchCsrfToken());
      } catch (error) {
        // the browser held a session (the marker says so) and the server no longer knows it
        if (error instanceof ApiError && error.status === 401) {
          sessionHint.forget();
          if (!cancelled) setEnded(true);
        } else console.warn(error);
      } finally {
        if (!cancelled) setLoading(false);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [queryClient]);

  const signedIn = useCallback((session: SessionResponse) => {
    api.setCsrfToken(session.csrfToken);
    setEnded(false);
    setMe({ user: session.user, organization: session.organization, roles: session.user.roles, via: 'cookie' });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await callRoute('logout', { noRefresh: true });
    } finally {
      sessionHint.forget();
      api.setCsrfToken(null);
      queryClient.clear();
      setEnded(false);
      setMe(null);
    }
  }, [queryClient]);

  const value = useMemo<SessionState>(
    () => ({ me, loading, ended, signedIn, signOut, hasRole: (role) => !!me && (me.roles.includes(role) || me.roles.includes('admin')) }),
    [me, loading, ended, signedIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession needs a SessionProvider');
  return value;
}
