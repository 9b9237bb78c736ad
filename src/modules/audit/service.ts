// Append-only record of security- and money-relevant actions: who (actor), about whom (subject,
// with its path so ancestors can search their subtree), when, from where (ip) and what changed
// (details). The table refuses UPDATE/DELETE.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { inScope, type Scope } from '../accounts/scope.ts';
import { impersonatorOf } from './acting.ts';
import { auditRepo, type AuditEvent, type AuditFilter } from './repo.ts';

export type { AuditEvent, AuditFilter } from './repo.ts';

export type AuditAction =
  | 'billing.credit_transferred'
  | 'billing.credit_limit_changed'
  | 'billing.group_assigned'
  | 'billing.prices_changed'
  | 'billing.deposit_approved'
  | 'billing.deposit_rejected'
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_out'
  | 'auth.locked'
  | 'auth.sign_in_throttled'
  | 'auth.password_changed'
  | 'auth.password_reset'
  | 'auth.two_factor_enabled'
  | 'auth.two_factor_disabled'
  | 'auth.sign_up'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'account.created'
  | 'account.status_changed'
  | 'account.profile_changed'
  | 'ticket.opened'
  | 'ticket.replied'
  | 'ticket.forwarded'
  | 'ticket.closed'
  | 'ticket.reopened'
  | 'compliance.policy_changed'
  | 'compliance.words_changed'
  | 'compliance.operator_blacklist_imported'
  | 'moderation.approved'
  | 'moderation.rejected'
  | 'kyc.submitted'
  | 'kyc.approved'
  | 'kyc.rejected'
  | 'agency.application_created'
  | 'agency.application_changed'
  | 'agency.contract_posted'
  | 'agency.renewed'
  | 'agency.expired'
  | 'line.assigned'
  | 'line.renewed'
  | 'line.suspended'
  | 'agency.settings_changed'
  | 'brand.changed'
  | 'domain.added'
  | 'domain.status_changed'
  | 'domain.expired'
  | 'domain.removed'
  | 'package.changed'
  | 'account.updated'
  | 'account.package_changed'
  | 'account.validity_extended'
  | 'account.password_reset_by_parent'
  | 'account.impersonated'
  | 'smpp.bound'
  | 'smpp.bind_failed'
  | 'smpp.password_rotated'
  | 'smpp.disabled'
  | 'smpp.limits_changed';

/**
 * An event as a reader sees it. `actorRole` 'provider': someone above the reader (its agency, or
 * the agency's own provider, or their support) acted; who, and from which IP, is theirs to know.
 */
export type VisibleAuditEvent = Omit<AuditEvent, 'actorPath'> & { actorRole: 'subtree' | 'provider' | null };

const ACCOUNT_ID = /^acc_[a-z0-9]+$/;

export type AuditEntry = {
  actorId: string | null;
  subject: { id: string; path: string } | null;
  action: AuditAction;
  ip?: string | null;
  details?: Record<string, unknown>;
};

export function createAuditService(deps: { db: Db; clock?: Clock }) {
  /** Pass the transaction's db when the action is part of one: the entry commits with it. */
  async function record(e: AuditEntry, db: Db = deps.db): Promise<void> {
    // An act done through an impersonation session is the impersonator's: readers below it then
    // see "your provider" and not its id or IP, as for anything else it does.
    const impersonator = impersonatorOf(e.actorId);
    const details = impersonator ? { ...e.details, onBehalfOf: e.actorId } : e.details;
    await auditRepo(db).insert({
      at: deps.clock?.now() ?? new Date(),
      actorId: impersonator ?? e.actorId,
      subjectId: e.subject?.id ?? null,
      subjectPath: e.subject?.path ?? null,
      action: e.action,
      ip: e.ip ?? null,
      details: details ?? {},
    });
  }

  const repo = auditRepo(deps.db);

  /**
   * Events about accounts in the caller's subtree, newest first. An actor outside the subtree is
   * shown only as "your provider": no id, username or IP; account ids outside the subtree that
   * the details name (a ticket's assignee, say) are blanked the same way.
   */
  async function list(scope: Scope, f: AuditFilter): Promise<VisibleAuditEvent[]> {
    const events = await repo.list(scope, f);
    const named = [...new Set(events.flatMap((e) => Object.values(e.details).filter((v): v is string => typeof v === 'string' && ACCOUNT_ID.test(v))))];
    const paths = await repo.pathsOf(named);
    const outside = (id: string) => !inScope(scope, paths.get(id) ?? '');
    return events.map(({ actorPath, ...e }) => {
      const details = Object.fromEntries(Object.entries(e.details).map(([k, v]) => [k, typeof v === 'string' && ACCOUNT_ID.test(v) && outside(v) ? null : v]));
      if (!e.actorId) return { ...e, details, actorRole: null };
      if (actorPath && inScope(scope, actorPath)) return { ...e, details, actorRole: 'subtree' };
      return { ...e, details, actorId: null, actorUsername: null, ip: null, actorRole: 'provider' };
    });
  }

  return {
    record,
    list,
    count: (scope: Scope, f: AuditFilter) => repo.count(scope, f),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
