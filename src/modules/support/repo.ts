// The only SQL of the support module. A ticket is readable by its opener and by the agencies on
// its path (path_ids); every read below repeats that test, with the caller's scope.
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import { readFile, writeFile } from '../../db/files-repo.ts';
import type { Scope } from '../accounts/scope.ts';
import type { Priority } from '../notifications/quiet.ts';
import type { AttachmentType, CheckedAttachment } from './attachments.ts';

export type TicketStatus = 'waiting_for_support' | 'waiting_for_user' | 'answered' | 'closed' | 'forwarded';
export type Side = 'user' | 'support';
export type Person = { id: string; username: string; displayName: string };

export type Ticket = {
  id: string;
  openerId: string;
  openerPath: string;
  assigneeId: string;
  pathIds: string[];
  category: string;
  priority: Priority;
  subject: string;
  status: TicketStatus;
  createdAt: Date;
  updatedAt: Date;
  lastMessageAt: Date;
  closedAt: Date | null;
};
export type TicketSummary = Ticket & { opener: Person; assignee: Person; unread: number };
export type AttachmentMeta = { id: string; messageId: string; filename: string; contentType: AttachmentType; size: number };
export type TicketMessage = { id: string; seq: number; authorId: string; author: Person; side: Side; body: string; createdAt: Date; attachments: AttachmentMeta[] };
export type Forward = { seq: number; from: Person; to: Person; byId: string; note: string | null; at: Date };
export type TicketFilter = { box: 'all' | 'opened' | 'support'; id?: string; status?: TicketStatus; priority?: Priority; q?: string; limit: number; offset: number };

export type CannedReply = { id: string; accountId: string; title: string; body: string; createdAt: Date; updatedAt: Date };

const toCanned = (r: Record<string, unknown>): CannedReply => ({
  id: r.id as string,
  accountId: r.account_id as string,
  title: r.title as string,
  body: r.body as string,
  createdAt: toDate(r.created_at)!,
  updatedAt: toDate(r.updated_at)!,
});

// $1 = the caller's account id, $2 = the caller's path.
const visible = '(t.opener_id = $1 OR $1 = ANY(t.path_ids)) AND starts_with(t.opener_path, $2)';

function toTicket(r: Record<string, unknown>): Ticket {
  return {
    id: r.id as string,
    openerId: r.opener_id as string,
    openerPath: r.opener_path as string,
    assigneeId: r.assignee_id as string,
    pathIds: r.path_ids as string[],
    category: r.category as string,
    priority: r.priority as Priority,
    subject: r.subject as string,
    status: r.status as TicketStatus,
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
    lastMessageAt: toDate(r.last_message_at)!,
    closedAt: toDate(r.closed_at),
  };
}

const person = (r: Record<string, unknown>, prefix: string): Person => ({ id: r[`${prefix}_id`] as string, username: r[`${prefix}_username`] as string, displayName: (r[`${prefix}_display_name`] as string) ?? '' });

