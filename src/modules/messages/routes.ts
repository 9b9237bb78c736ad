import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { AcceptService } from './accept.ts';
import type { BatchService } from './batches.ts';
import type { ProgressStreams } from './progress.ts';
import type { Batch } from './repo.ts';
import * as s from './schema.ts';

function batchView(b: Batch & { counts: Record<string, number>; held?: { reason: 'moderation' | 'sending_hours'; until: Date | null } | null }) {
  return {
    held: b.held ? { reason: b.held.reason, until: b.held.until?.toISOString() ?? null } : null,
    id: b.id, accountId: b.accountId, status: b.status, class: b.messageClass, text: b.secret ? '' : b.body, alphabet: b.alphabet, parts: b.parts,
    total: b.total, rejected: b.rejected, cost: b.cost.toString(), counts: b.counts, lineId: b.lineId,
    sendAt: b.sendAt?.toISOString() ?? null, createdAt: b.createdAt.toISOString(),
  };
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function messageRoutes(app: FastifyInstance, deps: { accept: AcceptService; batches: BatchService; progress: ProgressStreams; bodyLimit: number }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/v1/messages/quote', { bodyLimit: deps.bodyLimit, schema: { tags: ['messages'], summary: 'Parts and cost before sending', body: s.quoteBody, response: { 200: s.quoteResponse } } }, async (req) => {
    const { account } = requireCaller(req);
    const q = await deps.accept.quote(account, req.body);
    return {
      ...q,
      heldUntil: q.heldUntil?.toISOString() ?? null,
      cost: q.cost.toString(),
      shortBy: q.shortBy.toString(),
      perOperator: Object.fromEntries(Object.entries(q.perOperator).map(([k, v]) => [k, { count: v.count, cost: v.cost.toString() }])),
      levels: q.levels.map((l) => ({ ...l, amount: l.amount.toString() })),
    };
  });

  r.post('/api/v1/messages', { bodyLimit: deps.bodyLimit, schema: { tags: ['messages'], summary: 'Send one text to many numbers (202: accepted and charged)', body: s.sendBody, response: { 202: s.sendResponse } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    const key = req.headers['idempotency-key'];
    const res = await deps.accept.send(account, { ...req.body, sendAt: req.body.sendAt ? new Date(req.body.sendAt) : null }, { idempotencyKey: typeof key === 'string' ? key : undefined, source: 'api' });
    return reply.code(202).send({ batchId: res.batchId, status: res.status, accepted: res.accepted, blacklisted: res.blacklisted, rejected: res.rejected, parts: res.parts, cost: res.cost.toString() });
  });

  r.get('/api/v1/messages', { schema: { tags: ['messages'], summary: 'Your sends (and your subtree’s), newest first', querystring: z.object({ accountId: z.string().optional(), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }) } }, async (req) => {
    const { scope } = requireCaller(req);
    const items = await deps.batches.listBatches(scope, { accountId: req.query.accountId, limit: req.query.pageSize, offset: (req.query.page - 1) * req.query.pageSize });
    return { items: items.map((b) => batchView({ ...b, counts: {} })), page: req.query.page, pageSize: req.query.pageSize };
  });

  r.get('/api/v1/messages/:batchId', { schema: { tags: ['messages'], summary: 'A send: status, counts per recipient status, cost', params: z.object({ batchId: z.string() }), response: { 200: s.batchView } } }, async (req) => {
    const { scope } = requireCaller(req);
    return batchView(await deps.batches.getBatch(scope, req.params.batchId));
  });

  r.get('/api/v1/messages/:batchId/recipients', { schema: { tags: ['messages'], summary: 'Recipients of a send, filterable, cursor-paginated; ?format=csv exports every one', params: z.object({ batchId: z.string() }), querystring: s.recipientsQuery } }, async (req, reply) => {
    const { scope } = requireCaller(req);
    const view = (m: Awaited<ReturnType<BatchService['listRecipients']>>['items'][number]) => ({ to: m.recipient, operator: m.operator, status: m.status, parts: m.parts, cost: m.cost.toString(), error: m.errorCode, updatedAt: m.updatedAt.toISOString() });
    if (req.query.format === 'csv') {
      // Every recipient, page by page, streamed: a million-recipient send exports whole.
      const first = await deps.batches.listRecipients(scope, req.params.batchId, { ...req.query, limit: 5000, cursor: undefined });
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${req.params.batchId}.csv"` });
      reply.raw.write('\ufeffto,operator,status,parts,cost,error,updatedAt\n');
      let page = first;
      for (;;) {
        const chunk = page.items.map(view).map((i) => [i.to, i.operator, i.status, String(i.parts), i.cost, i.error ?? '', i.updatedAt].map(csvCell).join(',')).join('\n');
        if (chunk && !reply.raw.write(`${chunk}\n`)) await new Promise((r) => reply.raw.once('drain', r));
        if (!page.nextCursor) break;
        page = await deps.batches.listRecipients(scope, req.params.batchId, { ...req.query, limit: 5000, cursor: page.nextCursor });
      }
      reply.raw.end();
      return;
    }
    const page = await deps.batches.listRecipients(scope, req.params.batchId, req.query);
    return { items: page.items.map(view), nextCursor: page.nextCursor };
  });

  // Live progress for the batch page: counts per status as server-sent events while they change,
  // until the send is finished (progress.ts: one shared poll per batch, streams per account capped).
  r.get('/api/v1/messages/:batchId/events', { schema: { tags: ['messages'], summary: 'Live counts per status (text/event-stream)', params: z.object({ batchId: z.string() }) } }, async (req, reply) => {
    const { account, scope } = requireCaller(req);
    const stream = await deps.progress.open({ accountId: account.id, scope }, req.params.batchId);
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    let last = JSON.stringify(stream.initial);
    reply.raw.write(`event: progress\ndata: ${last}\n\n`);
    const end = () => {
      stream.close();
      reply.raw.end();
    };
    if (stream.final) return end();
    req.raw.on('close', stream.close);
    stream.listen((p, final) => {
      const data = JSON.stringify(p);
      if (data !== last) reply.raw.write(`event: progress\ndata: ${data}\n\n`);
      last = data;
      if (final) end();
    });
  });

  r.post('/api/v1/messages/:batchId/cancel', { schema: { tags: ['messages'], summary: 'Cancel a scheduled send; its reservation is released', params: z.object({ batchId: z.string() }), response: { 200: s.batchView } } }, async (req) => {
    const { account, scope } = requireCaller(req);
    await deps.batches.cancelBatch(account, req.params.batchId);
    return batchView(await deps.batches.getBatch(scope, req.params.batchId));
  });
}
