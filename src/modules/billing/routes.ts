import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import { parseRials } from '../../lib/money.ts';
import { describeTransaction, typeLabel } from './descriptions.ts';
import type { UserGroup } from './groups-repo.ts';
import type { Override } from './pricing.ts';
import type { Wallet } from './repo.ts';
import type { BillingService } from './service.ts';
import * as s from './schema.ts';

const money = (w: Wallet) => ({
  balance: w.balance.toString(),
  reserved: w.reserved.toString(),
  creditLimit: w.creditLimit.toString(),
  backing: w.backing.toString(),
  lowCreditThreshold: w.lowCreditThreshold?.toString() ?? null,
  currency: 'IRR' as const,
});

const overrideView = (o: Override) => ({ ...o, price: o.price.toString() }) as z.infer<typeof s.groupView>['overrides'][number];

function groupView(g: UserGroup) {
  return {
    id: g.id, name: g.name, isDefault: g.isDefault, members: g.members, basePrice: g.basePrice.toString(), receivePrice: g.receivePrice.toString(),
    coefficients: g.coefficients, overrides: g.overrides.map(overrideView), createdAt: g.createdAt.toISOString(), updatedAt: g.updatedAt.toISOString(),
  };
}

function groupChanges(b: z.infer<typeof s.groupPatch>) {
  return {
    name: b.name,
    basePrice: b.basePrice === undefined ? undefined : parseRials(b.basePrice),
    receivePrice: b.receivePrice === undefined ? undefined : parseRials(b.receivePrice),
    coefficients: b.coefficients,
    overrides: b.overrides?.map((o) => ({ ...o, price: parseRials(o.price) })),
  };
}

const csvCell = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
const csvHeadings = {
  fa: 'شناسه,نوع,شرح,یادداشت,مبلغ (ریال),تغییر رزرو (ریال),مانده پس از تراکنش (ریال),مرجع,زمان',
  en: 'id,type,description,note,amount,reserved_change,balance_after,reference,created_at',
};

