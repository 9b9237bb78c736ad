// API.md: an Idempotency-Key on a POST makes retries safe. The first answer is stored with a hash
// of the request; the same key and body get that answer again, a different body is a conflict,
// and a retry while the first is still running is told so rather than run twice.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/driver.ts';
import { AppError } from './errors.ts';

const HEADER = 'idempotency-key';

export function registerIdempotency(app: FastifyInstance, deps: { db: Db }) {
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[HEADER];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return;
    if (key.length > 200) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'Idempotency-Key' }] });
    const hash = createHash('sha256').update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.body ?? null)}`).digest('hex');
    const accountId = request.principal.account.id;
    const inserted = await deps.db.query(
      `INSERT INTO idempotency_keys (account_id, key, method, path, request_hash) VALUES ($1,$2,$3,$4,$5)
       ON CONFLICT (account_id, key) DO NOTHING`,
      [accountId, key, request.method, request.url, hash],
    );
    if (inserted.rowCount === 1) {
      (request as { idempotency?: { accountId: string; key: string } }).idempotency = { accountId, key };
      return;
    }
    const { rows } = await deps.db.query('SELECT request_hash, status_code, response FROM idempotency_keys WHERE account_id = $1 AND key = $2', [accountId, key]);
    const prior = rows[0];
    if (!prior || prior.request_hash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT');
    if (prior.status_code === null) throw new AppError('CONFLICT', { reason: 'in_progress' });
    reply.header('idempotent-replayed', 'true');
    return reply.code(Number(prior.status_code)).send(prior.response);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = (request as { idempotency?: { accountId: string; key: string } }).idempotency;
    if (!idem) return payload;
    if (reply.statusCode >= 500) {
      // A server failure is not an answer: let the client retry with the same key.
      await deps.db.query('DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2', [idem.accountId, idem.key]);
      return payload;
    }
    let body: unknown = null;
    try {
      body = typeof payload === 'string' ? JSON.parse(payload) : null;
    } catch {
      body = null;
    }
    await deps.db.query('UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE account_id = $1 AND key = $2', [
      idem.accountId,
      idem.key,
      reply.statusCode,
      JSON.stringify(body),
    ]);
    return payload;
  });
}
