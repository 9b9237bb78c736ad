// Customer webhooks: delivery reports and inbound messages, POSTed as JSON signed with HMAC-SHA256
// over "<timestamp>.<body>" with a secret per endpoint, retried with backoff through the job
// queue; every attempt is logged and visible to the owner.
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Outbound, OutboundFailure } from '../../lib/outbound.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { JobDefinition, JobQueue } from '../../jobs/queue.ts';
import type { Metrics } from '../../lib/metrics.ts';

export type WebhookEvent = 'delivery' | 'inbound' | 'forward';
export const SIGNATURE_HEADER = 'x-chapar-signature';

/** `t=<unix seconds>,v1=<hex>`: the receiver recomputes HMAC(secret, `${t}.${rawBody}`) and checks t is recent. */
export function signPayload(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const deliverySchema = z.object({ endpointId: z.string(), eventId: z.string(), event: z.enum(['delivery', 'inbound', 'forward']), payload: z.unknown() });

const shownFailures: readonly string[] = ['destination_not_allowed', 'connection_failed', 'too_large', 'too_many_redirects'] satisfies OutboundFailure[];
/** Older rows kept the network error's text (addresses, ports, errno): shown as a plain failure. */
const shownFailure = (error: string | null) => (error && shownFailures.includes(error) ? error : 'connection_failed');

export function createWebhookService(deps: { db: Db; clock: Clock; outbound: Outbound; timeoutMs?: number; metrics?: Pick<Metrics, 'webhookAttempts'> }) {
  let queue: JobQueue | null = null;

  const job: JobDefinition<typeof deliverySchema> = {
    name: 'webhook-deliver',
    schema: deliverySchema,
    retryLimit: 8,
    handler: async (data) => {
      const { rows } = await deps.db.query('SELECT url, secret, enabled FROM webhook_endpoints WHERE id = $1', [data.endpointId]);
      const ep = rows[0];
      if (!ep || !ep.enabled) return;
      const { rows: n } = await deps.db.query('SELECT count(*)::int8 AS n FROM webhook_attempts WHERE endpoint_id = $1 AND event_id = $2', [data.endpointId, data.eventId]);
      const attempt = Number(n[0].n) + 1;
      const body = JSON.stringify({ id: data.eventId, event: data.event, data: data.payload });
      const started = Date.now();
      const res = await deps.outbound.request(ep.url as string, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Chapar-Webhooks/1', 'x-chapar-event': data.event, 'x-chapar-delivery': data.eventId, [SIGNATURE_HEADER]: signPayload(ep.secret as string, body, deps.clock.now()) },
        body,
        timeoutMs: deps.timeoutMs ?? 10_000,
        maxRedirects: 0,
      });
      const status = res.ok ? res.status : null;
      const error = res.ok ? null : res.failure;
      // Only an answer's time is kept: how long a refused or failed connection took would tell
      // an open port from a closed one.
      const durationMs = res.ok ? Date.now() - started : null;
      await deps.db.query('INSERT INTO webhook_attempts (endpoint_id, event_id, event, attempt, status_code, error, duration_ms) VALUES ($1,$2,$3,$4,$5,$6,$7)', [
        data.endpointId, data.eventId, data.event, attempt, status, error, durationMs,
      ]);
      const ok = status !== null && status >= 200 && status < 300;
      deps.metrics?.webhookAttempts.inc({ event: data.event, outcome: ok ? 'ok' : 'failed' });
      // A failure throws, so the queue retries it later with backoff.
      if (!ok) throw new Error(`webhook answered ${status ?? error}`);
    },
  };

  /**
   * Enqueues one event for every enabled endpoint of the account that wants it, inside tx.
   * `payloads` may be a function: it is called only when some endpoint wants them.
   */
  async function emit(tx: Db, accountId: string, event: WebhookEvent, payloadsOrMake: unknown[] | (() => Promise<unknown[]>)) {
    if (!queue || (Array.isArray(payloadsOrMake) && !payloadsOrMake.length)) return;
    const { rows } = await tx.query('SELECT id FROM webhook_endpoints WHERE account_id = $1 AND enabled AND $2 = ANY(events)', [accountId, event]);
    if (!rows.length) return;
    const payloads = Array.isArray(payloadsOrMake) ? payloadsOrMake : await payloadsOrMake();
    for (const ep of rows) {
      for (const payload of payloads) {
        await queue.send(job, { endpointId: ep.id as string, eventId: newId('evt'), event, payload }, { tx });
      }
    }
  }

  /** One event to one endpoint (a forwarding rule's), inside tx. */
  async function emitTo(tx: Db, endpointId: string, event: WebhookEvent, payload: unknown) {
    if (queue) await queue.send(job, { endpointId, eventId: newId('evt'), event, payload }, { tx });
  }

  /** Refuses, in the caller's language, a URL the outbound rule would never open. */
  async function assertAllowed(url: string, path: string): Promise<URL> {
    const reason = await deps.outbound.refusalOnSave(url);
    if (reason) throw new AppError('URL_NOT_ALLOWED', { reason, fields: [{ path }] });
    return new URL(url);
  }

  /** An endpoint that only a forwarding rule posts to: signed and logged like any other. The caller checked url with assertAllowed outside tx. */
  async function createForwardEndpoint(tx: Db, accountId: string, url: string): Promise<string> {
    const u = new URL(url);
    if (!['http:', 'https:'].includes(u.protocol)) throw new AppError('URL_NOT_ALLOWED', { reason: 'scheme', fields: [{ path: 'target' }] });
    const id = newId('whk');
    await tx.query("INSERT INTO webhook_endpoints (id, account_id, url, secret, events) VALUES ($1,$2,$3,$4,'{}')", [id, accountId, u.toString(), `whsec_${randomBytes(24).toString('base64url')}`]);
    return id;
  }

  async function create(caller: Account, input: { url: string; events?: WebhookEvent[] }) {
    const url = await assertAllowed(input.url, 'url');
    const id = newId('whk');
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const events = input.events?.length ? input.events : ['delivery', 'inbound'];
    await deps.db.query('INSERT INTO webhook_endpoints (id, account_id, url, secret, events) VALUES ($1,$2,$3,$4,$5)', [id, caller.id, url.toString(), secret, events]);
    return { id, url: url.toString(), events, secret, enabled: true };
  }

  async function list(caller: Account) {
    const { rows } = await deps.db.query('SELECT id, url, events, enabled, created_at FROM webhook_endpoints WHERE account_id = $1 ORDER BY created_at', [caller.id]);
    return rows.map((r) => ({ id: r.id as string, url: r.url as string, events: r.events as string[], enabled: Boolean(r.enabled), createdAt: toDate(r.created_at)!.toISOString() }));
  }

  async function remove(caller: Account, id: string) {
    const r = await deps.db.query('DELETE FROM webhook_endpoints WHERE id = $1 AND account_id = $2', [id, caller.id]);
    if (!r.rowCount) throw new AppError('NOT_FOUND');
  }

  async function attempts(caller: Account, id: string, limit = 100) {
    const { rows: own } = await deps.db.query('SELECT 1 FROM webhook_endpoints WHERE id = $1 AND account_id = $2', [id, caller.id]);
    if (!own.length) throw new AppError('NOT_FOUND');
    const { rows } = await deps.db.query('SELECT * FROM webhook_attempts WHERE endpoint_id = $1 ORDER BY at DESC, id DESC LIMIT $2', [id, limit]);
    return rows.map((r) => {
      const answered = r.status_code !== null;
      return {
        eventId: r.event_id as string, event: r.event as string, attempt: Number(r.attempt), statusCode: answered ? Number(r.status_code) : null,
        error: answered ? null : shownFailure(r.error as string | null), durationMs: answered && r.duration_ms !== null ? Number(r.duration_ms) : null, at: toDate(r.at)!.toISOString(),
      };
    });
  }

  return { job, emit, emitTo, assertAllowed, createForwardEndpoint, create, list, remove, attempts, attachQueue: (q: JobQueue) => (queue = q) };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
