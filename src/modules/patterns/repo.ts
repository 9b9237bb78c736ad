// SQL for pattern templates. An account reads and edits its own; the platform reviews all.
import type { Db, Row } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';
import type { PatternVariable } from './template.ts';

export type PatternStatus = 'pending' | 'approved' | 'rejected';
export type Pattern = {
  id: string;
  accountId: string;
  name: string;
  body: string;
  variables: PatternVariable[];
  status: PatternStatus;
  reviewComment: string | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

function toPattern(r: Row): Pattern {
  return {
    id: r.id as string, accountId: r.account_id as string, name: r.name as string, body: r.body as string,
    variables: (typeof r.variables === 'string' ? JSON.parse(r.variables) : r.variables) as PatternVariable[],
    status: r.status as PatternStatus, reviewComment: (r.review_comment as string | null) ?? null, reviewedBy: (r.reviewed_by as string | null) ?? null,
    reviewedAt: toDate(r.reviewed_at), createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)!,
  };
}

export function patternRepo(db: Db) {
  return {
    async insert(scope: Scope, p: { id: string; name: string; body: string; variables: PatternVariable[] }): Promise<Pattern> {
      const { rows } = await db.query('INSERT INTO pattern_templates (id, account_id, name, body, variables) VALUES ($1,$2,$3,$4,$5::jsonb) RETURNING *', [
        p.id, scope.accountId, p.name, p.body, JSON.stringify(p.variables),
      ]);
      return toPattern(rows[0]);
    },
    /** The owner's pattern. */
    async findOwn(scope: Scope, id: string): Promise<Pattern | null> {
      const { rows } = await db.query('SELECT * FROM pattern_templates WHERE id = $1 AND account_id = $2', [id, scope.accountId]);
      return rows[0] ? toPattern(rows[0]) : null;
    },
    /** Any pattern of the caller's subtree (the platform's scope is everything). */
    async findInScope(scope: Scope, id: string): Promise<(Pattern & { accountPath: string }) | null> {
      const { rows } = await db.query(
        'SELECT p.*, a.path AS account_path FROM pattern_templates p JOIN accounts a ON a.id = p.account_id WHERE p.id = $1 AND starts_with(a.path, $2)',
        [id, scope.path],
      );
      return rows[0] ? { ...toPattern(rows[0]), accountPath: rows[0].account_path as string } : null;
    },
    async listOwn(scope: Scope, f: { status?: PatternStatus; limit: number; offset: number }): Promise<Pattern[]> {
      const { rows } = await db.query(
        `SELECT * FROM pattern_templates WHERE account_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset}`,
        [scope.accountId, f.status ?? null],
      );
      return rows.map(toPattern);
    },
    /** The review queue: patterns of the caller's subtree, oldest first. */
    async listInScope(scope: Scope, f: { status?: PatternStatus; limit: number; offset: number }): Promise<(Pattern & { username: string })[]> {
      const { rows } = await db.query(
        `SELECT p.*, a.username FROM pattern_templates p JOIN accounts a ON a.id = p.account_id
         WHERE starts_with(a.path, $1) AND ($2::text IS NULL OR p.status = $2) ORDER BY p.created_at, p.id LIMIT ${f.limit} OFFSET ${f.offset}`,
        [scope.path, f.status ?? null],
      );
      return rows.map((r) => ({ ...toPattern(r), username: r.username as string }));
    },
    async update(scope: Scope, id: string, p: { name: string; body: string; variables: PatternVariable[] }): Promise<boolean> {
      const r = await db.query(
        `UPDATE pattern_templates SET name = $3, body = $4, variables = $5::jsonb, status = 'pending', review_comment = NULL, reviewed_by = NULL,
           reviewed_at = NULL, updated_at = now() WHERE id = $1 AND account_id = $2 AND status <> 'approved'`,
        [id, scope.accountId, p.name, p.body, JSON.stringify(p.variables)],
      );
      return r.rowCount > 0;
    },
    /** Decides a pending pattern; false when it was not pending (already decided or edited). */
    async decide(id: string, d: { status: 'approved' | 'rejected'; comment: string | null; reviewerId: string; at: Date }): Promise<boolean> {
      const r = await db.query(
        `UPDATE pattern_templates SET status = $2, review_comment = $3, reviewed_by = $4, reviewed_at = $5, updated_at = $5 WHERE id = $1 AND status = 'pending'`,
        [id, d.status, d.comment, d.reviewerId, d.at],
      );
      return r.rowCount > 0;
    },
    async delete(scope: Scope, id: string): Promise<boolean> {
      return (await db.query('DELETE FROM pattern_templates WHERE id = $1 AND account_id = $2', [id, scope.accountId])).rowCount > 0;
    },
  };
}
