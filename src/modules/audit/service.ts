// Append-only record of security- and money-relevant actions (the table refuses UPDATE/DELETE).
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';

export type AuditAction =
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_out'
  | 'auth.locked'
  | 'auth.password_changed'
  | 'auth.password_reset'
  | 'auth.two_factor_enabled'
  | 'auth.two_factor_disabled'
  | 'auth.sign_up'
  | 'api_key.created'
  | 'api_key.revoked'
  | 'account.created'
  | 'account.status_changed'
  | 'account.profile_changed';

export type AuditEntry = {
  actorId: string | null;
  subject: { id: string; path: string } | null;
  action: AuditAction;
  ip?: string | null;
  details?: Record<string, unknown>;
};

export type AuditEvent = {
  id: string;
  at: Date;
  actorId: string | null;
  subjectId: string | null;
  action: string;
  ip: string | null;
  details: Record<string, unknown>;
};

export function createAuditService(deps: { db: Db }) {
  async function record(e: AuditEntry, db: Db = deps.db): Promise<void> {
    await db.query(
      'INSERT INTO audit_events (actor_id, subject_id, subject_path, action, ip, details) VALUES ($1,$2,$3,$4,$5,$6)',
      [e.actorId, e.subject?.id ?? null, e.subject?.path ?? null, e.action, e.ip ?? null, JSON.stringify(e.details ?? {})],
    );
  }

  /** Events about accounts in the caller's subtree, newest first. */
  async function list(scope: Scope, f: { action?: string; subjectId?: string; limit: number; offset: number }): Promise<AuditEvent[]> {
    const params: unknown[] = [scope.path];
    let where = 'starts_with(subject_path, $1)';
    if (f.action) {
      params.push(f.action);
      where += ` AND action = $${params.length}`;
    }
    if (f.subjectId) {
      params.push(f.subjectId);
      where += ` AND subject_id = $${params.length}`;
    }
    const { rows } = await deps.db.query(
      `SELECT * FROM audit_events WHERE ${where} ORDER BY at DESC, id DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
      params,
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: toDate(r.at)!,
      actorId: (r.actor_id as string) ?? null,
      subjectId: (r.subject_id as string) ?? null,
      action: r.action as string,
      ip: (r.ip as string) ?? null,
      details: (r.details as Record<string, unknown>) ?? {},
    }));
  }

  return { record, list };
}

export type AuditService = ReturnType<typeof createAuditService>;
