// The only SQL of the compliance module: policies, forbidden words, blacklists, opt-outs and
// the moderation queue. Numbers travel as int8 E.164 digits (989121234567).
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';
import type { PolicyRow, WindowRule } from './policy.ts';

export type ModerationStatus = 'pending' | 'approved' | 'rejected';
export type ModerationItem = {
  id: string;
  batchId: string;
  accountId: string;
  accountPath: string;
  reasons: string[];
  /** what the content rules found in the per-recipient texts (see SendEvaluation.matched) */
  matched: string[];
  messageClass: string;
  body: string;
  recipients: number;
  status: ModerationStatus;
  decidedBy: string | null;
  decidedAt: Date | null;
  comment: string | null;
  createdAt: Date;
};

const toPolicyRow = (r: Record<string, unknown>): PolicyRow => ({
  optOutFooter: (r.opt_out_footer as PolicyRow['optOutFooter']) ?? null,
  outsideHours: (r.outside_hours as PolicyRow['outsideHours']) ?? null,
  sendingWindows: (r.sending_windows as WindowRule[] | null) ?? null,
  wordAction: (r.word_action as PolicyRow['wordAction']) ?? null,
  linkAction: (r.link_action as PolicyRow['linkAction']) ?? null,
  cardAction: (r.card_action as PolicyRow['cardAction']) ?? null,
  moderationThreshold: r.moderation_threshold === null || r.moderation_threshold === undefined ? null : Number(r.moderation_threshold),
  moderateWithoutKyc: (r.moderate_without_kyc as boolean | null) ?? null,
  kycOwnMobileOnly: (r.kyc_own_mobile_only as boolean | null) ?? null,
});

const toItem = (r: Record<string, unknown>): ModerationItem => ({
  id: r.id as string,
  batchId: r.batch_id as string,
  accountId: r.account_id as string,
  accountPath: r.account_path as string,
  reasons: r.reasons as string[],
  matched: (r.matched as string[] | null) ?? [],
  messageClass: r.message_class as string,
  body: r.body as string,
  recipients: Number(r.recipients),
  status: r.status as ModerationStatus,
  decidedBy: (r.decided_by as string | null) ?? null,
  decidedAt: toDate(r.decided_at),
  comment: (r.comment as string | null) ?? null,
  createdAt: toDate(r.created_at)!,
});

/** '/acc_a/acc_b/' → ['acc_a', 'acc_b'], root first. */
export const idsOfPath = (path: string) => path.split('/').filter(Boolean);

export type RecipientHit = { index: number; kind: 'blacklisted' | 'opted_out' };

