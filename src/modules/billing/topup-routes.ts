import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../../http/context.ts';
import { AppError } from '../../lib/app-error.ts';
import { parseRials } from '../../lib/money.ts';
import { parseCallback } from '../../payments/gateway.ts';
import { paymentResultPage, sandboxPage } from './pay-pages.ts';
import { idParams } from './schema.ts';
import * as s from './topup-schema.ts';
import type { BankAccount, Deposit, Payment, PaymentGateway } from './topups-repo.ts';
import type { TopupService } from './topups.ts';

const mask = (v: string | undefined) => (!v ? null : v.length <= 8 ? '••••' : `${v.slice(0, 4)}…${v.slice(-4)}`);

const gatewayView = (g: PaymentGateway) => ({
  id: g.id, kind: g.kind, name: g.name, enabled: g.enabled, merchantId: mask(g.settings.merchantId), baseUrl: g.settings.baseUrl ?? null, createdAt: g.createdAt.toISOString(),
});

const paymentView = (p: Payment) => ({
  id: p.id, payerId: p.payerId, payeeId: p.payeeId, gatewayId: p.gatewayId, amount: p.amount.toString(), vat: p.vat.toString(), total: p.total.toString(),
  status: p.status, credited: Boolean(p.transactionId), refId: p.refId, cardPan: p.cardPan, errorCode: p.errorCode,
  createdAt: p.createdAt.toISOString(), verifiedAt: p.verifiedAt?.toISOString() ?? null,
});

const bankView = (b: BankAccount) => ({ id: b.id, bankName: b.bankName, holderName: b.holderName, iban: b.iban, cardNumber: b.cardNumber, accountNo: b.accountNo, enabled: b.enabled });

const depositView = (d: Deposit) => ({
  id: d.id, payerId: d.payerId, payeeId: d.payeeId, bankAccountId: d.bankAccountId, amount: d.amount.toString(), vat: d.vat.toString(), total: d.total.toString(),
  paidOn: d.paidOn, trackingNumber: d.trackingNumber, receiptType: d.receiptType, status: d.status, reason: d.reason,
  decidedAt: d.decidedAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(),
});

/** Where the payer's browser reaches this server: the host it used, for redirects and callbacks. */
const publicBase = (req: FastifyRequest) => `${req.protocol}://${req.headers.host ?? 'localhost'}`;

