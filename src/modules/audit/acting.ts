// Who really acts in a request: in an impersonation session the account signed in is the user, but
// the person acting is its agency (or the agency's support). Every service records its audit
// events with the account it was handed; the request's context keeps who stands behind it, so
// audit.record can name the impersonator without each of its callers having to know.
import { AsyncLocalStorage } from 'node:async_hooks';

type Acting = { accountId: string | null; impersonatorId: string | null };

const context = new AsyncLocalStorage<Acting>();

/** Runs a request's work in a context of its own (before it is known who calls). */
export function runActing<T>(fn: () => T): T {
  return context.run({ accountId: null, impersonatorId: null }, fn);
}

/** The request signed in as `accountId` through a session opened by `impersonatorId`. */
export function markImpersonation(accountId: string, impersonatorId: string): void {
  const acting = context.getStore();
  if (!acting) throw new Error('markImpersonation outside runActing: the audit would name the user');
  acting.accountId = accountId;
  acting.impersonatorId = impersonatorId;
}

/** The impersonator behind `actorId` in the current request, or null. */
export function impersonatorOf(actorId: string | null): string | null {
  const acting = context.getStore();
  return actorId && acting?.impersonatorId && acting.accountId === actorId ? acting.impersonatorId : null;
}
