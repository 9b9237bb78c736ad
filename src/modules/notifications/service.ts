// Sends system messages (codes, welcomes, alerts) through channels. Every notification is a row
// first, so nothing is lost if a channel is down, and the row is what the platform admin reads in
// demo mode: the SMS channel's default adapter is the built-in simulator's handset, and without
// SMTP e-mail stays in the same table (the outbox). Channel 'panel' rows are each account's
// notification centre. alert() picks the wording (brand template), language and channels.
// A retryable failure (SMTP 4xx, a refused connection) leaves the row pending with a next attempt;
// retryDue(), run every minute by the notification-retries job, tries again with backoff.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Lang } from '../../lib/i18n.ts';
import type { MailAttachment } from '../../mail/mailer.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Scope } from '../accounts/scope.ts';
import type { BrandService } from '../brands/service.ts';
import { defaultQuietRule, smsAllowed, type Priority, type QuietRule } from './quiet.ts';
import { notificationRepo, type AttemptOutcome, type Channel, type Notification } from './repo.ts';
import { defaultTemplates, renderTemplate, templateKinds, unknownVariables, type Template, type TemplateKind, type TemplateVars } from './templates.ts';

export type { Channel, Notification } from './repo.ts';
/** `deferred`: the channel took it for later delivery; the row stays pending until it is sent. */
export type SendResult = { ok: true; deferred?: boolean } | { ok: false; retryable: boolean; code: string };

/** One adapter per channel; the message engine replaces the simulator handset for SMS. */
export type ChannelAdapter = { send(n: { recipient: string; subject: string | null; body: string; brandId: string | null; fromName?: string | null; attachments?: MailAttachment[] }): Promise<SendResult> };

/** Waits after the 1st, 2nd … failed attempt; one attempt more than delays, then failed for good. */
export const retryDelaysMs = [60_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 6 * 3_600_000] as const;
export const maxAttempts = retryDelaysMs.length + 1;
// How long one attempt may take before another worker may assume it died (SMTP timeouts are ~40 s).
const attemptLeaseMs = 10 * 60_000;

/** Demo mode: the message lands on the simulator's handset (this table) and counts as sent. */
export const simulatorHandset: ChannelAdapter = { send: async () => ({ ok: true }) };

/** Whom an alert goes to: an account's own addresses, language and place in the tree. */
export type AlertRecipient = { id: string; kind: 'platform' | 'agency' | 'user'; parentId: string | null; path: string; mobile: string; email: string | null; locale: Lang };

export type AlertOutcome = { panel: string; email: string | null; sms: string | null; smsHeld: boolean };