export function supportRepo(db: Db) {
  return {
    async insertTicket(t: Ticket): Promise<void> {
      await db.query(
        `INSERT INTO tickets (id, opener_id, opener_path, assignee_id, path_ids, category, priority, subject, status, created_at, updated_at, last_message_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$10,$10)`,
        [t.id, t.openerId, t.openerPath, t.assigneeId, t.pathIds, t.category, t.priority, t.subject, t.status, t.createdAt],
      );
    },

    /** Returns the message's sequence number (orders messages and read markers). */
    async insertMessage(m: { id: string; ticketId: string; authorId: string; side: Side; body: string; at: Date }): Promise<number> {
      const { rows } = await db.query<{ seq: bigint }>(
        'INSERT INTO ticket_messages (id, ticket_id, author_id, side, body, created_at) VALUES ($1,$2,$3,$4,$5,$6) RETURNING seq',
        [m.id, m.ticketId, m.authorId, m.side, m.body, m.at],
      );
      return Number(rows[0].seq);
    },

    async insertAttachment(a: CheckedAttachment & { id: string; ticketId: string; messageId: string; position: number; at: Date }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          'INSERT INTO ticket_attachments (id, ticket_id, message_id, position, filename, content_type, size, sha256, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)',
          [a.id, a.ticketId, a.messageId, a.position, a.filename, a.contentType, a.size, a.sha256, a.at],
        );
        await writeFile(tx, `ticket_attachments/${a.id}`, a.data);
      });
    },

    async findVisible(scope: Scope, id: string, opts: { forUpdate?: boolean } = {}): Promise<Ticket | null> {
      const { rows } = await db.query(`SELECT t.* FROM tickets t WHERE t.id = $3 AND ${visible}${opts.forUpdate ? ' FOR UPDATE' : ''}`, [scope.accountId, scope.path, id]);
      return rows[0] ? toTicket(rows[0]) : null;
    },

    async list(scope: Scope, f: TicketFilter): Promise<{ items: TicketSummary[]; total: number }> {
      const params: unknown[] = [scope.accountId, scope.path];
      const where = [visible];
      const add = (sql: (n: number) => string, v: unknown) => {
        params.push(v);
        where.push(sql(params.length));
      };
      if (f.box === 'opened') where.push('t.opener_id = $1');
      if (f.box === 'support') where.push('$1 = ANY(t.path_ids)');
      if (f.id) add((n) => `t.id = $${n}`, f.id);
      if (f.status) add((n) => `t.status = $${n}`, f.status);
      if (f.priority) add((n) => `t.priority = $${n}`, f.priority);
      if (f.q) add((n) => `(t.subject ILIKE $${n} OR t.id ILIKE $${n})`, `%${f.q.replace(/[\\%_]/g, '\\$&')}%`);
      const w = where.join(' AND ');
      const total = await db.query<{ n: bigint }>(`SELECT count(*)::int8 AS n FROM tickets t WHERE ${w}`, params);
      const { rows } = await db.query(
        `SELECT t.*, o.id AS opener_id, o.username AS opener_username, o.display_name AS opener_display_name,
           a.id AS assignee_id, a.username AS assignee_username, a.display_name AS assignee_display_name,
           (SELECT count(*) FROM ticket_messages m WHERE m.ticket_id = t.id AND m.author_id <> $1 AND m.seq > COALESCE(r.last_read_seq, 0))::int8 AS unread
         FROM tickets t JOIN accounts o ON o.id = t.opener_id JOIN accounts a ON a.id = t.assignee_id
         LEFT JOIN ticket_reads r ON r.ticket_id = t.id AND r.account_id = $1
         WHERE ${w} ORDER BY t.last_message_at DESC, t.id LIMIT ${f.limit} OFFSET ${f.offset}`,
        params,
      );
      return { items: rows.map((r) => ({ ...toTicket(r), opener: person(r, 'opener'), assignee: person(r, 'assignee'), unread: Number(r.unread) })), total: Number(total.rows[0].n) };
    },

    async messages(scope: Scope, ticketId: string): Promise<TicketMessage[]> {
      const { rows } = await db.query(
        `SELECT m.*, u.username AS author_username, u.display_name AS author_display_name FROM ticket_messages m
         JOIN tickets t ON t.id = m.ticket_id JOIN accounts u ON u.id = m.author_id
         WHERE m.ticket_id = $3 AND ${visible} ORDER BY m.seq`,
        [scope.accountId, scope.path, ticketId],
      );
      const files = await db.query(
        `SELECT f.id, f.message_id, f.filename, f.content_type, f.size FROM ticket_attachments f JOIN tickets t ON t.id = f.ticket_id
         WHERE f.ticket_id = $3 AND ${visible} ORDER BY f.message_id, f.position`,
        [scope.accountId, scope.path, ticketId],
      );
      const attachments = files.rows.map((f) => ({ id: f.id as string, messageId: f.message_id as string, filename: f.filename as string, contentType: f.content_type as AttachmentType, size: Number(f.size) }));
      return rows.map((r) => ({
        id: r.id as string,
        seq: Number(r.seq),
        authorId: r.author_id as string,
        author: person(r, 'author'),
        side: r.side as Side,
        body: r.body as string,
        createdAt: toDate(r.created_at)!,
        attachments: attachments.filter((a) => a.messageId === r.id),
      }));
    },

    async forwards(scope: Scope, ticketId: string): Promise<Forward[]> {
      const { rows } = await db.query(
        `SELECT f.*, fa.username AS from_username, fa.display_name AS from_display_name, ta.username AS to_username, ta.display_name AS to_display_name
         FROM ticket_forwards f JOIN tickets t ON t.id = f.ticket_id JOIN accounts fa ON fa.id = f.from_id JOIN accounts ta ON ta.id = f.to_id
         WHERE f.ticket_id = $3 AND ${visible} ORDER BY f.seq`,
        [scope.accountId, scope.path, ticketId],
      );
      return rows.map((r) => ({ seq: Number(r.seq), from: person(r, 'from'), to: person(r, 'to'), byId: r.by_id as string, note: (r.note as string) ?? null, at: toDate(r.at)! }));
    },

    async findAttachment(scope: Scope, ticketId: string, attachmentId: string): Promise<(AttachmentMeta & { data: Buffer }) | null> {
      const { rows } = await db.query(
        `SELECT f.id, f.message_id, f.filename, f.content_type, f.size FROM ticket_attachments f JOIN tickets t ON t.id = f.ticket_id WHERE f.id = $3 AND f.ticket_id = $4 AND ${visible}`,
        [scope.accountId, scope.path, attachmentId, ticketId],
      );
      const f = rows[0];
      if (!f) return null;
      return { id: f.id as string, messageId: f.message_id as string, filename: f.filename as string, contentType: f.content_type as AttachmentType, size: Number(f.size), data: await readFile(db, `ticket_attachments/${f.id as string}`) };
    },

    async update(id: string, p: { status: TicketStatus; at: Date; assigneeId?: string; pathIds?: string[]; closedAt?: Date | null; messageAt?: Date }): Promise<void> {
      await db.query(
        `UPDATE tickets SET status = $2, updated_at = $3, assignee_id = COALESCE($4, assignee_id), path_ids = COALESCE($5, path_ids),
           closed_at = CASE WHEN $6::boolean THEN $7::timestamptz ELSE closed_at END, last_message_at = COALESCE($8, last_message_at) WHERE id = $1`,
        [id, p.status, p.at, p.assigneeId ?? null, p.pathIds ?? null, p.closedAt !== undefined, p.closedAt ?? null, p.messageAt ?? null],
      );
    },

    async insertForward(f: { ticketId: string; fromId: string; toId: string; byId: string; note: string | null; at: Date }): Promise<void> {
      await db.query(
        `INSERT INTO ticket_forwards (ticket_id, seq, from_id, to_id, by_id, note, at)
         VALUES ($1, (SELECT COALESCE(max(seq), 0) + 1 FROM ticket_forwards WHERE ticket_id = $1), $2, $3, $4, $5, $6)`,
        [f.ticketId, f.fromId, f.toId, f.byId, f.note, f.at],
      );
    },

    /** Everything up to the newest message counts as read by this participant. */
    async markRead(ticketId: string, accountId: string, at: Date): Promise<void> {
      await db.query(
        `INSERT INTO ticket_reads (ticket_id, account_id, last_read_seq, read_at)
         SELECT $1, $2, COALESCE(max(seq), 0), $3 FROM ticket_messages WHERE ticket_id = $1
         ON CONFLICT (ticket_id, account_id) DO UPDATE SET last_read_seq = GREATEST(ticket_reads.last_read_seq, EXCLUDED.last_read_seq), read_at = EXCLUDED.read_at`,
        [ticketId, accountId, at],
      );
    },

    /** Unread messages by others, on tickets the caller opened and on tickets it supports. */
    async unread(scope: Scope): Promise<Record<'opened' | 'support', { tickets: number; messages: number }>> {
      const { rows } = await db.query(
        `SELECT (t.opener_id = $1) AS opened, count(DISTINCT t.id)::int8 AS tickets, count(*)::int8 AS messages
         FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id
         LEFT JOIN ticket_reads r ON r.ticket_id = t.id AND r.account_id = $1
         WHERE ${visible} AND m.author_id <> $1 AND m.seq > COALESCE(r.last_read_seq, 0)
         GROUP BY (t.opener_id = $1)`,
        [scope.accountId, scope.path],
      );
      const pick = (opened: boolean) => {
        const r = rows.find((x) => Boolean(x.opened) === opened);
        return { tickets: Number(r?.tickets ?? 0), messages: Number(r?.messages ?? 0) };
      };
      return { opened: pick(true), support: pick(false) };
    },

    async listCanned(scope: Scope): Promise<CannedReply[]> {
      const { rows } = await db.query('SELECT * FROM canned_replies WHERE account_id = $1 ORDER BY title, id', [scope.accountId]);
      return rows.map(toCanned);
    },
    async findCanned(scope: Scope, id: string): Promise<CannedReply | null> {
      const { rows } = await db.query('SELECT * FROM canned_replies WHERE account_id = $1 AND id = $2', [scope.accountId, id]);
      return rows[0] ? toCanned(rows[0]) : null;
    },
    async insertCanned(c: { id: string; accountId: string; title: string; body: string; at: Date }): Promise<CannedReply> {
      const { rows } = await db.query('INSERT INTO canned_replies (id, account_id, title, body, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$5) RETURNING *', [c.id, c.accountId, c.title, c.body, c.at]);
      return toCanned(rows[0]);
    },
    async updateCanned(scope: Scope, id: string, p: { title?: string; body?: string; at: Date }): Promise<CannedReply | null> {
      const { rows } = await db.query(
        'UPDATE canned_replies SET title = COALESCE($3, title), body = COALESCE($4, body), updated_at = $5 WHERE account_id = $1 AND id = $2 RETURNING *',
        [scope.accountId, id, p.title ?? null, p.body ?? null, p.at],
      );
      return rows[0] ? toCanned(rows[0]) : null;
    },
    async deleteCanned(scope: Scope, id: string): Promise<boolean> {
      const r = await db.query('DELETE FROM canned_replies WHERE account_id = $1 AND id = $2', [scope.accountId, id]);
      return r.rowCount > 0;
    },
  };
}
