// The only SQL of the notifications module: the notifications table (outbox, simulator handset,
// panel centre), brand templates and agency quiet rules.
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Lang } from '../../lib/i18n.ts';
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
};

export function notificationRepo(db: Db) {
  return {
    async insert(n: NewNotification): Promise<void> {
      await db.query(
        'INSERT INTO notifications (id, channel, account_id, brand_id, recipient, subject, body, kind, data) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
        [n.id, n.channel, n.accountId, n.brandId, n.recipient, n.subject, n.body, n.kind, JSON.stringify(n.data)],
      );
    },
    // created_at and sent_at are the database's time: the outbox is ordered by when rows really arrived.
    async setOutcome(id: string, ok: boolean, error: string | null): Promise<void> {
      await db.query("UPDATE notifications SET status = $2, sent_at = CASE WHEN $2 = 'sent' THEN now() END, error = $3 WHERE id = $1", [id, ok ? 'sent' : 'failed', error]);
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