export function billingRoutes(app: FastifyInstance, deps: { billing: BillingService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const b = deps.billing;
  const tags = ['money'];

  r.get('/api/v1/balance', { schema: { tags, summary: 'Your balance, reserved amount and credit limit', response: { 200: s.balanceView } } }, async (req) => {
    const { scope } = requireCaller(req);
    return money(await b.getWallet(scope));
  });

  r.put('/api/v1/balance/low-credit-threshold', { schema: { tags, summary: 'Get an SMS when your balance falls below this (null: never)', body: s.thresholdBody, response: { 200: s.balanceView } } }, async (req) => {
    const { account } = requireCaller(req);
    return money(await b.setLowCreditThreshold(account, req.body.threshold === null ? null : parseRials(req.body.threshold)));
  });

  r.get('/api/v1/transactions', { schema: { tags, summary: 'Your wallet’s transactions, newest first; ?format=csv for a spreadsheet', querystring: s.statementQuery, response: { 200: s.statementPage } } }, async (req, reply) => {
    const { scope } = requireCaller(req);
    const { page, pageSize, format, lang: asked, ...f } = req.query;
    const lang = asked ?? req.lang;
    const { items, total } = await b.statement(scope, { ...f, limit: pageSize, offset: (page - 1) * pageSize });
    const rows = items.map((i) => ({
      id: i.id, type: i.type, amount: i.amount.toString(), reservedChange: i.reservedChange.toString(), balanceAfter: i.balanceAfter?.toString() ?? null,
      ...describeTransaction(i, lang), reference: i.reference, createdAt: i.createdAt.toISOString(),
    }));
    if (format === 'csv') {
      const lines = rows.map((x) => [x.id, typeLabel(x.type, lang), x.description, x.note, x.amount, x.reservedChange, x.balanceAfter ?? '', x.reference ?? '', x.createdAt].map(csvCell).join(','));
      return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="transactions.csv"').send(`\ufeff${[csvHeadings[lang], ...lines].join('\r\n')}\r\n` as never);
    }
    return { items: rows, total, page, pageSize };
  });

  r.get('/api/v1/accounts/:id/wallet', { schema: { tags, summary: 'The wallet of an account in your subtree', params: s.idParams, response: { 200: s.walletView } } }, async (req) => {
    const { scope } = requireCaller(req);
    const w = await b.getWallet(scope, req.params.id);
    return { ...money(w), accountId: w.accountId, groupId: w.groupId };
  });

  r.post('/api/v1/accounts/:id/credit', {
    schema: { tags, summary: 'Move credit to your direct child (a negative amount takes unused credit back)', params: s.idParams, body: s.creditBody, response: { 200: s.creditResult } },
  }, async (req) => {
    const { account } = requireCaller(req);
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
    const t = await b.transfer(account, req.params.id, parseRials(req.body.amount), req.body.note, key, req.ip);
    return { transactionId: t.transactionId, amount: t.amount.toString(), balance: t.balance.toString(), childBalance: t.childBalance.toString(), replayed: t.replayed };
  });

  r.put('/api/v1/accounts/:id/credit-limit', { schema: { tags, summary: 'Set how far below zero your direct child may go', params: s.idParams, body: s.creditLimitBody, response: { 200: s.walletView } } }, async (req) => {
    const { account } = requireCaller(req);
    const w = await b.setCreditLimit(account, req.params.id, parseRials(req.body.creditLimit), req.ip);
    return { ...money(w), accountId: w.accountId, groupId: w.groupId };
  });

  r.put('/api/v1/accounts/:id/group', { schema: { tags, summary: 'Move your direct child to another of your user groups', params: s.idParams, body: s.groupAssignBody, response: { 200: s.walletView } } }, async (req) => {
    const { account } = requireCaller(req);
    const w = await b.setGroup(account, req.params.id, req.body.groupId, req.ip);
    return { ...money(w), accountId: w.accountId, groupId: w.groupId };
  });

  r.get('/api/v1/billing/groups', { schema: { tags, summary: 'Your user groups (گروه کاربری) and their price lists', response: { 200: z.object({ items: z.array(s.groupView) }) } } }, async (req) => {
    const { scope } = requireCaller(req);
    return { items: (await b.listGroups(scope)).map(groupView) };
  });

  r.post('/api/v1/billing/groups', { schema: { tags, summary: 'Create a user group with its price list', body: s.groupBody, response: { 201: s.groupView } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    const g = await b.createGroup(account, { ...groupChanges(req.body), name: req.body.name }, req.ip);
    return reply.code(201).send(groupView(g));
  });

  r.get('/api/v1/billing/groups/:id', { schema: { tags, summary: 'One of your groups with its full price table (one part per cell)', params: s.idParams, response: { 200: s.groupDetail } } }, async (req) => {
    const { account } = requireCaller(req);
    const t = await b.priceTable(account, req.params.id);
    return { ...groupView(t.group), prices: t.prices.map((p) => ({ ...p, price: p.price.toString(), cost: p.cost?.toString() ?? null, ceiling: p.ceiling?.toString() ?? null })) };
  });

  const ceilingView = (c: { multiple: number; reference: bigint }) => ({ multiple: c.multiple, reference: c.reference.toString() });
  r.get('/api/v1/billing/price-ceiling', { schema: { tags, summary: 'The most an agency may charge for a part, as a multiple of the platform’s price', response: { 200: s.priceCeilingView } } }, async (req) => {
    requireCaller(req);
    return ceilingView(await b.priceCeiling());
  });

  r.put('/api/v1/billing/price-ceiling', { schema: { tags, summary: 'Platform only: set the price ceiling for agencies', body: s.priceCeilingView, response: { 200: s.priceCeilingView } } }, async (req) => {
    const { account } = requireCaller(req);
    return ceilingView(await b.setPriceCeiling(account, { multiple: req.body.multiple, reference: parseRials(req.body.reference) }, req.ip));
  });

  r.patch('/api/v1/billing/groups/:id', { schema: { tags, summary: 'Change a group’s name or prices (overrides, when given, replace the old ones)', params: s.idParams, body: s.groupPatch, response: { 200: s.groupView } } }, async (req) => {
    const { account } = requireCaller(req);
    return groupView(await b.updateGroup(account, req.params.id, groupChanges(req.body), req.ip));
  });

  r.delete('/api/v1/billing/groups/:id', { schema: { tags, summary: 'Delete an empty, non-default group', params: s.idParams, response: { 204: z.null() } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    await b.deleteGroup(account, req.params.id, req.ip);
    return reply.code(204).send(null);
  });

  r.post('/api/v1/billing/preview', {
    // up to 100,000 recipients' cells
    bodyLimit: 8 * 2 ** 20,
    schema: { tags, summary: 'What a send costs you, and each level from you down to the sender, each at its parent’s prices', body: s.previewBody, response: { 200: s.previewView } },
  }, async (req) => {
    const { account } = requireCaller(req);
    const counts = req.body.counts ?? countRecipients(req.body.recipients ?? []);
    const p = await b.preview(account, { accountId: req.body.accountId, lineType: req.body.lineType, messageClass: req.body.class, counts });
    return {
      accountId: p.accountId,
      total: p.total.toString(),
      levels: p.levels.map((l) => ({ ...l, amount: l.amount.toString(), perCell: l.perCell.map((c) => ({ ...c, unitPrice: c.unitPrice.toString() })) })),
    };
  });

  r.get('/api/v1/billing/reconcile', { schema: { tags, summary: 'Platform only: wallets that disagree with the ledger', response: { 200: s.reconcileView } } }, async (req) => {
    const { account } = requireCaller(req);
    if (account.kind !== 'platform') throw new AppError('FORBIDDEN');
    const r = await b.reconcile();
    return {
      ok: !r.wallets.length && !r.unbalancedTransactions.length && !r.unbackedCredit.length,
      wallets: r.wallets.map((w) => ({
        ...w, balance: w.balance.toString(), ledgerBalance: w.ledgerBalance.toString(), reserved: w.reserved.toString(), ledgerReserved: w.ledgerReserved.toString(),
        openReservations: w.openReservations.toString(), backing: w.backing.toString(), ledgerBacking: w.ledgerBacking.toString(),
      })),
      unbalancedTransactions: r.unbalancedTransactions.map((t) => ({ ...t, total: t.total.toString() })),
      unbackedCredit: r.unbackedCredit.map((u) => ({ ...u, backing: u.backing.toString(), granted: u.granted.toString() })),
    };
  });
}

function countRecipients(recipients: { operator: 'mci' | 'irancell' | 'rightel' | 'other'; alphabet: 'gsm7' | 'ucs2'; parts: number }[]) {
  const byKey = new Map<string, { operator: string; alphabet: 'gsm7' | 'ucs2'; parts: number; count: number }>();
  for (const r of recipients) {
    const k = `${r.operator}|${r.alphabet}|${r.parts}`;
    const c = byKey.get(k);
    if (c) c.count++;
    else byKey.set(k, { ...r, count: 1 });
  }
  return [...byKey.values()];
}
