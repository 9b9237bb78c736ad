// The only SQL of the notifications module: the notifications table (outbox, simulator handset,
// panel centre, retries) and its attachments, brand templates and agency quiet rules.
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Lang } from '../../lib/i18n.ts';
import type { MailAttachment } from '../../mail/mailer.ts';
import type { Scope } from '../accounts/scope.ts';
import type { QuietRule } from './quiet.ts';
import type { Template, TemplateKind } from './templates.ts';

export type Channel = 'sms' | 'email' | 'panel';
export type NotificationStatus = 'pending' | 'sent' | 'failed' | 'read';

export type Notification = {
  id: string;
  channel: Channel;
  accountId: string | null;
  recipient: string;
  subject: string | null;
  body: string;
  kind: string;
  status: NotificationStatus;
  data: Record<string, unknown>;
  createdAt: Date;
  readAt: Date | null;
  brandId: string | null;
  fromName: string | null;
  /** attempts at the channel so far; the last one's error code stays even once sent */
  attempts: number;
  error: string | null;
  /** pending only: when the retry job tries again (a lease while an attempt is under way) */
  nextAttemptAt: Date | null;
  /** the text carries a code or a password */
  secret: boolean;
  /** the secret text has been emptied (delivered in production, or a day old) */
  redacted: boolean;
};

function toNotification(r: Record<string, unknown>): Notification {
  return {
    id: r.id as string,
    channel: r.channel as Channel,
    accountId: (r.account_id as string) ?? null,
    recipient: r.recipient as string,
    subject: (r.subject as string) ?? null,
    body: r.body as string,
    kind: r.kind as string,
    status: r.status as NotificationStatus,
    data: (r.data as Record<string, unknown>) ?? {},
    createdAt: toDate(r.created_at)!,
    readAt: toDate(r.read_at),
    brandId: (r.brand_id as string) ?? null,
    fromName: (r.from_name as string) ?? null,
    attempts: Number(r.attempts ?? 0),
    error: (r.error as string) ?? null,
    nextAttemptAt: toDate(r.next_attempt_at),
    secret: Boolean(r.secret),
    redacted: r.redacted_at !== null && r.redacted_at !== undefined,
  };
}

export type NewNotification = {
  id: string;
  channel: Channel;
  accountId: string | null;
  brandId: string | null;
  recipient: string;
  subject: string | null;
  body: string;
  kind: string;
  data: Record<string, unknown>;
  fromName: string | null;
  /** the lease of the first attempt: if the process dies during it, the retry job takes over */
  nextAttemptAt: Date;
  attachments: MailAttachment[];
  secret: boolean;
  /** empty the text once the row is final (a trigger, whoever finalises it) */
  redactWhenFinal: boolean;
};

/** What one attempt came to: `retry` keeps the row pending until `at`, `deferred` hands it on. */
export type AttemptOutcome =
  | { status: 'sent' }
  | { status: 'deferred' }
  | { status: 'retry'; error: string; at: Date }
  | { status: 'failed'; error: string };

