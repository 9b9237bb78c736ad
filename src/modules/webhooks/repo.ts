// Webhook endpoints and the log of their delivery attempts.
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';

export type EndpointView = { id: string; url: string; events: string[]; enabled: boolean; createdAt: string };
export type AttemptRow = { eventId: string; event: string; attempt: number; statusCode: number | null; error: string | null; durationMs: number | null; at: string };

export function webhookRepo(db: Db) {
  return {
    async findForDelivery(id: string): Promise<{ url: string; secret: string; enabled: boolean } | null> {
      const { rows } = await db.query('SELECT url, secret, enabled FROM webhook_endpoints WHERE id = $1', [id]);
      return rows[0] ? { url: rows[0].url as string, secret: rows[0].secret as string, enabled: Boolean(rows[0].enabled) } : null;
    },

    async countAttempts(endpointId: string, eventId: string): Promise<number> {
      const { rows } = await db.query('SELECT count(*)::int8 AS n FROM webhook_attempts WHERE endpoint_id = $1 AND event_id = $2', [endpointId, eventId]);
      return Number(rows[0].n);
    },

    async recordAttempt(a: { endpointId: string; eventId: string; event: string; attempt: number; statusCode: number | null; error: string | null; durationMs: number | null }): Promise<void> {
      await db.query('INSERT INTO webhook_attempts (endpoint_id, event_id, event, attempt, status_code, error, duration_ms) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
        a.endpointId, a.eventId, a.event, a.attempt, a.statusCode, a.error, a.durationMs,
      ]);
    },

    /** Ids of the account's enabled endpoints that want this event. */
    async subscribed(accountId: string, event: string): Promise<string[]> {
      const { rows } = await db.query('SELECT id FROM webhook_endpoints WHERE account_id = $1 AND enabled AND $2 = ANY(events)', [accountId, event]);
      return rows.map((r) => r.id as string);
    },

    async insert(e: { id: string; accountId: string; url: string; secret: string; events: string[] }): Promise<void> {
      await db.query('INSERT INTO webhook_endpoints (id, account_id, url, secret, events) VALUES ($1,$2,$3,$4,$5)', [e.id, e.accountId, e.url, e.secret, e.events]);
    },

    async listOwn(accountId: string): Promise<EndpointView[]> {
      const { rows } = await db.query('SELECT id, url, events, enabled, created_at FROM webhook_endpoints WHERE account_id = $1 ORDER BY created_at', [accountId]);
      return rows.map((r) => ({ id: r.id as string, url: r.url as string, events: r.events as string[], enabled: Boolean(r.enabled), createdAt: toDate(r.created_at)!.toISOString() }));
    },

    /** false: no such endpoint of this account. */
    async deleteOwn(accountId: string, id: string): Promise<boolean> {
      const r = await db.query('DELETE FROM webhook_endpoints WHERE id = $1 AND account_id = $2', [id, accountId]);
      return Boolean(r.rowCount);
    },

    async deleteById(id: string): Promise<void> {
      await db.query('DELETE FROM webhook_endpoints WHERE id = $1', [id]);
    },

    async isOwn(accountId: string, id: string): Promise<boolean> {
      const { rows } = await db.query('SELECT 1 FROM webhook_endpoints WHERE id = $1 AND account_id = $2', [id, accountId]);
      return rows.length > 0;
    },

    async recentAttempts(endpointId: string, limit: number): Promise<AttemptRow[]> {
      const { rows } = await db.query('SELECT * FROM webhook_attempts WHERE endpoint_id = $1 ORDER BY at DESC, id DESC LIMIT $2', [endpointId, limit]);
      return rows.map((r) => ({
        eventId: r.event_id as string, event: r.event as string, attempt: Number(r.attempt), statusCode: r.status_code === null ? null : Number(r.status_code),
        error: (r.error as string | null) ?? null, durationMs: r.duration_ms === null ? null : Number(r.duration_ms), at: toDate(r.at)!.toISOString(),
      }));
    },
  };
}
