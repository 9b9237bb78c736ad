import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import { priorities } from './quiet.ts';
import type { Notification } from './repo.ts';
import type { NotificationService } from './service.ts';
import { templateKinds, templateVariables } from './templates.ts';

const view = z.object({
  id: z.string(),
  channel: z.enum(['sms', 'email', 'panel']),
  recipient: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
  kind: z.string(),
  status: z.string(),
  /** attempts at the channel so far, the last failure's code, and when a pending row is tried again */
  attempts: z.number(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  redacted: z.boolean().describe('the text carried a code or a password and is no longer kept (or never shown in production)'),
});

const panelView = z.object({ id: z.string(), kind: z.string(), title: z.string().nullable(), body: z.string(), data: z.record(z.string(), z.unknown()), read: z.boolean(), createdAt: z.string(), readAt: z.string().nullable() });
const toPanel = (n: Notification) => ({ id: n.id, kind: n.kind, title: n.subject, body: n.body, data: n.data, read: n.readAt !== null, createdAt: n.createdAt.toISOString(), readAt: n.readAt?.toISOString() ?? null });

const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM');
const ruleBody = z.object({ smsWindowStart: hhmm, smsWindowEnd: hhmm, minPriorityOutside: z.enum([...priorities, 'none']) });
const templateParams = z.object({ kind: z.enum(templateKinds), lang: z.enum(['fa', 'en']) });
const templateBody = z.object({ subject: z.string().trim().min(1).max(300), body: z.string().trim().min(1).max(5000), sms: z.string().trim().min(1).max(500) });
const ok = z.object({ ok: z.literal(true) });

export function notificationRoutes(app: FastifyInstance, deps: { notifications: NotificationService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  // Demo mode: what the simulator's handset and the mail outbox received. Platform admin only:
  // it holds everyone's codes.
  r.get('/api/v1/system/outbox', {
    schema: { tags: ['system'], summary: 'Simulator handset and mail outbox (platform only)', querystring: z.object({ channel: z.enum(['sms', 'email']).default('sms'), recipient: z.string().optional() }), response: { 200: z.object({ items: z.array(view) }) } },
  }, async (req) => {
    const { account } = requireCaller(req);
    if (account.kind !== 'platform') throw new AppError('FORBIDDEN');
    const items = await deps.notifications.listOutbox(req.query.channel, { recipient: req.query.recipient, limit: 200 });
    return { items: items.map((n) => ({ id: n.id, channel: n.channel, recipient: n.recipient, subject: n.subject, body: n.body, kind: n.kind, status: n.status, attempts: n.attempts, lastError: n.error, nextAttemptAt: n.nextAttemptAt?.toISOString() ?? null, createdAt: n.createdAt.toISOString(), redacted: n.redacted })) };
  });

  r.get('/api/v1/notifications', {
    schema: {
      tags: ['notifications'],
      summary: 'Your notification centre: newest first, with the unread count',
      querystring: z.object({ unread: z.enum(['true', 'false']).default('false'), page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }),
      response: { 200: z.object({ items: z.array(panelView), total: z.number(), unread: z.number(), page: z.number(), pageSize: z.number() }) },
    },
  }, async (req) => {
    const { scope } = requireCaller(req);
    const { page, pageSize } = req.query;
    const r1 = await deps.notifications.listPanel(scope, { unreadOnly: req.query.unread === 'true', limit: pageSize, offset: (page - 1) * pageSize });
    return { items: r1.items.map(toPanel), total: r1.total, unread: r1.unread, page, pageSize };
  });

  r.get('/api/v1/notifications/unread-count', { schema: { tags: ['notifications'], summary: 'How many notifications in your centre are unread (for the bell badge)', response: { 200: z.object({ unread: z.number() }) } } }, async (req) => {
    return { unread: await deps.notifications.countPanelUnread(requireCaller(req).scope) };
  });

  r.post('/api/v1/notifications/:id/read', { schema: { tags: ['notifications'], summary: 'Mark one of your notifications read', params: z.object({ id: z.string() }), response: { 200: ok } } }, async (req) => {
    await deps.notifications.markPanelRead(requireCaller(req).scope, req.params.id);
    return { ok: true as const };
  });

  r.post('/api/v1/notifications/read-all', { schema: { tags: ['notifications'], summary: 'Mark every notification in your centre read', response: { 200: z.object({ marked: z.number() }) } } }, async (req) => {
    return { marked: await deps.notifications.markAllPanelRead(requireCaller(req).scope) };
  });

  r.get('/api/v1/notifications/templates', {
    schema: {
      tags: ['notifications'],
      summary: 'Alert templates of your brand (agency, platform): every kind in Persian and English, yours or the default',
      response: { 200: z.object({ variables: z.array(z.string()), items: z.array(z.object({ kind: z.enum(templateKinds), lang: z.enum(['fa', 'en']), subject: z.string(), body: z.string(), sms: z.string(), custom: z.boolean() })) }) },
    },
  }, async (req) => {
    return { variables: [...templateVariables], items: await deps.notifications.listTemplates(requireCaller(req).account) };
  });

  r.put('/api/v1/notifications/templates/:kind/:lang', {
    schema: { tags: ['notifications'], summary: 'Override one alert template of your brand ({{ticketId}}, {{subject}}, {{brandName}} … placeholders)', params: templateParams, body: templateBody, response: { 200: ok } },
  }, async (req) => {
    await deps.notifications.setTemplate(requireCaller(req).account, req.params.kind, req.params.lang, req.body);
    return { ok: true as const };
  });

  r.delete('/api/v1/notifications/templates/:kind/:lang', { schema: { tags: ['notifications'], summary: 'Go back to the default wording of one alert template', params: templateParams, response: { 200: ok } } }, async (req) => {
    await deps.notifications.resetTemplate(requireCaller(req).account, req.params.kind, req.params.lang);
    return { ok: true as const };
  });

  r.get('/api/v1/notifications/rules', {
    schema: { tags: ['notifications'], summary: 'Your quiet rule for SMS alerts (agency, platform): the daytime window (Asia/Tehran) and the minimum priority outside it', response: { 200: ruleBody.extend({ timeZone: z.string(), custom: z.boolean() }) } },
  }, async (req) => {
    return { ...(await deps.notifications.getRule(requireCaller(req).account)), timeZone: 'Asia/Tehran' };
  });

  r.put('/api/v1/notifications/rules', {
    schema: { tags: ['notifications'], summary: 'Set your quiet rule for SMS alerts; e-mail and panel alerts are always sent', body: ruleBody, response: { 200: ok } },
  }, async (req) => {
    await deps.notifications.setRule(requireCaller(req).account, req.body);
    return { ok: true as const };
  });
}