export function notificationRepo(db: Db) {
  return {
    /** Empties the text of final notifications that carried a code or a password, sent before `before`. */
    async redactSecretsBefore(before: Date): Promise<number> {
      const r = await db.query(
        "UPDATE notifications SET body = '', subject = NULL, redacted_at = now() WHERE secret AND redacted_at IS NULL AND status <> 'pending' AND created_at < $1",
        [before],
      );
      return r.rowCount;
    },

    /** System SMS the message engine is to send (the sms channel's deferred adapter left them pending), oldest first. */
    async pendingSms(limit: number): Promise<{ id: string; recipient: string; body: string; secret: boolean }[]> {
      const { rows } = await db.query(
        "SELECT id, recipient, body, secret FROM notifications WHERE channel = 'sms' AND status = 'pending' ORDER BY created_at, id LIMIT $1",
        [limit],
      );
      return rows.map((r) => ({ id: r.id as string, recipient: r.recipient as string, body: r.body as string, secret: Boolean(r.secret) }));
    },

    /** What became of a system SMS handed to the message engine: accepted (sent) or refused (failed, with why). */
    async settleSms(id: string, outcome: { sent: true } | { sent: false; error: string }): Promise<void> {
      if (outcome.sent) await db.query("UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = $1", [id]);
      else await db.query("UPDATE notifications SET status = 'failed', error = $2 WHERE id = $1", [id, outcome.error.slice(0, 500)]);
    },

    async insert(n: NewNotification): Promise<void> {
      const write = async (q: Db) => {
        await q.query(
          `INSERT INTO notifications (id, channel, account_id, brand_id, recipient, subject, body, kind, data, from_name, next_attempt_at, secret, redact_when_final)
           VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
          [n.id, n.channel, n.accountId, n.brandId, n.recipient, n.subject, n.body, n.kind, JSON.stringify(n.data), n.fromName, n.nextAttemptAt, n.secret, n.redactWhenFinal],
        );
        for (const [i, a] of n.attachments.entries()) {
          await q.query('INSERT INTO notification_attachments (notification_id, position, filename, content_type, data) VALUES ($1,$2,$3,$4,$5)', [n.id, i, a.filename, a.contentType, a.content]);
        }
      };
      // A plain insert needs no transaction (the common case, and safe for callers that hold one).
      await (n.attachments.length ? db.transaction(write) : write(db));
    },
    // created_at and sent_at are the database's time: the outbox is ordered by when rows really arrived.
    async recordAttempt(id: string, attempts: number, at: Date, o: AttemptOutcome): Promise<void> {
      // Only a final outcome writes the status: a deferred SMS may already be marked sent by the
      // engine's worker, and a retried row is pending anyway.
      const final = o.status === 'sent' || o.status === 'failed' ? o.status : null;
      const error = o.status === 'retry' || o.status === 'failed' ? o.error : null;
      await db.query(
        `UPDATE notifications SET status = COALESCE($2, status), attempts = $3, last_attempt_at = $4, next_attempt_at = $5, error = COALESCE($6, error),
           sent_at = CASE WHEN $2 = 'sent' THEN now() ELSE sent_at END WHERE id = $1`,
        [id, final, attempts, at, o.status === 'retry' ? o.at : null, error],
      );
      if (final) await db.query('DELETE FROM notification_attachments WHERE notification_id = $1', [id]);
    },
    /**
     * Pending rows whose next attempt is due, each claimed until `leaseUntil` with its attempt
     * counted, so two workers (or a second server) never send the same one at once.
     */
    async claimDue(now: Date, leaseUntil: Date, limit: number): Promise<Notification[]> {
      const { rows } = await db.query(
        `UPDATE notifications SET next_attempt_at = $2, attempts = attempts + 1, last_attempt_at = $1
         WHERE id IN (SELECT id FROM notifications WHERE status = 'pending' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING *`,
        [now, leaseUntil, limit],
      );
      return rows.map(toNotification).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id));
    },
    async findAttachments(id: string): Promise<MailAttachment[]> {
      const { rows } = await db.query('SELECT filename, content_type, data FROM notification_attachments WHERE notification_id = $1 ORDER BY position', [id]);
      return rows.map((r) => ({ filename: r.filename as string, contentType: r.content_type as string, content: Buffer.from(r.data as Uint8Array) }));
    },
    async listForRecipient(channel: Channel, recipient: string, limit: number): Promise<Notification[]> {
      const { rows } = await db.query('SELECT * FROM notifications WHERE channel = $1 AND recipient = $2 ORDER BY created_at DESC, id DESC LIMIT $3', [channel, recipient, limit]);
      return rows.map(toNotification);
    },
    async listRecent(channel: Channel, limit: number): Promise<Notification[]> {
      const { rows } = await db.query('SELECT * FROM notifications WHERE channel = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [channel, limit]);
      return rows.map(toNotification);
    },

    /** The caller's own notification centre (channel 'panel'). */
    async listPanel(scope: Scope, f: { unreadOnly: boolean; limit: number; offset: number }): Promise<{ items: Notification[]; total: number; unread: number }> {
      const where = `channel = 'panel' AND account_id = $1${f.unreadOnly ? ' AND read_at IS NULL' : ''}`;
      const counts = await db.query<{ total: bigint; unread: bigint }>(
        `SELECT count(*) FILTER (WHERE ${where})::int8 AS total, count(*) FILTER (WHERE read_at IS NULL)::int8 AS unread
         FROM notifications WHERE channel = 'panel' AND account_id = $1`,
        [scope.accountId],
      );
      const { rows } = await db.query(`SELECT * FROM notifications WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${f.limit} OFFSET ${f.offset}`, [scope.accountId]);
      return { items: rows.map(toNotification), total: Number(counts.rows[0].total), unread: Number(counts.rows[0].unread) };
    },
    async countPanelUnread(scope: Scope): Promise<number> {
      const { rows } = await db.query<{ n: bigint }>("SELECT count(*)::int8 AS n FROM notifications WHERE channel = 'panel' AND account_id = $1 AND read_at IS NULL", [scope.accountId]);
      return Number(rows[0].n);
    },
    /** ids undefined: all of them. Returns how many changed. */
    async markPanelRead(scope: Scope, ids: string[] | undefined, at: Date): Promise<number> {
      const r = await db.query(
        `UPDATE notifications SET read_at = $2, status = 'read' WHERE channel = 'panel' AND account_id = $1 AND read_at IS NULL${ids ? ' AND id = ANY($3)' : ''}`,
        ids ? [scope.accountId, at, ids] : [scope.accountId, at],
      );
      return r.rowCount;
    },
    async findPanel(scope: Scope, id: string): Promise<Notification | null> {
      const { rows } = await db.query("SELECT * FROM notifications WHERE channel = 'panel' AND account_id = $1 AND id = $2", [scope.accountId, id]);
      return rows[0] ? toNotification(rows[0]) : null;
    },

    async findTemplate(brandId: string, kind: TemplateKind, lang: Lang): Promise<Template | null> {
      const { rows } = await db.query('SELECT subject, body, sms FROM notification_templates WHERE brand_id = $1 AND kind = $2 AND lang = $3', [brandId, kind, lang]);
      return rows[0] ? { subject: rows[0].subject as string, body: rows[0].body as string, sms: rows[0].sms as string } : null;
    },
    async listTemplates(brandId: string): Promise<(Template & { kind: TemplateKind; lang: Lang })[]> {
      const { rows } = await db.query('SELECT kind, lang, subject, body, sms FROM notification_templates WHERE brand_id = $1', [brandId]);
      return rows.map((r) => ({ kind: r.kind as TemplateKind, lang: r.lang as Lang, subject: r.subject as string, body: r.body as string, sms: r.sms as string }));
    },
    async upsertTemplate(brandId: string, kind: TemplateKind, lang: Lang, t: Template): Promise<void> {
      await db.query(
        `INSERT INTO notification_templates (brand_id, kind, lang, subject, body, sms) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (brand_id, kind, lang) DO UPDATE SET subject = EXCLUDED.subject, body = EXCLUDED.body, sms = EXCLUDED.sms, updated_at = now()`,
        [brandId, kind, lang, t.subject, t.body, t.sms],
      );
    },
    async deleteTemplate(brandId: string, kind: TemplateKind, lang: Lang): Promise<void> {
      await db.query('DELETE FROM notification_templates WHERE brand_id = $1 AND kind = $2 AND lang = $3', [brandId, kind, lang]);
    },

    async findRule(accountId: string): Promise<QuietRule | null> {
      const { rows } = await db.query('SELECT * FROM notification_rules WHERE account_id = $1', [accountId]);
      const r = rows[0];
      return r ? { smsWindowStart: r.sms_window_start as string, smsWindowEnd: r.sms_window_end as string, minPriorityOutside: r.min_priority_outside as QuietRule['minPriorityOutside'] } : null;
    },
    async upsertRule(accountId: string, rule: QuietRule): Promise<void> {
      await db.query(
        `INSERT INTO notification_rules (account_id, sms_window_start, sms_window_end, min_priority_outside) VALUES ($1,$2,$3,$4)
         ON CONFLICT (account_id) DO UPDATE SET sms_window_start = EXCLUDED.sms_window_start, sms_window_end = EXCLUDED.sms_window_end,
           min_priority_outside = EXCLUDED.min_priority_outside, updated_at = now()`,
        [accountId, rule.smsWindowStart, rule.smsWindowEnd, rule.minPriorityOutside],
      );
    },
  };
}
