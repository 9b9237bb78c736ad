// Sends system messages (codes, welcomes, alerts) through channels. Every notification is a row
// first, so nothing is lost if a channel is down, and the row is what the platform admin reads in
// demo mode: the SMS channel's default adapter is the built-in simulator's handset.
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import { newId } from '../../lib/ids.ts';
import type { Logger } from 'pino';

export type Channel = 'sms' | 'email' | 'panel';
export type SendResult = { ok: true } | { ok: false; retryable: boolean; code: string };

/** One adapter per channel; the message engine replaces the simulator handset for SMS. */
export type ChannelAdapter = { send(n: { recipient: string; subject: string | null; body: string; brandId: string | null }): Promise<SendResult> };

export type Notification = {
  id: string;
  channel: Channel;
  accountId: string | null;
  recipient: string;
  subject: string | null;
  body: string;
  kind: string;
  status: 'pending' | 'sent' | 'failed' | 'read';
  createdAt: Date;
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
    status: r.status as Notification['status'],
    createdAt: toDate(r.created_at)!,
  };
}

/** Demo mode: the message lands on the simulator's handset (this table) and counts as sent. */
export const simulatorHandset: ChannelAdapter = { send: async () => ({ ok: true }) };

export function createNotificationService(deps: { db: Db; log: Logger; production: boolean; adapters?: Partial<Record<Channel, ChannelAdapter>> }) {
  const adapters: Record<Channel, ChannelAdapter> = { sms: simulatorHandset, email: simulatorHandset, panel: simulatorHandset, ...deps.adapters };

  async function send(n: { channel: Channel; recipient: string; body: string; kind: string; subject?: string; accountId?: string | null; brandId?: string | null; secret?: boolean }): Promise<string> {
    const id = newId('ntf');
    await deps.db.query(
      'INSERT INTO notifications (id, channel, account_id, brand_id, recipient, subject, body, kind) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
      [id, n.channel, n.accountId ?? null, n.brandId ?? null, n.recipient, n.subject ?? null, n.body, n.kind],
    );
    // Codes are secrets: outside production the console shows them so a newcomer can sign up.
    if (!n.secret || !deps.production) deps.log.info({ channel: n.channel, to: n.recipient, kind: n.kind, body: n.body }, 'notification');
    else deps.log.info({ channel: n.channel, to: n.recipient, kind: n.kind }, 'notification');
    const result = await adapters[n.channel]
      .send({ recipient: n.recipient, subject: n.subject ?? null, body: n.body, brandId: n.brandId ?? null })
      .catch((err: unknown) => ({ ok: false as const, retryable: true, code: String((err as Error).message) }));
    await deps.db.query(
      "UPDATE notifications SET status = $2, sent_at = CASE WHEN $2 = 'sent' THEN now() END, error = $3 WHERE id = $1",
      [id, result.ok ? 'sent' : 'failed', result.ok ? null : result.code],
    );
    return id;
  }

  /** What a number received: the simulator handset's screen, and the tests' view of the outside world. */
  async function listForRecipient(channel: Channel, recipient: string, limit = 50): Promise<Notification[]> {
    const { rows } = await deps.db.query(
      'SELECT * FROM notifications WHERE channel = $1 AND recipient = $2 ORDER BY created_at DESC, id DESC LIMIT $3',
      [channel, recipient, limit],
    );
    return rows.map(toNotification);
  }

  async function listRecent(channel: Channel, limit = 100): Promise<Notification[]> {
    const { rows } = await deps.db.query('SELECT * FROM notifications WHERE channel = $1 ORDER BY created_at DESC, id DESC LIMIT $2', [channel, limit]);
    return rows.map(toNotification);
  }

  return { send, listForRecipient, listRecent };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
