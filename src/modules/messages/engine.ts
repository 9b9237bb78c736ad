// The message engine, assembled: accept → outbox → dispatcher → connectors → receipts → settle,
// inbound → inbox, and webhooks for both. start() brings the connectors up and the workers on.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Outbound } from '../../lib/outbound.ts';
import type { AccountService } from '../accounts/service.ts';
import { createInboxService } from '../inbox/service.ts';
import { createForwarding, forwardedText, rulesFor } from '../inbox/forwarding.ts';
import type { NotificationService } from '../notifications/service.ts';
import { createLineService } from '../lines/service.ts';
import { createRoutingService, type RoutingOptions, type UpstreamFactory } from '../routing/service.ts';
import { createWebhookService } from '../webhooks/service.ts';
import { createAcceptService, type BlockedNumbers, type PermissionCheck } from './accept.ts';
import { createBatchService } from './batches.ts';
import { createProgressStreams } from './progress.ts';
import type { ChargingPort } from './charging.ts';
import type { ComplianceService } from '../compliance/service.ts';
import { createDispatcher, type DispatcherOptions, type EnabledConnectors } from './dispatcher.ts';
import { createReceiptProcessor } from './receipts.ts';
import { createSettlement } from './settlement.ts';
import { createSystemSms } from './system-sms.ts';
import { messageRepo } from './repo.ts';
import { createMessageMetrics, noMessageMetrics } from './metrics.ts';
import type { Metrics } from '../../lib/metrics.ts';

export type EngineOptions = {
  dispatcher?: Partial<DispatcherOptions>;
  /** Settings of the simulator connector a new install starts with. */
  simulator?: Record<string, unknown>;
  /** how often a batch's live progress is read (default 1 s) */
  progressPollMs?: number;
  /** how long a receipt that matches no message is kept and tried again (default 60 s) */
  keepUnmatchedReceiptsMs?: number;
  /** following connector and route changes, and binds' leases (routing/service.ts) */
  routing?: Partial<RoutingOptions>;
  /** false: this process never binds connectors (an API or SMPP-server process); a dispatcher elsewhere does */
  connectors?: boolean;
};

