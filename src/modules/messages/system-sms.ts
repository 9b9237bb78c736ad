// System SMS (codes, alerts, welcomes) go out through the message engine like any other message:
// the notifications service leaves them pending, and this worker sends them from the platform's
// line with the notification's id as the idempotency key, so a crash between sending and marking
// cannot send one twice.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { AccountService } from '../accounts/service.ts';
import type { ChannelAdapter } from '../notifications/service.ts';
import type { AcceptService } from './accept.ts';

export const deferredSms: ChannelAdapter = { send: async () => ({ ok: true, deferred: true }) };

export function createSystemSms(deps: { db: Db; log: Logger; accounts: AccountService; accept: AcceptService; production?: boolean; intervalMs?: number }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function sendPending(limit = 200): Promise<number> {
    const platform = await deps.accounts.findPlatform();
    if (!platform) return 0;
    const { rows } = await deps.db.query(
      "SELECT id, recipient, body, secret FROM notifications WHERE channel = 'sms' AND status = 'pending' ORDER BY created_at, id LIMIT $1",
      [limit],
    );
    for (const n of rows) {
      try {
        // One-time codes ride the OTP class: first in the outbox, never held by sending hours.
        // A code or a password: its batch is a secret too, emptied once done.
        const secret = n.secret ? { redactWhenDone: deps.production ?? false } : undefined;
        await deps.accept.send(platform, { to: [n.recipient as string], text: n.body as string, class: 'otp' }, { idempotencyKey: `ntf:${n.id}`, source: 'system', secret });
        await deps.db.query("UPDATE notifications SET status = 'sent', sent_at = now() WHERE id = $1", [n.id]);
      } catch (err) {
        deps.log.warn({ err, notification: n.id }, 'system SMS not sent');
        await deps.db.query("UPDATE notifications SET status = 'failed', error = $2 WHERE id = $1", [n.id, (err as Error).message.slice(0, 500)]);
      }
    }
    return rows.length;
  }

  return {
    sendPending,
    start() {
      timer ??= setInterval(() => {
        running ??= sendPending().catch((err: unknown) => deps.log.error({ err }, 'system SMS round failed')).then(() => {
          running = null;
        });
      }, deps.intervalMs ?? 250);
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