export function complianceRepo(db: Db) {
  return {
    /** The stored rows of the accounts on a path, root first (missing rows are empty). */
    async policyRows(ids: readonly string[]): Promise<Map<string, PolicyRow>> {
      const { rows } = await db.query('SELECT * FROM compliance_policies WHERE account_id = ANY($1::text[])', [ids]);
      return new Map(rows.map((r) => [r.account_id as string, toPolicyRow(r)]));
    },
    async upsertPolicy(accountId: string, p: PolicyRow, by: string, at: Date): Promise<void> {
      await db.query(
        `INSERT INTO compliance_policies (account_id, opt_out_footer, outside_hours, sending_windows, word_action, link_action, card_action,
           moderation_threshold, moderate_without_kyc, kyc_own_mobile_only, updated_by, updated_at)
         VALUES ($1,$2,$3,$4::jsonb,$5,$6,$7,$8,$9,$10,$11,$12)
         ON CONFLICT (account_id) DO UPDATE SET opt_out_footer = $2, outside_hours = $3, sending_windows = $4::jsonb, word_action = $5,
           link_action = $6, card_action = $7, moderation_threshold = $8, moderate_without_kyc = $9, kyc_own_mobile_only = $10,
           updated_by = $11, updated_at = $12`,
        [accountId, p.optOutFooter, p.outsideHours, p.sendingWindows === null ? null : JSON.stringify(p.sendingWindows), p.wordAction, p.linkAction,
          p.cardAction, p.moderationThreshold, p.moderateWithoutKyc, p.kycOwnMobileOnly, by, at],
      );
    },

    async wordsOf(ids: readonly string[]): Promise<{ accountId: string; word: string }[]> {
      const { rows } = await db.query('SELECT account_id, word FROM compliance_words WHERE account_id = ANY($1::text[]) ORDER BY word', [ids]);
      return rows.map((r) => ({ accountId: r.account_id as string, word: r.word as string }));
    },
    async addWords(accountId: string, words: readonly string[]): Promise<number> {
      const r = await db.query('INSERT INTO compliance_words (account_id, word) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING', [accountId, words]);
      return r.rowCount;
    },
    async removeWord(accountId: string, word: string): Promise<boolean> {
      return (await db.query('DELETE FROM compliance_words WHERE account_id = $1 AND word = $2', [accountId, word])).rowCount > 0;
    },

    /** One round trip before the check: the operator list's version (bumped by a trigger on every
     * change) and whether the sender's own lists hold anything at all. */
    async listState(o: { blacklistOwners: readonly string[]; optOutAccount: string | null; lineId: string | null }): Promise<{ operatorVersion: string; blacklist: boolean; optOuts: boolean }> {
      const { rows } = await db.query<{ v: unknown; b: boolean; o: boolean }>(
        `SELECT (SELECT version FROM operator_blacklist_version) AS v,
                EXISTS (SELECT 1 FROM account_blacklist WHERE account_id = ANY($1::text[])) AS b,
                EXISTS (SELECT 1 FROM opt_outs WHERE account_id = $2 OR line_id = $3) AS o`,
        [o.blacklistOwners, o.optOutAccount ?? '', o.lineId ?? ''],
      );
      return { operatorVersion: String(rows[0].v ?? '0'), blacklist: rows[0].b, optOuts: rows[0].o };
    },

    /** Up to `limit` operator-list numbers above `after`, in order, comma-separated in one text
     * value (a million numbers are one 13 MB string, not a million row objects; on PGlite this is
     * about twice as fast as int8send into one bytea). */
    async operatorNumbersAfter(after: number, limit: number): Promise<{ text: string; last: number | null }> {
      const { rows } = await db.query<{ t: string | null; last: unknown }>(
        `SELECT string_agg(number::text, ',') AS t, max(number) AS last
           FROM (SELECT number FROM operator_blacklist WHERE number > $1::int8 ORDER BY number LIMIT $2) s`,
        [after, limit],
      );
      const last = rows[0].last;
      return { text: rows[0].t ?? '', last: last === null || last === undefined ? null : Number(last) };
    },

    /** The numbers on the owners' own blacklists, or null when there are more than `limit`. */
    async blacklistNumbers(owners: readonly string[], limit: number): Promise<string[] | null> {
      const { rows } = await db.query<{ s: string | null; c: unknown }>(
        `SELECT string_agg(number::text, ',') AS s, count(*) AS c FROM (SELECT number FROM account_blacklist WHERE account_id = ANY($1::text[]) LIMIT $2) x`,
        [owners, limit + 1],
      );
      return Number(rows[0].c) > limit ? null : rows[0].s ? rows[0].s.split(',') : [];
    },
    /** The numbers opted out of the account's (or the line's) advertising, or null when more than `limit`. */
    async optOutNumbers(accountId: string, lineId: string | null, limit: number): Promise<string[] | null> {
      const { rows } = await db.query<{ s: string | null; c: unknown }>(
        `SELECT string_agg(number::text, ',') AS s, count(*) AS c FROM (SELECT number FROM opt_outs WHERE account_id = $1 OR line_id = $2 LIMIT $3) x`,
        [accountId, lineId ?? '', limit + 1],
      );
      return Number(rows[0].c) > limit ? null : rows[0].s ? rows[0].s.split(',') : [];
    },

    /** The recipients on the lists named, in ONE query. `numbers` is the comma-separated int8 list
     * (one text parameter parses far faster than a 1M-element array); a null list is left out. */
    async blockedRecipients(numbers: string, o: { operatorList: boolean; blacklistOwners: readonly string[] | null; optOuts: { account: string; lineId: string | null } | null }): Promise<RecipientHit[]> {
      const arms: string[] = [];
      if (o.operatorList) arms.push(`SELECT r.i, 'b' AS k FROM r JOIN operator_blacklist o ON o.number = r.n`);
      if (o.blacklistOwners) arms.push(`SELECT r.i, 'b' AS k FROM r WHERE EXISTS (SELECT 1 FROM account_blacklist b WHERE b.number = r.n AND b.account_id = ANY($2::text[]))`);
      if (o.optOuts) arms.push(`SELECT r.i, 'o' AS k FROM r WHERE EXISTS (SELECT 1 FROM opt_outs t WHERE t.number = r.n AND (t.account_id = $3 OR t.line_id = $4))`);
      if (!arms.length) return [];
      const { rows } = await db.query<{ i: unknown; k: string }>(
        `WITH r AS MATERIALIZED (SELECT n, i FROM unnest(string_to_array($1, ',')::int8[]) WITH ORDINALITY AS u(n, i)
           -- every parameter is named once, whichever arms are present
           WHERE $2::text[] IS NOT NULL AND $3::text IS NOT NULL AND $4::text IS NOT NULL)
         ${arms.join(' UNION ALL ')}`,
        [numbers, o.blacklistOwners ?? [], o.optOuts?.account ?? '', o.optOuts?.lineId ?? ''],
      );
      return rows.map((r) => ({ index: Number(r.i) - 1, kind: r.k === 'o' ? 'opted_out' : 'blacklisted' }));
    },

    async insertOperatorNumbers(numbers: string, generation: number): Promise<number> {
      const r = await db.query(
        `INSERT INTO operator_blacklist (number, generation) SELECT DISTINCT unnest(string_to_array($1, ',')::int8[]), $2::int4
         ON CONFLICT (number) DO UPDATE SET generation = EXCLUDED.generation WHERE operator_blacklist.generation <> EXCLUDED.generation`,
        [numbers, generation],
      );
      return r.rowCount;
    },
    async maxOperatorGeneration(): Promise<number> {
      const { rows } = await db.query('SELECT COALESCE(max(generation), 0) AS g FROM operator_blacklist');
      return Number(rows[0].g);
    },
    async deleteOperatorGenerationsExcept(generation: number): Promise<number> {
      return (await db.query('DELETE FROM operator_blacklist WHERE generation <> $1', [generation])).rowCount;
    },
    async countOperatorNumbers(): Promise<number> {
      const { rows } = await db.query('SELECT count(*)::int8 AS c FROM operator_blacklist');
      return Number(rows[0].c);
    },
    async onOperatorList(number: string): Promise<boolean> {
      return (await db.query('SELECT 1 FROM operator_blacklist WHERE number = $1::int8', [number])).rows.length > 0;
    },

    async addToBlacklist(accountId: string, numbers: string): Promise<number> {
      const r = await db.query(
        `INSERT INTO account_blacklist (account_id, number) SELECT $1, unnest(string_to_array($2, ',')::int8[]) ON CONFLICT DO NOTHING`,
        [accountId, numbers],
      );
      return r.rowCount;
    },
    async removeFromBlacklist(scope: Scope, number: string): Promise<boolean> {
      return (await db.query('DELETE FROM account_blacklist WHERE account_id = $1 AND number = $2::int8', [scope.accountId, number])).rowCount > 0;
    },
    async listBlacklist(scope: Scope, f: { q?: string; limit: number; offset: number }): Promise<{ items: { number: string; createdAt: Date }[]; total: number }> {
      const params: unknown[] = [scope.accountId];
      let where = 'account_id = $1';
      if (f.q) {
        params.push(`%${f.q}%`);
        where += ` AND number::text LIKE $${params.length}`;
      }
      const { rows } = await db.query(`SELECT number::text AS number, created_at FROM account_blacklist WHERE ${where} ORDER BY created_at DESC, number LIMIT ${f.limit} OFFSET ${f.offset}`, params);
      const { rows: c } = await db.query(`SELECT count(*)::int8 AS c FROM account_blacklist WHERE ${where}`, params);
      return { items: rows.map((r) => ({ number: r.number as string, createdAt: toDate(r.created_at)! })), total: Number(c[0].c) };
    },

    async optOut(accountId: string, number: string, lineId: string | null, at: Date): Promise<void> {
      await db.query(
        `INSERT INTO opt_outs (account_id, number, line_id, created_at) VALUES ($1, $2::int8, $3, $4)
         ON CONFLICT (account_id, number) DO UPDATE SET line_id = COALESCE(EXCLUDED.line_id, opt_outs.line_id), created_at = EXCLUDED.created_at`,
        [accountId, number, lineId, at],
      );
    },
    async optIn(accountId: string, number: string, lineId: string | null): Promise<void> {
      await db.query('DELETE FROM opt_outs WHERE number = $2::int8 AND (account_id = $1 OR line_id = $3)', [accountId, number, lineId ?? '']);
    },
    async listOptOuts(scope: Scope, f: { limit: number; offset: number }): Promise<{ number: string; lineId: string | null; createdAt: Date }[]> {
      const { rows } = await db.query(
        `SELECT number::text AS number, line_id, created_at FROM opt_outs WHERE account_id = $1 ORDER BY created_at DESC LIMIT ${f.limit} OFFSET ${f.offset}`,
        [scope.accountId],
      );
      return rows.map((r) => ({ number: r.number as string, lineId: (r.line_id as string | null) ?? null, createdAt: toDate(r.created_at)! }));
    },

    async accountMobile(accountId: string): Promise<string | null> {
      const { rows } = await db.query('SELECT mobile FROM accounts WHERE id = $1', [accountId]);
      return (rows[0]?.mobile as string | undefined) ?? null;
    },

    async insertModeration(i: { id: string; batchId: string; accountId: string; accountPath: string; reasons: string[]; matched: string[]; messageClass: string; body: string; recipients: number; at: Date }): Promise<ModerationItem> {
      const { rows } = await db.query(
        `INSERT INTO moderation_items (id, batch_id, account_id, account_path, reasons, matched, message_class, body, recipients, created_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *`,
        [i.id, i.batchId, i.accountId, i.accountPath, i.reasons, i.matched, i.messageClass, i.body, i.recipients, i.at],
      );
      return toItem(rows[0]);
    },
    /** Items of accounts strictly below the caller (nobody moderates their own sends). */
    async listModeration(scope: Scope, f: { status?: ModerationStatus; limit: number; offset: number }): Promise<{ items: ModerationItem[]; total: number }> {
      const params: unknown[] = [scope.path, scope.accountId];
      let where = 'starts_with(account_path, $1) AND account_id <> $2';
      if (f.status) {
        params.push(f.status);
        where += ` AND status = $${params.length}`;
      }
      const { rows } = await db.query(`SELECT * FROM moderation_items WHERE ${where} ORDER BY created_at, id LIMIT ${f.limit} OFFSET ${f.offset}`, params);
      const { rows: c } = await db.query(`SELECT count(*)::int8 AS c FROM moderation_items WHERE ${where}`, params);
      return { items: rows.map(toItem), total: Number(c[0].c) };
    },
    async findModerationForUpdate(scope: Scope, id: string): Promise<ModerationItem | null> {
      const { rows } = await db.query('SELECT * FROM moderation_items WHERE id = $1 AND starts_with(account_path, $2) AND account_id <> $3 FOR UPDATE', [id, scope.path, scope.accountId]);
      return rows[0] ? toItem(rows[0]) : null;
    },
    async decideModeration(id: string, d: { status: 'approved' | 'rejected'; by: string; at: Date; comment: string | null }): Promise<ModerationItem> {
      const { rows } = await db.query(
        'UPDATE moderation_items SET status = $2, decided_by = $3, decided_at = $4, comment = $5 WHERE id = $1 RETURNING *',
        [id, d.status, d.by, d.at, d.comment],
      );
      return toItem(rows[0]);
    },
  };
}
