// System SMS (codes, alerts, welcomes) go out through the message engine like any other message:
// the notifications service leaves them pending, and this worker sends them from the platform's
// line with the notification's id as the idempotency key, so a crash between sending and marking
// cannot send one twice.
import type { Logger } from 'pino';
import type { AccountService } from '../accounts/service.ts';
import type { ChannelAdapter, NotificationService } from '../notifications/service.ts';
import type { AcceptService } from './accept.ts';

export const deferredSms: ChannelAdapter = { send: async () => ({ ok: true, deferred: true }) };

export function createSystemSms(deps: { log: Logger; accounts: AccountService; notifications: Pick<NotificationService, 'pendingSms' | 'settleSms'>; accept: AcceptService; production?: boolean; intervalMs?: number }) {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  async function sendPending(limit = 200): Promise<number> {
    const platform = await deps.accounts.findPlatform();
    if (!platform) return 0;
    const pending = await deps.notifications.pendingSms(limit);
    for (const n of pending) {
      try {
        // One-time codes ride the OTP class: first in the outbox, never held by sending hours.
        // A code or a password: its batch is a secret too, emptied once done.
        const secret = n.secret ? { redactWhenDone: deps.production ?? false } : undefined;
        await deps.accept.send(platform, { to: [n.recipient], text: n.body, class: 'otp' }, { idempotencyKey: `ntf:${n.id}`, source: 'system', secret });
        await deps.notifications.settleSms(n.id, { sent: true });
      } catch (err) {
        deps.log.warn({ err, notification: n.id }, 'system SMS not sent');
        await deps.notifications.settleSms(n.id, { sent: false, error: (err as Error).message });
      }
    }
    return pending.length;
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
