// Append-only record of security- and money-relevant actions: who (actor), about whom (subject,
// with its path so ancestors can search their subtree), when, from where (ip) and what changed
// (details). The table refuses UPDATE/DELETE.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Scope } from '../accounts/scope.ts';
import { auditRepo, type AuditFilter } from './repo.ts';

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
  | 'smpp.disabled';

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
    await auditRepo(db).insert({
      at: deps.clock?.now() ?? new Date(),
      actorId: e.actorId,
      subjectId: e.subject?.id ?? null,
      subjectPath: e.subject?.path ?? null,
      action: e.action,
      ip: e.ip ?? null,
      details: e.details ?? {},
    });
  }

  const repo = auditRepo(deps.db);
  return {
    record,
    /** Events about accounts in the caller's subtree, newest first. */
    list: (scope: Scope, f: AuditFilter) => repo.list(scope, f),
    count: (scope: Scope, f: AuditFilter) => repo.count(scope, f),
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