export function createNotificationService(deps: {
  db: Db;
  log: Logger;
  clock: Clock;
  production: boolean;
  brands: BrandService;
  adapters?: Partial<Record<Channel, ChannelAdapter>>;
}) {
  const adapters: Record<Channel, ChannelAdapter> = { sms: simulatorHandset, email: simulatorHandset, panel: simulatorHandset, ...deps.adapters };
  const repo = notificationRepo(deps.db);

  async function attempt(n: Pick<Notification, 'channel' | 'recipient' | 'subject' | 'body' | 'brandId' | 'fromName'>, attachments: MailAttachment[]): Promise<SendResult> {
    return adapters[n.channel]
      .send({ recipient: n.recipient, subject: n.subject, body: n.body, brandId: n.brandId, fromName: n.fromName, ...(attachments.length ? { attachments } : {}) })
      .catch((err: unknown) => ({ ok: false as const, retryable: true, code: String((err as Error).message) }));
  }

  /** Records one attempt's result: sent, handed on, tried again after the backoff, or failed for good. */
  async function record(n: Pick<Notification, 'id' | 'channel' | 'recipient' | 'kind'>, attempts: number, result: SendResult): Promise<'sent' | 'pending' | 'failed'> {
    const now = deps.clock.now();
    let outcome: AttemptOutcome;
    if (result.ok) outcome = { status: result.deferred ? 'deferred' : 'sent' };
    else if (result.retryable && attempts < maxAttempts) outcome = { status: 'retry', error: result.code, at: new Date(now.getTime() + retryDelaysMs[attempts - 1]) };
    else outcome = { status: 'failed', error: result.code };
    if (!result.ok) deps.log.warn({ channel: n.channel, to: n.recipient, kind: n.kind, code: result.code, attempts, retryAt: outcome.status === 'retry' ? outcome.at : null }, 'notification not delivered');
    await repo.recordAttempt(n.id, attempts, now, outcome);
    return outcome.status === 'sent' || outcome.status === 'failed' ? outcome.status : 'pending';
  }

  /** Writes the row, then tries the channel once; `status` is pending when a retry (or the engine) will finish it. */
  async function deliver(n: {
    channel: Channel;
    recipient: string;
    body: string;
    kind: string;
    subject?: string;
    accountId?: string | null;
    brandId?: string | null;
    secret?: boolean;
    fromName?: string | null;
    data?: Record<string, unknown>;
    /** e-mail only; kept with the row until it is sent, so a retry carries them too */
    attachments?: MailAttachment[];
  }): Promise<{ id: string; status: 'sent' | 'pending' | 'failed' }> {
    const id = newId('ntf');
    const row = { id, channel: n.channel, recipient: n.recipient, subject: n.subject ?? null, body: n.body, kind: n.kind, brandId: n.brandId ?? null, fromName: n.fromName ?? null };
    const attachments = n.attachments ?? [];
    const secret = n.secret ?? false;
    await repo.insert({ ...row, accountId: n.accountId ?? null, data: n.data ?? {}, attachments, nextAttemptAt: new Date(deps.clock.now().getTime() + attemptLeaseMs), secret, redactWhenFinal: secret && deps.production });
    // Codes are secrets: outside production the console shows them so a newcomer can sign up.
    if (!n.secret || !deps.production) deps.log.info({ channel: n.channel, to: n.recipient, kind: n.kind, body: n.body }, 'notification');
    else deps.log.info({ channel: n.channel, to: n.recipient, kind: n.kind }, 'notification');
    return { id, status: await record(row, 1, await attempt(row, attachments)) };
  }

  async function send(n: Parameters<typeof deliver>[0]): Promise<string> {
    return (await deliver(n)).id;
  }

  /**
   * One round of the retry job: every pending row whose next attempt is due is claimed (counted
   * and leased, so a concurrent round skips it), sent again with its original subject, body,
   * sender name and attachments, and its outcome recorded.
   */
  async function retryDue(limit = 100): Promise<{ sent: number; pending: number; failed: number }> {
    const now = deps.clock.now();
    const due = await repo.claimDue(now, new Date(now.getTime() + attemptLeaseMs), limit);
    const counts = { sent: 0, pending: 0, failed: 0 };
    for (const n of due) {
      const status = await record(n, n.attempts, await attempt(n, await repo.findAttachments(n.id)));
      counts[status] += 1;
    }
    return counts;
  }

  /** The SMS quiet rule that applies to a recipient: an agency's own, a user's agency's. */
  async function ruleFor(to: AlertRecipient): Promise<QuietRule> {
    const owner = to.kind === 'user' ? to.parentId : to.id;
    return (owner ? await repo.findRule(owner) : null) ?? defaultQuietRule;
  }

  async function templateFor(brandId: string, kind: TemplateKind, lang: Lang): Promise<Template> {
    return (await repo.findTemplate(brandId, kind, lang)) ?? defaultTemplates[kind][lang];
  }

  /**
   * An alert about something that happened (a ticket opened or answered): always to the panel,
   * by e-mail when the account has an address, by SMS unless the quiet rule holds it back. The
   * wording is the template of the brand the recipient is a customer of, in its language.
   */
  async function alert(a: { to: AlertRecipient; kind: TemplateKind; vars: TemplateVars; priority: Priority; data?: Record<string, unknown> }): Promise<AlertOutcome> {
    const { customerOf } = await deps.brands.brandsOf(a.to);
    const brand = customerOf ?? (await deps.brands.getPlatformBrand());
    const lang = a.to.locale;
    const brandName = lang === 'fa' ? brand.nameFa : brand.nameEn;
    const text = renderTemplate(await templateFor(brand.id, a.kind, lang), { ...a.vars, brandName }, lang);
    const common = { kind: a.kind, accountId: a.to.id, brandId: brand.id, data: a.data ?? {} };
    const panel = await send({ ...common, channel: 'panel', recipient: a.to.id, subject: text.subject, body: text.sms });
    const email = a.to.email ? await send({ ...common, channel: 'email', recipient: a.to.email, subject: text.subject, body: text.body, fromName: brandName }) : null;
    const smsHeld = !smsAllowed(await ruleFor(a.to), a.priority, deps.clock.now());
    const sms = smsHeld ? null : await send({ ...common, channel: 'sms', recipient: a.to.mobile, body: text.sms });
    if (smsHeld) deps.log.info({ to: a.to.id, kind: a.kind, priority: a.priority }, 'sms alert held back by the quiet rule');
    return { panel, email, sms, smsHeld };
  }

  /** An account that owns a brand (an agency, the platform) edits that brand's wording. */
  async function ownBrandId(account: { id: string; kind: string }): Promise<string> {
    const brand = account.kind === 'user' ? null : await deps.brands.findByAccount(account.id);
    if (!brand) throw new AppError('FORBIDDEN');
    return brand.id;
  }

  async function listTemplates(account: { id: string; kind: string }) {
    const brandId = await ownBrandId(account);
    const custom = await repo.listTemplates(brandId);
    return templateKinds.flatMap((kind) =>
      (['fa', 'en'] as const).map((lang) => {
        const own = custom.find((c) => c.kind === kind && c.lang === lang);
        const t = own ?? defaultTemplates[kind][lang];
        return { kind, lang, subject: t.subject, body: t.body, sms: t.sms, custom: Boolean(own) };
      }),
    );
  }

  async function setTemplate(account: { id: string; kind: string }, kind: TemplateKind, lang: Lang, t: Template): Promise<void> {
    const unknown = unknownVariables(t, kind);
    if (unknown.length) throw new AppError('VALIDATION_FAILED', { fields: unknown.map((name) => ({ path: `{{${name}}}`, message: 'unknown variable' })) });
    await repo.upsertTemplate(await ownBrandId(account), kind, lang, t);
  }

  async function resetTemplate(account: { id: string; kind: string }, kind: TemplateKind, lang: Lang): Promise<void> {
    await repo.deleteTemplate(await ownBrandId(account), kind, lang);
  }

  async function getRule(account: { id: string; kind: string }): Promise<QuietRule & { custom: boolean }> {
    if (account.kind === 'user') throw new AppError('FORBIDDEN');
    const own = await repo.findRule(account.id);
    return { ...(own ?? defaultQuietRule), custom: Boolean(own) };
  }

  async function setRule(account: { id: string; kind: string }, rule: QuietRule): Promise<void> {
    if (account.kind === 'user') throw new AppError('FORBIDDEN');
    await repo.upsertRule(account.id, rule);
  }

  async function markPanelRead(scope: Scope, id: string): Promise<void> {
    if (!(await repo.findPanel(scope, id))) throw new AppError('NOT_FOUND');
    await repo.markPanelRead(scope, [id], deps.clock.now());
  }

  /** One template of a brand (its own or the default), filled, in a language: previews, welcomes. */
  async function render(brandId: string, kind: TemplateKind, lang: Lang, vars: TemplateVars): Promise<Template> {
    return renderTemplate(await templateFor(brandId, kind, lang), vars, lang);
  }

  /**
   * The simulator handset and mail outbox as the platform admin reads them. In production a secret
   * is never shown, not even while its row waits for the channel.
   */
  async function listOutbox(channel: Channel, f: { recipient?: string; limit: number }): Promise<Notification[]> {
    const items = f.recipient ? await repo.listForRecipient(channel, f.recipient, f.limit) : await repo.listRecent(channel, f.limit);
    if (!deps.production) return items;
    return items.map((n) => (n.secret && !n.redacted ? { ...n, subject: null, body: '', redacted: true } : n));
  }

  return {
    send,
    deliver,
    retryDue,
    /** Swaps a channel's adapter: the message engine takes over SMS once it runs. */
    setAdapter: (channel: Channel, adapter: ChannelAdapter) => {
      adapters[channel] = adapter;
    },
    alert,
    render,
    /** System SMS left for the message engine, and what became of each (messages/system-sms.ts). */
    pendingSms: (limit: number) => repo.pendingSms(limit),
    settleSms: (id: string, outcome: { sent: true } | { sent: false; error: string }) => repo.settleSms(id, outcome),
    listForRecipient: (channel: Channel, recipient: string, limit = 50): Promise<Notification[]> => repo.listForRecipient(channel, recipient, limit),
    listRecent: (channel: Channel, limit = 100): Promise<Notification[]> => repo.listRecent(channel, limit),
    listOutbox,
    listPanel: repo.listPanel,
    countPanelUnread: repo.countPanelUnread,
    markPanelRead,
    markAllPanelRead: (scope: Scope) => repo.markPanelRead(scope, undefined, deps.clock.now()),
    listTemplates,
    setTemplate,
    resetTemplate,
    getRule,
    setRule,
  };
}

export type NotificationService = ReturnType<typeof createNotificationService>;
