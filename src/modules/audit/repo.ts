// The only SQL of the audit log. audit_events refuses UPDATE and DELETE (a trigger).
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';

export type AuditEvent = {
  id: string;
  at: Date;
  actorId: string | null;
  actorUsername: string | null;
  /** the actor's place in the tree (null: the system, or an account since removed) */
  actorPath: string | null;
  subjectId: string | null;
  subjectUsername: string | null;
  action: string;
  ip: string | null;
  details: Record<string, unknown>;
};

export type AuditFilter = {
  /** exact, or a family with a trailing `*` ("ticket.*") */
  action?: string;
  subjectId?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
};

function where(scope: Scope, f: AuditFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [scope.path];
  const clauses = ['starts_with(e.subject_path, $1)'];
  const add = (sql: (n: number) => string, v: unknown) => {
    params.push(v);
    clauses.push(sql(params.length));
  };
  if (f.action?.endsWith('*')) add((n) => `starts_with(e.action, $${n})`, f.action.slice(0, -1));
  else if (f.action) add((n) => `e.action = $${n}`, f.action);
  if (f.subjectId) add((n) => `e.subject_id = $${n}`, f.subjectId);
  // Only an actor inside the subtree can be searched for: naming an ancestor confirms nothing.
  if (f.actorId) add((n) => `e.actor_id = $${n} AND EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.actor_id AND starts_with(a.path, $1))`, f.actorId);
  if (f.from) add((n) => `e.at >= $${n}`, f.from);
  if (f.to) add((n) => `e.at < $${n}`, f.to);
  return { sql: clauses.join(' AND '), params };
}

export function auditRepo(db: Db) {
  return {
    async insert(e: { at: Date; actorId: string | null; subjectId: string | null; subjectPath: string | null; action: string; ip: string | null; details: Record<string, unknown> }): Promise<void> {
      await db.query('INSERT INTO audit_events (at, actor_id, subject_id, subject_path, action, ip, details) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
        e.at,
        e.actorId,
        e.subjectId,
        e.subjectPath,
        e.action,
        e.ip,
        JSON.stringify(e.details),
      ]);
    },

    /** Events about accounts in the caller's subtree, newest first. */
    async list(scope: Scope, f: AuditFilter): Promise<AuditEvent[]> {
      const w = where(scope, f);
      const { rows } = await db.query(
        `SELECT e.*, actor.username AS actor_username, actor.path AS actor_path, subject.username AS subject_username
         FROM audit_events e LEFT JOIN accounts actor ON actor.id = e.actor_id LEFT JOIN accounts subject ON subject.id = e.subject_id
         WHERE ${w.sql} ORDER BY e.at DESC, e.id DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
        w.params,
      );
      return rows.map((r) => ({
        id: String(r.id),
        at: toDate(r.at)!,
        actorId: (r.actor_id as string) ?? null,
        actorUsername: (r.actor_username as string) ?? null,
        actorPath: (r.actor_path as string) ?? null,
        subjectId: (r.subject_id as string) ?? null,
        subjectUsername: (r.subject_username as string) ?? null,
        action: r.action as string,
        ip: (r.ip as string) ?? null,
        details: (r.details as Record<string, unknown>) ?? {},
      }));
    },

    /** The tree paths of these accounts (ids named in events' details). */
    async pathsOf(ids: string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const { rows } = await db.query('SELECT id, path FROM accounts WHERE id = ANY($1)', [ids]);
      return new Map(rows.map((r) => [r.id as string, r.path as string]));
    },

    async count(scope: Scope, f: AuditFilter): Promise<number> {
      const w = where(scope, f);
      const { rows } = await db.query<{ n: bigint }>(`SELECT count(*)::int8 AS n FROM audit_events e WHERE ${w.sql}`, w.params);
      return Number(rows[0].n);
    },
  };
}
