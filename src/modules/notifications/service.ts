// Sends system messages (codes, welcomes, alerts) through channels. Every notification is a row
// first, so nothing is lost if a channel is down, and the row is what the platform admin reads in
// demo mode: the SMS channel's default adapter is the built-in simulator's handset, and without
// SMTP e-mail stays in the same table (the outbox). Channel 'panel' rows are each account's
// notification centre. alert() picks the wording (brand template), language and channels.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Lang } from '../../lib/i18n.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../http/errors.ts';
import type { Scope } from '../accounts/scope.ts';
import type { BrandService } from '../brands/service.ts';
import { defaultQuietRule, smsAllowed, type Priority, type QuietRule } from './quiet.ts';
import { notificationRepo, type Channel, type Notification } from './repo.ts';
import { defaultTemplates, renderTemplate, templateKinds, unknownVariables, type Template, type TemplateKind, type TemplateVars } from './templates.ts';

export type { Channel, Notification } from './repo.ts';
/** `deferred`: the channel took it for later delivery; the row stays pending until it is sent. */
export type SendResult = { ok: true; deferred?: boolean } | { ok: false; retryable: boolean; code: string };

/** One adapter per channel; the message engine replaces the simulator handset for SMS. */
export type ChannelAdapter = { send(n: { recipient: string; subject: string | null; body: string; brandId: string | null; fromName?: string | null }): Promise<SendResult> };

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

  async function send(n: {
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
  }): Promise<string> {
    const id = newId('ntf');
    await repo.insert({ id, channel: n.channel, accountId: n.accountId ?? null, brandId: n.brandId ?? null, recipient: n.recipient, subject: n.subject ?? null, body: n.body, kind: n.kind, data: n.data ?? {} });
    // Codes are secrets: outside production the console shows them so a newcomer can sign up.
    if (!n.secret || !deps.production) deps.log.info({ channel: n.channel, to: n.recipient, kind: n.kind, body: n.body }, 'notification');
    else deps.log.info({ channel: n.channel, to: n.recipient, kind: n.kind }, 'notification');
    const result = await adapters[n.channel]
      .send({ recipient: n.recipient, subject: n.subject ?? null, body: n.body, brandId: n.brandId ?? null, fromName: n.fromName ?? null })
      .catch((err: unknown) => ({ ok: false as const, retryable: true, code: String((err as Error).message) }));
    if (!result.ok) deps.log.warn({ channel: n.channel, to: n.recipient, kind: n.kind, code: result.code }, 'notification not delivered');
    if (!(result.ok && result.deferred)) await repo.setOutcome(id, result.ok, result.ok ? null : result.code);
    return id;
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

  return {
    send,
    /** Swaps a channel's adapter: the message engine takes over SMS once it runs. */
    setAdapter: (channel: Channel, adapter: ChannelAdapter) => {
      adapters[channel] = adapter;
    },
    alert,
    render,
    listForRecipient: (channel: Channel, recipient: string, limit = 50): Promise<Notification[]> => repo.listForRecipient(channel, recipient, limit),
    listRecent: (channel: Channel, limit = 100): Promise<Notification[]> => repo.listRecent(channel, limit),
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