export function createMessageEngine(deps: {
  db: Db;
  clock: Clock;
  log: Logger;
  accounts: AccountService;
  charging: ChargingPort;
  compliance: ComplianceService;
  /** phonebook flags: contacts not to send to */
  blocked?: BlockedNumbers;
  /** package permissions */
  permissions?: PermissionCheck;
  /** e-mail forwarding of inbound messages */
  notifications: Pick<NotificationService, 'send' | 'pendingSms' | 'settleSms'>;
  upstreamFactory: UpstreamFactory;
  /** production: a system SMS carrying a code or a password is emptied from its batch once done */
  production?: boolean;
  options?: EngineOptions;
  /** opens customers' webhook and forwarding URLs */
  outbound: Outbound;
  /** live progress streams one account may hold open */
  streamsPerAccount?: number;
  /** /metrics instruments: messages, submit and receipt times, webhooks */
  metrics?: Metrics;
}) {
  const { db, clock, log } = deps;
  const metrics = deps.metrics ? createMessageMetrics({ metrics: deps.metrics, kinds: deps.accounts.findKinds, log }) : noMessageMetrics;
  const lines = createLineService({ db, accounts: deps.accounts, clock });
  const settlement = createSettlement({ charging: deps.charging, metrics });
  const accept = createAcceptService({ db, clock, lines, charging: deps.charging, compliance: deps.compliance, blocked: deps.blocked, permissions: deps.permissions, log, metrics });
  const batches = createBatchService({ db, clock, settlement });
  const progress = createProgressStreams({ batches, log, perAccount: deps.streamsPerAccount ?? 5, pollMs: deps.options?.progressPollMs ?? 1000 });
  const inbox = createInboxService({ db, clock, log, lines, chargeReceive: deps.charging.chargeReceive, permissions: deps.permissions });
  const webhooks = createWebhookService({ db, clock, outbound: deps.outbound, metrics: deps.metrics });
  // a message is recorded as sent or delivered only through a connector enabled at that moment
  const enabledConnectors: EnabledConnectors = (tx, ids) => routing.lockEnabled(tx, ids);
  const receipts = createReceiptProcessor({ db, clock, log, settlement, metrics, keepUnmatchedMs: deps.options?.keepUnmatchedReceiptsMs, enabledConnectors, recordUnmatched: (rows, at) => routing.recordUnmatched(rows, at) });
  const routing = createRoutingService({
    db,
    log,
    options: deps.options?.routing,
    connectors: deps.options?.connectors,
    factory: deps.upstreamFactory,
    onReceipt: (connectorId, r) => receipts.push(connectorId, r),
    onInbound: async (_connectorId, part) => {
      try {
        await inbox.receive(part);
      } catch (err) {
        log.error({ err, from: part.from, to: part.to }, 'inbound message not stored; the SMSC will send it again');
        throw err;
      }
    },
  });
  const dispatcher = createDispatcher({ db, clock, log, router: routing.router, settlement, options: deps.options?.dispatcher, onSentRecorded: () => receipts.sentRecorded(), metrics, enabledConnectors });
  const systemSms = createSystemSms({ log, accounts: deps.accounts, notifications: deps.notifications, accept, production: deps.production });

  settlement.onFinal(async (tx, finals) => {
    const byAccount = new Map<string, typeof finals>();
    for (const m of finals) {
      const list = byAccount.get(m.accountId) ?? [];
      list.push(m);
      byAccount.set(m.accountId, list);
    }
    // the payloads (recipient and price read back) only for an account with a delivery webhook
    for (const [accountId, list] of byAccount) {
      await webhooks.emit(tx, accountId, 'delivery', async () => {
        const details = await messageRepo(tx).finalDetails(list.map((m) => m.id));
        const at = clock.now().toISOString();
        return list.map((m) => {
          const d = details.get(m.id.toString())!;
          return { batchId: m.batchId, to: d.recipient, status: m.status, parts: m.parts, cost: d.cost.toString(), error: m.errorCode, at };
        });
      });
    }
  });
  inbox.onMessage(async (m, tx) => {
    if (m.accountId) await webhooks.emit(tx, m.accountId, 'inbound', [{ id: m.id, from: m.sender, to: m.recipient, text: m.body, parts: m.parts, receivedAt: m.receivedAt.toISOString() }]);
  });

  const forwarding = createForwarding({ db, lines, webhooks, permissions: deps.permissions });
  // Forwarding rules of the receiving line: a URL gets a signed POST enqueued with the message;
  // an e-mail or another mobile is sent once the message has committed.
  inbox.onMessage(async (m, tx, later) => {
    if (!m.accountId || !m.lineId) return;
    const ownerId = m.accountId;
    const lineId = m.lineId;
    for (const rule of await rulesFor(tx, lineId, ownerId)) {
      const payload = { id: m.id, from: m.sender, to: m.recipient, text: m.body, parts: m.parts, receivedAt: m.receivedAt.toISOString() };
      if (rule.kind === 'url' && rule.endpointId) await webhooks.emitTo(tx, rule.endpointId, 'forward', payload);
      if (rule.kind === 'email' && deps.notifications) {
        const notifications = deps.notifications;
        later(async () => {
          await notifications.send({ channel: 'email', recipient: rule.target, subject: `SMS ${m.recipient} ← ${m.sender}`, body: forwardedText(m.sender, m.body), kind: 'inbound.forward', accountId: ownerId });
        });
      }
      if (rule.kind === 'sms') {
        later(async () => {
          const owner = await deps.accounts.findAccountForAuth(ownerId);
          if (owner) await accept.send(owner, { to: [rule.target], text: forwardedText(m.sender, m.body), class: 'service', from: lineId }, { source: 'system' });
        });
      }
    }
  });

  // Opt-out keywords: «11» stops the line owner's advertising to that number, «12» restores it;
  // the sender is told so from the same line, after the inbound message commits.
  inbox.onMessage(async (m, tx, later) => {
    if (!m.accountId || !m.lineId) return;
    const k = await deps.compliance.handleInboundKeyword(tx, { accountId: m.accountId, from: m.sender, text: m.body, lineId: m.lineId });
    const ownerId = m.accountId;
    const lineId = m.lineId;
    if (!k.reply) return;
    later(async () => {
      const owner = await deps.accounts.findAccountForAuth(ownerId);
      if (owner) await accept.send(owner, { to: [m.sender], text: k.reply!, class: 'service', from: lineId }, { source: 'system' });
    });
  });

  // Moderation: an approved batch is released by the dispatcher's next round (its held messages
  // are due); a rejected one is cancelled and every level refunded, in the decision's transaction.
  deps.compliance.onDecision(async (tx, item, afterCommit) => {
    if (deps.notifications) {
      const notifications = deps.notifications;
      const sender = await deps.accounts.findAccountForAuthIn(tx, item.accountId);
      const fa = sender?.locale !== 'en';
      const approved = item.status === 'approved';
      const body = fa
        ? approved ? `ارسال شما (${item.recipients} گیرنده) تأیید شد و در حال ارسال است.` : `ارسال شما (${item.recipients} گیرنده) رد شد${item.comment ? `: ${item.comment}` : '.'} اعتبار آن برگشت داده شد.`
        : approved ? `Your send to ${item.recipients} recipients was approved and is going out.` : `Your send to ${item.recipients} recipients was rejected${item.comment ? `: ${item.comment}` : '.'} Its credit was returned.`;
      // Told on the panel and by SMS once the decision has committed.
      setImmediate(() => {
        void notifications.send({ channel: 'panel', recipient: item.accountId, subject: fa ? 'نتیجهٔ بررسی ارسال' : 'Moderation result', body, kind: 'moderation.result', accountId: item.accountId }).catch(() => undefined);
        if (sender) void notifications.send({ channel: 'sms', recipient: sender.mobile, body, kind: 'moderation.result', accountId: item.accountId }).catch(() => undefined);
      });
    }
    if (item.status !== 'rejected') return;
    const now = clock.now();
    const repo = messageRepo(tx);
    await repo.cancelBatch(item.batchId, now);
    const held = await repo.unsettledOfBatch(item.batchId, ['held']);
    const finals = await settlement.finalise(tx, held.map((id) => ({ id, status: 'cancelled' as const, errorCode: 'moderation_rejected', neverSent: true })), now);
    afterCommit(() => settlement.counted(finals));
  });

  let fragmentTimer: NodeJS.Timeout | null = null;

  /** First start: a simulator connector with a catch-all route, a shared public line, and a receiving line for the platform. */
  async function ensureDefaults(platformAccountId: string) {
    await routing.ensureDefaults(deps.options?.simulator ?? { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 200, max: 1500 } } });
    await lines.ensureDefaultLines(platformAccountId);
  }

  return {
    lines, accept, batches, progress, inbox, forwarding, webhooks, receipts, routing, dispatcher, settlement, systemSms, ensureDefaults,
    /** Messages waiting and the oldest due one (/metrics). */
    outboxFigures: (now: Date) => messageRepo(db).outboxFigures(now),
    /** `step` is told as each part has started (server.ts times them). */
    async start(step: (name: string) => void = () => {}) {
      await routing.start();
      step('engine: connectors');
      receipts.start();
      await dispatcher.start();
      step('engine: outbox recovery');
      systemSms.start();
      fragmentTimer = setInterval(() => void inbox.flushStaleFragments().catch((err: unknown) => log.error({ err }, 'inbound reassembly sweep failed')), 60_000);
    },
    async stop() {
      if (fragmentTimer) clearInterval(fragmentTimer);
      await systemSms.stop();
      await dispatcher.stop();
      await routing.stop();
      await receipts.stop();
    },
  };
}

export type MessageEngine = ReturnType<typeof createMessageEngine>;
