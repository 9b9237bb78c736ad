// Customer webhooks: delivery reports and inbound messages, POSTed as JSON signed with HMAC-SHA256
// over "<timestamp>.<body>" with a secret per endpoint, retried with backoff through the job
// queue; every attempt is logged and visible to the owner.
import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import type { Outbound, OutboundFailure } from '../../lib/outbound.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { JobDefinition, JobQueue } from '../../jobs/queue.ts';
import type { Metrics } from '../../lib/metrics.ts';
import { webhookRepo } from './repo.ts';

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
  const repo = webhookRepo(deps.db);

  const job: JobDefinition<typeof deliverySchema> = {
    name: 'webhook-deliver',
    schema: deliverySchema,
    retryLimit: 8,
    handler: async (data) => {
      const ep = await repo.findForDelivery(data.endpointId);
      if (!ep || !ep.enabled) return;
      const attempt = (await repo.countAttempts(data.endpointId, data.eventId)) + 1;
      const body = JSON.stringify({ id: data.eventId, event: data.event, data: data.payload });
      const started = Date.now();
      const res = await deps.outbound.request(ep.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Chapar-Webhooks/1', 'x-chapar-event': data.event, 'x-chapar-delivery': data.eventId, [SIGNATURE_HEADER]: signPayload(ep.secret, body, deps.clock.now()) },
        body,
        timeoutMs: deps.timeoutMs ?? 10_000,
        maxRedirects: 0,
      });
      const status = res.ok ? res.status : null;
      const error = res.ok ? null : res.failure;
      // Only an answer's time is kept: how long a refused or failed connection took would tell
      // an open port from a closed one.
      const durationMs = res.ok ? Date.now() - started : null;
      await repo.recordAttempt({ endpointId: data.endpointId, eventId: data.eventId, event: data.event, attempt, statusCode: status, error, durationMs });
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
    const endpoints = await webhookRepo(tx).subscribed(accountId, event);
    if (!endpoints.length) return;
    const payloads = Array.isArray(payloadsOrMake) ? payloadsOrMake : await payloadsOrMake();
    for (const endpointId of endpoints) {
      for (const payload of payloads) {
        await queue.send(job, { endpointId, eventId: newId('evt'), event, payload }, { tx });
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
    await webhookRepo(tx).insert({ id, accountId, url: u.toString(), secret: `whsec_${randomBytes(24).toString('base64url')}`, events: [] });
    return id;
  }

  /** A forwarding rule's endpoint, removed with the rule (inside its transaction). */
  async function removeForwardEndpoint(tx: Db, id: string): Promise<void> {
    await webhookRepo(tx).deleteById(id);
  }

  async function create(caller: Account, input: { url: string; events?: WebhookEvent[] }) {
    const url = await assertAllowed(input.url, 'url');
    const id = newId('whk');
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const events = input.events?.length ? input.events : ['delivery', 'inbound'];
    await repo.insert({ id, accountId: caller.id, url: url.toString(), secret, events });
    return { id, url: url.toString(), events, secret, enabled: true };
  }

  async function list(caller: Account) {
    return repo.listOwn(caller.id);
  }

  async function remove(caller: Account, id: string) {
    if (!(await repo.deleteOwn(caller.id, id))) throw new AppError('NOT_FOUND');
  }

  async function attempts(caller: Account, id: string, limit = 100) {
    if (!(await repo.isOwn(caller.id, id))) throw new AppError('NOT_FOUND');
    return (await repo.recentAttempts(id, limit)).map((a) => {
      const answered = a.statusCode !== null;
      return { ...a, error: answered ? null : shownFailure(a.error), durationMs: answered ? a.durationMs : null };
    });
  }

  return { job, emit, emitTo, assertAllowed, createForwardEndpoint, removeForwardEndpoint, create, list, remove, attempts, attachQueue: (q: JobQueue) => (queue = q) };
}

export type WebhookService = ReturnType<typeof createWebhookService>;
