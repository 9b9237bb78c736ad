import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import type { CannedReplyService } from './canned.ts';
import { contentDisposition } from './attachments.ts';
import { parseFields, readForm } from './form.ts';
import type { CannedReply, TicketSummary } from './repo.ts';
import * as s from './schema.ts';
import type { SupportService } from './service.ts';

const ok = z.object({ ok: z.literal(true) });
const iso = (d: Date | null) => d?.toISOString() ?? null;

function summaryView(t: Omit<TicketSummary, 'assignee'> & { side: 'user' | 'support'; assignee: TicketSummary['assignee'] | null }) {
  return {
    id: t.id,
    subject: t.subject,
    category: t.category,
    priority: t.priority,
    status: t.status,
    side: t.side,
    opener: t.opener,
    assignee: t.assignee,
    unread: t.unread,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    lastMessageAt: t.lastMessageAt.toISOString(),
    closedAt: iso(t.closedAt),
  };
}

const cannedView = (c: CannedReply) => ({ id: c.id, title: c.title, body: c.body, createdAt: c.createdAt.toISOString(), updatedAt: c.updatedAt.toISOString() });

export function supportRoutes(app: FastifyInstance, deps: { support: SupportService; cannedReplies: CannedReplyService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['support'];

  async function detail(caller: Parameters<SupportService['getTicket']>[0], id: string) {
    const d = await deps.support.getTicket(caller, id);
    return {
      ...summaryView({ ...d.ticket, side: d.side, opener: d.opener, assignee: d.assignee, unread: d.unread }),
      pathIds: d.side === 'support' ? d.ticket.pathIds : [],
      messages: d.messages.map((m) => ({
        id: m.id,
        side: m.side,
        author: m.author,
        text: m.body,
        createdAt: m.createdAt.toISOString(),
        attachments: m.attachments.map((a) => ({ id: a.id, filename: a.filename, contentType: a.contentType, size: a.size, url: `/api/v1/support/tickets/${d.ticket.id}/attachments/${a.id}` })),
      })),
      forwards: d.forwards.map((f) => ({ from: f.from, to: f.to, note: f.note, at: f.at.toISOString() })),
    };
  }

  r.post('/api/v1/support/tickets', {
    schema: { tags, summary: 'Open a ticket to your parent agency (category, priority, subject, text, attachments)', description: s.formNote, response: { 201: s.ticketView } },
  }, async (req, reply) => {
    const { account } = requireCaller(req);
    const form = await readForm(req);
    const id = await deps.support.openTicket(account, parseFields(s.openTicketFields, form.fields), form.files, { ip: req.ip });
    return reply.code(201).send(await detail(account, id));
  });

  r.get('/api/v1/support/tickets', {
    schema: { tags, summary: 'Tickets you opened and tickets you answer (box=opened|support|all), newest activity first, with unread counts', querystring: s.listTicketsQuery, response: { 200: s.ticketPage } },
  }, async (req) => {
    const { account } = requireCaller(req);
    const { page, pageSize, ...filter } = req.query;
    const { items, total } = await deps.support.listTickets(account, { ...filter, limit: pageSize, offset: (page - 1) * pageSize });
    return { items: items.map(summaryView), total, page, pageSize };
  });

  r.get('/api/v1/support/unread', { schema: { tags, summary: 'Unread ticket messages: on tickets you opened and on tickets you answer', response: { 200: s.unreadView } } }, async (req) => {
    return deps.support.unread(requireCaller(req).account);
  });

  r.get('/api/v1/support/tickets/:id', {
    schema: { tags, summary: 'One ticket with its messages and attachments (and, for support, the forwarding path); marks it read for you', params: s.ticketIdParams, response: { 200: s.ticketView } },
  }, async (req) => {
    return detail(requireCaller(req).account, req.params.id);
  });

  r.post('/api/v1/support/tickets/:id/messages', {
    schema: { tags, summary: 'Reply on a ticket (text or a canned reply, attachments); the opener’s reply reopens an answered or closed ticket', description: s.formNote, params: s.ticketIdParams, response: { 201: s.ticketView } },
  }, async (req, reply) => {
    const { account } = requireCaller(req);
    const form = await readForm(req);
    await deps.support.reply(account, req.params.id, parseFields(s.replyFields, form.fields), form.files, { ip: req.ip });
    return reply.code(201).send(await detail(account, req.params.id));
  });

  r.post('/api/v1/support/tickets/:id/forward', {
    schema: { tags, summary: 'Forward a ticket you are handling to your own parent agency (it cannot be solved here)', params: s.ticketIdParams, body: s.forwardBody, response: { 200: s.ticketView } },
  }, async (req) => {
    const { account } = requireCaller(req);
    await deps.support.forward(account, req.params.id, req.body.note ?? null, { ip: req.ip });
    return detail(account, req.params.id);
  });

  r.post('/api/v1/support/tickets/:id/close', { schema: { tags, summary: 'Close a ticket (the opener or an agency on its path)', params: s.ticketIdParams, response: { 200: s.ticketView } } }, async (req) => {
    const { account } = requireCaller(req);
    await deps.support.close(account, req.params.id, { ip: req.ip });
    return detail(account, req.params.id);
  });

  r.get('/api/v1/support/tickets/:id/attachments/:attachmentId', {
    schema: { tags, summary: 'Download an attachment (its sniffed content type, as a download)', params: s.ticketIdParams.extend({ attachmentId: z.string().max(64) }) },
  }, async (req, reply) => {
    const a = await deps.support.getAttachment(requireCaller(req).account, req.params.id, req.params.attachmentId);
    return reply
      .header('content-type', a.contentType)
      .header('content-disposition', contentDisposition(a.filename))
      .header('cache-control', 'private, no-store')
      .send(a.data);
  });

  r.get('/api/v1/support/canned-replies', { schema: { tags, summary: 'Your canned replies (agency, platform)', response: { 200: z.object({ items: z.array(s.cannedView) }) } } }, async (req) => {
    return { items: (await deps.cannedReplies.list(requireCaller(req).account)).map(cannedView) };
  });

  r.post('/api/v1/support/canned-replies', { schema: { tags, summary: 'Add a canned reply', body: s.cannedBody, response: { 201: s.cannedView } } }, async (req, reply) => {
    return reply.code(201).send(cannedView(await deps.cannedReplies.create(requireCaller(req).account, req.body)));
  });

  r.patch('/api/v1/support/canned-replies/:id', { schema: { tags, summary: 'Change a canned reply', params: s.ticketIdParams, body: s.cannedBody.partial(), response: { 200: s.cannedView } } }, async (req) => {
    return cannedView(await deps.cannedReplies.update(requireCaller(req).account, req.params.id, req.body));
  });

  r.delete('/api/v1/support/canned-replies/:id', { schema: { tags, summary: 'Delete a canned reply', params: s.ticketIdParams, response: { 200: ok } } }, async (req) => {
    await deps.cannedReplies.remove(requireCaller(req).account, req.params.id);
    return { ok: true as const };
  });
}
