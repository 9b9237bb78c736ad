// API.md: an Idempotency-Key on a POST makes retries safe. The first answer is stored with a hash
// of the request (method, the actual path with its query, body); the same key and request get
// that answer again, any other request is a conflict, and a retry while the first is still
// running is told so rather than run twice. Keys belong to the calling account.
//
// A secret shown once (an API key, an SMPP password, a session token, a TOTP seed) is never
// stored: a route names its secret fields in `config.secretFields`, the store keeps the answer
// without them, and a replay is 409 ALREADY_CREATED carrying that stripped answer. A POST route
// whose response schema has a secret-looking field it did not name refuses to register.
// A request that carries a password is hashed with scrypt, salted by the account and the key: a
// fast hash of it would let whoever reads the table test guesses at the password.
//
// A key in progress belongs to this process for a lease of LEASE_SECONDS that a heartbeat extends
// while the request runs. A process killed between claim and answer leaves the row in progress; a
// retry of the same request after the lease ran out takes the key over and runs the handler again
// (on PGlite at once: one process holds the database, so a row another process left is dead). The
// handler must then find the work the dead owner may have committed: a send's batch holds its key
// (batches.idempotency_key, committed with the messages and the charge), so the retry answers
// with that batch and charges nothing again.
import { randomUUID } from 'node:crypto';
import { createHash, scrypt } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { Db } from '../db/driver.ts';
import { AppError } from '../lib/app-error.ts';
import { idempotencyRepo } from './idempotency-repo.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** top-level fields of this route's answer that are secrets shown once: never kept for a replay */
    secretFields?: readonly string[];
  }
}

const HEADER = 'idempotency-key';
const PASSWORD_FIELD = /password/i;
// 16 MiB and tens of milliseconds, off the event loop: paid only by keyed requests with a password.
const SCRYPT = { N: 16_384, r: 8, p: 1 } as const;
const scryptAsync = promisify(scrypt) as (data: string, salt: string, length: number, options: typeof SCRYPT) => Promise<Buffer>;
const SECRET_LOOKING = /^(token|csrfToken|secret|password|otpauthUrl|qrDataUrl|apiKey|key)$/;
// Names that match the pattern above but are not secrets where they appear (a phonebook field's key).
const NOT_SECRET: Record<string, readonly string[]> = { '/api/v1/phonebook/fields': ['key'] };

type Pending = { accountId: string; key: string; secretFields: readonly string[] };

const LEASE_SECONDS = 15;
const HEARTBEAT_MS = 5_000;

/** Keys of the object schemas a route answers with, for the registration check. */
function responseFields(route: RouteOptions): string[] {
  const response = (route.schema as { response?: Record<string, unknown> } | undefined)?.response ?? {};
  return Object.values(response).flatMap((s) => {
    const shape = (s as { shape?: Record<string, unknown> } | null)?.shape;
    return shape && typeof shape === 'object' ? Object.keys(shape) : [];
  });
}

async function requestHash(material: string, body: unknown, salt: string): Promise<string> {
  const carriesPassword = !!body && typeof body === 'object' && Object.keys(body).some((k) => PASSWORD_FIELD.test(k));
  if (!carriesPassword) return createHash('sha256').update(material).digest('hex');
  return `scrypt:${(await scryptAsync(material, salt, 32, SCRYPT)).toString('hex')}`;
}

function withoutSecrets(body: unknown, fields: readonly string[]): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !fields.includes(k)));
}

export function registerIdempotency(app: FastifyInstance, deps: { db: Db }) {
  const repo = idempotencyRepo(deps.db);
  const owner = `prc_${randomUUID()}`;
  const oneProcess = deps.db.kind === 'pglite';
  const held = new Map<string, { accountId: string; key: string }>();
  let heartbeat: NodeJS.Timeout | null = null;
  const hold = (accountId: string, key: string) => {
    held.set(`${accountId}\u0000${key}`, { accountId, key });
    heartbeat ??= setInterval(() => {
      repo.extend(owner, [...held.values()], LEASE_SECONDS).catch((err: unknown) => app.log.warn({ err }, 'could not extend the leases of Idempotency-Keys in progress'));
    }, HEARTBEAT_MS).unref();
  };
  const letGo = (accountId: string, key: string) => {
    held.delete(`${accountId}\u0000${key}`);
    if (held.size || !heartbeat) return;
    clearInterval(heartbeat);
    heartbeat = null;
  };
  app.addHook('onClose', async () => {
    if (heartbeat) clearInterval(heartbeat);
    heartbeat = null;
  });
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('POST')) return;
    const marked = route.config?.secretFields ?? [];
    const unmarked = responseFields(route).filter((f) => SECRET_LOOKING.test(f) && !marked.includes(f) && !NOT_SECRET[route.url]?.includes(f));
    if (unmarked.length) throw new Error(`POST ${route.url} answers with ${unmarked.join(', ')}: name them in config.secretFields so an Idempotency-Key replay never stores them`);
  });

  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[HEADER];
    if (request.method !== 'POST' || typeof key !== 'string' || !request.principal) return;
    // A control character (NUL above all) cannot be stored in a text column.
    if (key.length > 200 || /[\u0000-\u001f\u007f]/.test(key)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'Idempotency-Key' }] });
    const accountId = request.principal.account.id;
    const hash = await requestHash(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`, request.body, `${accountId}\u0000${key}`);
    if (await repo.claim({ owner, leaseSeconds: LEASE_SECONDS, oneProcess, accountId, key, method: request.method, path: request.url, hash })) {
      hold(accountId, key);
      (request as { idempotency?: Pending }).idempotency = { accountId, key, secretFields: request.routeOptions.config?.secretFields ?? [] };
      return;
    }
    const prior = await repo.find(accountId, key);
    if (!prior || prior.requestHash !== hash) throw new AppError('IDEMPOTENCY_CONFLICT');
    if (prior.statusCode === null) throw new AppError('CONFLICT', { reason: 'in_progress' });
    reply.header('idempotent-replayed', 'true');
    if (prior.redacted) throw new AppError('ALREADY_CREATED', { answer: prior.response });
    return reply.code(prior.statusCode).send(prior.response);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const idem = (request as { idempotency?: Pending }).idempotency;
    if (!idem) return payload;
    (request as { idempotency?: Pending }).idempotency = undefined;
    try {
      await store(idem, reply.statusCode, payload);
    } finally {
      letGo(idem.accountId, idem.key);
    }
    return payload;
  });
  // A hijacked reply never runs onSend: its key stops being extended when the response ends.
  app.addHook('onResponse', async (request) => {
    const idem = (request as { idempotency?: Pending }).idempotency;
    if (idem) letGo(idem.accountId, idem.key);
  });

  async function store(idem: Pending, statusCode: number, payload: unknown) {
    if (statusCode >= 500) {
      // A server failure is not an answer: let the client retry with the same key.
      await repo.release(owner, idem.accountId, idem.key);
      return;
    }
    let body: unknown = null;
    try {
      body = typeof payload === 'string' ? JSON.parse(payload) : null;
    } catch {
      body = null;
    }
    // Only a success carries the secret; an error is replayed as it was.
    const redacted = idem.secretFields.length > 0 && statusCode < 300;
    await repo.answer(owner, idem.accountId, idem.key, { statusCode, response: redacted ? withoutSecrets(body, idem.secretFields) : body, redacted });
  }
}
