// Support tickets: a user (or a sub-agency) asks its parent; the parent answers or forwards the
// ticket to its own parent, and so on up to the platform. Readers: the opener and every agency on
// the ticket's path; to anyone else a ticket does not exist (404 everywhere).
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { Priority } from '../notifications/quiet.ts';
import { createTicketAlerts } from './alerts.ts';
import { checkAttachments, type CheckedAttachment, type Upload } from './attachments.ts';
import { supportRepo, type Person, type Side, type Ticket, type TicketFilter, type TicketMessage, type TicketStatus } from './repo.ts';

export type OpenTicketInput = { category: string; priority: Priority; subject: string; text: string };
export type ReplyInput = { text?: string; cannedReplyId?: string; status?: 'answered' | 'waiting_for_user' };
type Meta = { ip: string | null };

const sideOf = (t: Ticket, caller: Account): Side => (t.openerId === caller.id ? 'user' : 'support');

/** What the opener may see of a support message: its own agency by name, anyone above only as "support". */
function authorFor(viewer: Side, t: Ticket, m: TicketMessage): Person | null {
  if (viewer === 'support' || m.side === 'user' || m.authorId === t.pathIds[0]) return m.author;
  return null;
}

export function createSupportService(deps: { db: Db; clock: Clock; log: Logger; audit: AuditService; accounts: AccountService; notifications: NotificationService }) {
  const repo = supportRepo(deps.db);
  const alerts = createTicketAlerts(deps);

  async function addMessage(tx: Db, t: { id: string }, author: Account, side: Side, body: string, files: CheckedAttachment[], at: Date): Promise<string> {
    const r = supportRepo(tx);
    const messageId = newId('tkm');
    await r.insertMessage({ id: messageId, ticketId: t.id, authorId: author.id, side, body, at });
    for (const [position, f] of files.entries()) await r.insertAttachment({ ...f, id: newId('att'), ticketId: t.id, messageId, position, at });
    await r.markRead(t.id, author.id, at);
    return messageId;
  }

  const subjectOf = (t: Ticket) => ({ id: t.openerId, path: t.openerPath });

  async function openTicket(caller: Account, input: OpenTicketInput, files: Upload[], meta: Meta): Promise<string> {
    if (!caller.parentId) throw new AppError('FORBIDDEN');
    const checked = checkAttachments(files);
    const now = deps.clock.now();
    const ticket: Ticket = {
      id: newId('tkt'),
      openerId: caller.id,
      openerPath: caller.path,
      assigneeId: caller.parentId,
      pathIds: [caller.parentId],
      category: input.category,
      priority: input.priority,
      subject: input.subject,
      status: 'waiting_for_support',
      createdAt: now,
      updatedAt: now,
      lastMessageAt: now,
      closedAt: null,
    };
    await deps.db.transaction(async (tx) => {
      await supportRepo(tx).insertTicket(ticket);
      await addMessage(tx, ticket, caller, 'user', input.text, checked, now);
      const details = { ticketId: ticket.id, assigneeId: ticket.assigneeId, priority: ticket.priority, category: ticket.category, attachments: checked.length };
      await deps.audit.record({ actorId: caller.id, subject: caller, action: 'ticket.opened', ip: meta.ip, details }, tx);
    });
    await alerts.opened(ticket, caller, input.text);
    return ticket.id;
  }

  async function reply(caller: Account, ticketId: string, input: ReplyInput, files: Upload[], meta: Meta): Promise<void> {
    const checked = checkAttachments(files);
    const scope = scopeOf(caller);
    const now = deps.clock.now();
    const done = await deps.db.transaction(async (tx) => {
      const r = supportRepo(tx);
      const t = await r.findVisible(scope, ticketId, { forUpdate: true });
      if (!t) throw new AppError('NOT_FOUND');
      const side = sideOf(t, caller);
      let body = input.text?.trim() ?? '';
      if (input.cannedReplyId) {
        if (side !== 'support') throw new AppError('FORBIDDEN');
        const canned = await r.findCanned(scope, input.cannedReplyId);
        if (!canned) throw new AppError('NOT_FOUND', { cannedReplyId: input.cannedReplyId });
        body ||= canned.body;
      }
      if (!body) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'body.text', message: 'required' }] });
      if (side === 'support' && t.status === 'closed') throw new AppError('TICKET_CLOSED');
      // The opener's reply puts the ticket back in support's court (reopening a closed one);
      // while forwarded it stays with the agency it was forwarded to.
      const to: TicketStatus = side === 'user' ? (t.status === 'forwarded' ? 'forwarded' : 'waiting_for_support') : (input.status ?? 'answered');
      await addMessage(tx, t, caller, side, body, checked, now);
      await r.update(t.id, { status: to, at: now, messageAt: now, ...(t.status === 'closed' ? { closedAt: null } : {}) });
      const details = { ticketId: t.id, side, from: t.status, to, attachments: checked.length, ...(input.cannedReplyId ? { cannedReplyId: input.cannedReplyId } : {}) };
      await deps.audit.record({ actorId: caller.id, subject: subjectOf(t), action: 'ticket.replied', ip: meta.ip, details }, tx);
      if (side === 'user' && (t.status === 'closed' || t.status === 'answered')) {
        await deps.audit.record({ actorId: caller.id, subject: subjectOf(t), action: 'ticket.reopened', ip: meta.ip, details: { ticketId: t.id, from: t.status, to } }, tx);
      }
      return { ticket: { ...t, status: to }, side, body };
    });
    await alerts.replied(done.ticket, caller, done.side, done.body);
  }

  async function forward(caller: Account, ticketId: string, note: string | null, meta: Meta): Promise<void> {
    const now = deps.clock.now();
    const forwarded = await deps.db.transaction(async (tx) => {
      const r = supportRepo(tx);
      const t = await r.findVisible(scopeOf(caller), ticketId, { forUpdate: true });
      if (!t) throw new AppError('NOT_FOUND');
      if (t.status === 'closed') throw new AppError('TICKET_CLOSED');
      if (t.assigneeId !== caller.id || !caller.parentId) throw new AppError('TICKET_NOT_FORWARDABLE');
      const to = caller.parentId;
      const pathIds = [...t.pathIds, to];
      await r.update(t.id, { status: 'forwarded', at: now, assigneeId: to, pathIds });
      await r.insertForward({ ticketId: t.id, fromId: caller.id, toId: to, byId: caller.id, note, at: now });
      await deps.audit.record({ actorId: caller.id, subject: subjectOf(t), action: 'ticket.forwarded', ip: meta.ip, details: { ticketId: t.id, from: caller.id, to, previousStatus: t.status } }, tx);
      return { ...t, status: 'forwarded' as const, assigneeId: to, pathIds };
    });
    await alerts.forwarded(forwarded, caller, note);
  }

  async function close(caller: Account, ticketId: string, meta: Meta): Promise<void> {
    const now = deps.clock.now();
    await deps.db.transaction(async (tx) => {
      const r = supportRepo(tx);
      const t = await r.findVisible(scopeOf(caller), ticketId, { forUpdate: true });
      if (!t) throw new AppError('NOT_FOUND');
      if (t.status === 'closed') return;
      await r.update(t.id, { status: 'closed', at: now, closedAt: now });
      await deps.audit.record({ actorId: caller.id, subject: subjectOf(t), action: 'ticket.closed', ip: meta.ip, details: { ticketId: t.id, side: sideOf(t, caller), from: t.status } }, tx);
    });
  }

  /** The whole conversation; reading it marks it read for the caller. */
  async function getTicket(caller: Account, ticketId: string) {
    const scope = scopeOf(caller);
    const t = await repo.findVisible(scope, ticketId);
    if (!t) throw new AppError('NOT_FOUND');
    const side = sideOf(t, caller);
    const messages = await repo.messages(scope, t.id);
    const [summary] = (await repo.list(scope, { box: 'all', id: t.id, limit: 1, offset: 0 })).items;
    await repo.markRead(t.id, caller.id, deps.clock.now());
    return {
      ticket: t,
      side,
      opener: summary.opener,
      assignee: side === 'support' ? summary.assignee : null,
      unread: summary.unread,
      messages: messages.map((m) => ({ ...m, author: authorFor(side, t, m) })),
      // The path is the support side's business: the opener sees only "forwarded".
      forwards: side === 'support' ? await repo.forwards(scope, t.id) : [],
    };
  }

  async function listTickets(caller: Account, f: TicketFilter) {
    const { items, total } = await repo.list(scopeOf(caller), f);
    return { items: items.map((t) => ({ ...t, side: sideOf(t, caller), assignee: sideOf(t, caller) === 'support' ? t.assignee : null })), total };
  }

  async function getAttachment(caller: Account, ticketId: string, attachmentId: string) {
    const a = await repo.findAttachment(scopeOf(caller), ticketId, attachmentId);
    if (!a) throw new AppError('NOT_FOUND');
    return a;
  }

  return { openTicket, reply, forward, close, getTicket, listTickets, getAttachment, unread: (caller: Account) => repo.unread(scopeOf(caller)) };
}

export type SupportService = ReturnType<typeof createSupportService>;
