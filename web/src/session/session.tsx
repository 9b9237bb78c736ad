// Who is signed in: GET /api/v1/me on start (the cookie may already hold a session), the CSRF
// token kept in memory, and sign-in / sign-out that every screen shares.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, setUnauthenticatedHandler } from '../api/client.ts';
import type { Me, Session } from '../api/types.ts';

export type SessionState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; me: Me };

type SessionApi = {
  state: SessionState;
  /** Re-reads /api/v1/me (after a profile change, 2FA, …). */
  refresh(): Promise<Me | null>;
  /** After login or sign-up: the answer carries the CSRF token, then /me fills in the rest. */
  signedIn(session: Session): Promise<Me | null>;
  signOut(): Promise<void>;
};

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const me = await api.get<Me>('/api/v1/me', undefined, { quiet401: true });
      setCsrfToken(me.csrfToken);
      setState({ status: 'signed-in', me });
      return me;
    } catch (err) {
      if ((err as { status?: number }).status === 401) {
        setCsrfToken(null);
        setState({ status: 'anonymous' });
        return null;
      }
      throw err;
    }
  }, []);

  const signedIn = useCallback(
    async (session: Session) => {
      setCsrfToken(session.csrfToken);
      return refresh();
    },
    [refresh],
  );

  const signOut = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } finally {
      setCsrfToken(null);
      setState({ status: 'anonymous' });
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setCsrfToken(null);
      setState({ status: 'anonymous' });
    });
    refresh().catch(() => setState({ status: 'anonymous' }));
    return () => setUnauthenticatedHandler(null);
  }, [refresh]);

  const value = useMemo(() => ({ state, refresh, signedIn, signOut }), [state, refresh, signedIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** For screens that only render when signed in. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe while not signed in');
  return state.me;
}