export function topupRoutes(app: FastifyInstance, deps: { topups: TopupService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const t = deps.topups;
  const tags = ['top-ups'];

  r.get('/api/v1/billing/topup-options', { schema: { tags, summary: 'How you can pay your parent: its gateways, bank accounts and the VAT rate', response: { 200: s.topupOptionsView } } }, async (req) => {
    const { account } = requireCaller(req);
    const o = await t.topupOptions(account);
    return { ...o, bankAccounts: o.bankAccounts.map(bankView) };
  });

  r.post('/api/v1/billing/payments', { schema: { tags, summary: 'Start an online top-up; send the payer to redirectUrl', body: s.paymentBody, response: { 201: s.paymentStarted } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    const started = await t.startPayment(account, { gatewayId: req.body.gatewayId, amount: parseRials(req.body.amount) }, publicBase(req));
    return reply.code(201).send({ ...paymentView(started.payment), redirectUrl: started.redirectUrl });
  });

  r.get('/api/v1/billing/payments', { schema: { tags, summary: 'Online payments you made, or received from your children', querystring: s.directionQuery, response: { 200: z.object({ items: z.array(s.paymentView) }) } } }, async (req) => {
    const { scope } = requireCaller(req);
    const { direction, page, pageSize } = req.query;
    return { items: (await t.listPayments(scope, direction, pageSize, (page - 1) * pageSize)).map(paymentView) };
  });

  r.get('/api/v1/billing/payments/:id', { schema: { tags, summary: 'One payment: its receipt (amount, VAT, total, reference)', params: idParams, response: { 200: s.paymentView } } }, async (req) => {
    const { scope } = requireCaller(req);
    return paymentView(await t.getPayment(scope, req.params.id));
  });

  r.post('/api/v1/billing/payments/:id/credit', { schema: { tags, summary: 'Payee: post the credit of a verified payment that could not be credited (you lacked credit)', params: idParams, response: { 200: s.paymentView } } }, async (req) => {
    const { account } = requireCaller(req);
    return paymentView((await t.postPaymentCredit(account, req.params.id))!);
  });

  r.get('/api/v1/billing/gateways', { schema: { tags, summary: 'Your payment gateways (secrets masked)', response: { 200: z.object({ items: z.array(s.gatewayView) }) } } }, async (req) => {
    const { account } = requireCaller(req);
    return { items: (await t.listGateways(account)).map(gatewayView) };
  });

  r.post('/api/v1/billing/gateways', { schema: { tags, summary: 'Add a payment gateway your children pay you through', body: s.gatewayBody, response: { 201: s.gatewayView } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    return reply.code(201).send(gatewayView(await t.createGateway(account, req.body)));
  });

  r.patch('/api/v1/billing/gateways/:id', { schema: { tags, summary: 'Rename, reconfigure, enable or disable a gateway', params: idParams, body: s.gatewayPatch, response: { 200: s.gatewayView } } }, async (req) => {
    const { account } = requireCaller(req);
    return gatewayView(await t.updateGateway(account, req.params.id, req.body));
  });

  r.delete('/api/v1/billing/gateways/:id', { schema: { tags, summary: 'Delete a gateway that has no payments', params: idParams, response: { 204: z.null() } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    await t.deleteGateway(account, req.params.id);
    return reply.code(204).send(null);
  });

  r.get('/api/v1/billing/bank-accounts', { schema: { tags, summary: 'Your bank accounts (your children see the enabled ones in topup-options)', response: { 200: z.object({ items: z.array(s.bankAccountView) }) } } }, async (req) => {
    const { account } = requireCaller(req);
    return { items: (await t.listBankAccounts(account)).map(bankView) };
  });

  r.post('/api/v1/billing/bank-accounts', { schema: { tags, summary: 'Add a bank account (شبا and card number are checked)', body: s.bankAccountBody, response: { 201: s.bankAccountView } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    return reply.code(201).send(bankView(await t.addBankAccount(account, req.body)));
  });

  r.put('/api/v1/billing/bank-accounts/:id/enabled', { schema: { tags, summary: 'Show or hide a bank account', params: idParams, body: z.object({ enabled: z.boolean() }), response: { 200: z.object({ ok: z.literal(true) }) } } }, async (req) => {
    const { account } = requireCaller(req);
    await t.setBankAccountEnabled(account, req.params.id, req.body.enabled);
    return { ok: true as const };
  });

  r.post('/api/v1/billing/deposits', { bodyLimit: 8 * 2 ** 20, schema: { tags, summary: 'Declare a bank deposit (فیش واریزی) to your parent, with the receipt', body: s.depositBody, response: { 201: s.depositView } } }, async (req, reply) => {
    const { account } = requireCaller(req);
    const receipt = Buffer.from(req.body.receipt.data, 'base64');
    const d = await t.declareDeposit(account, { total: parseRials(req.body.amount), paidOn: req.body.paidOn, trackingNumber: req.body.trackingNumber, bankAccountId: req.body.bankAccountId, receipt });
    return reply.code(201).send(depositView(d));
  });

  r.get('/api/v1/billing/deposits', { schema: { tags, summary: 'Deposits you declared, or your children declared to you', querystring: s.directionQuery, response: { 200: z.object({ items: z.array(s.depositView) }) } } }, async (req) => {
    const { scope } = requireCaller(req);
    const { direction, page, pageSize } = req.query;
    return { items: (await t.listDeposits(scope, direction, pageSize, (page - 1) * pageSize)).map(depositView) };
  });

  r.get('/api/v1/billing/deposits/:id', { schema: { tags, summary: 'One deposit declaration', params: idParams, response: { 200: s.depositView } } }, async (req) => {
    const { scope } = requireCaller(req);
    return depositView(await t.getDeposit(scope, req.params.id));
  });

  r.get('/api/v1/billing/deposits/:id/receipt', { schema: { tags, summary: 'The receipt file of a deposit', params: idParams } }, async (req, reply) => {
    const { scope } = requireCaller(req);
    const file = await t.depositReceipt(scope, req.params.id);
    return reply.type(file.type).header('x-content-type-options', 'nosniff').header('content-disposition', 'inline').send(Buffer.from(file.data));
  });

  r.post('/api/v1/billing/deposits/:id/approve', { schema: { tags, summary: 'Approve a child’s deposit: its credit posts from your wallet (once)', params: idParams, response: { 200: s.depositView } } }, async (req) => {
    const { account } = requireCaller(req);
    return depositView(await t.decideDeposit(account, req.params.id, { approve: true }, req.ip));
  });

  r.post('/api/v1/billing/deposits/:id/reject', { schema: { tags, summary: 'Reject a child’s deposit with a reason (once)', params: idParams, body: s.rejectBody, response: { 200: s.depositView } } }, async (req) => {
    const { account } = requireCaller(req);
    return depositView(await t.decideDeposit(account, req.params.id, { approve: false, reason: req.body.reason }, req.ip));
  });

  r.get('/api/v1/billing/settings', { schema: { tags, summary: 'The VAT rate added to top-ups', response: { 200: s.vatView } } }, async (req) => {
    requireCaller(req);
    return { vatBp: await t.vatBp() };
  });

  r.put('/api/v1/billing/settings', { schema: { tags, summary: 'Platform only: set the VAT rate (basis points, 1000 = 10%)', body: s.vatBody, response: { 200: s.vatView } } }, async (req) => {
    const { account } = requireCaller(req);
    await t.setVatBp(account, req.body.vatBp);
    return { vatBp: await t.vatBp() };
  });

  // The payer's browser, without a session: the sandbox gateway's page and every gateway's callback.
  r.get('/pay/sandbox/:id', { schema: { hide: true, params: idParams, querystring: z.object({ authority: z.string().max(100) }) } }, async (req, reply) => {
    const p = await t.findPaymentForPage(req.params.id);
    if (!p || p.authority !== req.query.authority || p.status !== 'pending') throw new AppError('NOT_FOUND');
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(sandboxPage(p, req.query.authority));
  });

  r.get('/pay/callback/:id', { schema: { hide: true, params: idParams } }, async (req, reply) => {
    const cb = parseCallback(req.query as Record<string, unknown>);
    const p = cb ? await t.completePayment(req.params.id, cb, publicBase(req)) : await t.findPaymentForPage(req.params.id);
    return reply.code(p ? 200 : 404).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(paymentResultPage(p));
  });
}
