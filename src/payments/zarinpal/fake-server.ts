// A stand-in for Zarinpal in tests: a real HTTP server on 127.0.0.1 that speaks the v4 shapes.
// It is the outside world, so tests may fake it; `pay` plays the payer finishing on StartPay.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type Order = { merchantId: string; amount: number; callbackUrl: string; paid: boolean; verified: boolean; refId: number };

export async function startFakeZarinpal(opts: { merchantId: string }) {
  const orders = new Map<string, Order>();
  const calls: { path: string; body: Record<string, unknown> }[] = [];
  let nextRef = 1000;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      calls.push({ path: req.url ?? '', body });
      const send = (data: unknown, errors: unknown = []) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data, errors }));
      };
      const fail = (code: number) => send([], { code, message: 'error', validations: [] });
      if (body.merchant_id !== opts.merchantId) return fail(-11);
      if (req.url === '/pg/v4/payment/request.json') {
        if (typeof body.amount !== 'number' || body.amount < 1000) return fail(-9);
        const authority = `A${randomBytes(17).toString('hex').slice(0, 35)}`;
        orders.set(authority, { merchantId: opts.merchantId, amount: body.amount, callbackUrl: String(body.callback_url), paid: false, verified: false, refId: 0 });
        return send({ code: 100, message: 'Success', authority, fee_type: 'Merchant', fee: 0 });
      }
      if (req.url === '/pg/v4/payment/verify.json') {
        const o = orders.get(String(body.authority));
        if (!o) return fail(-54);
        if (o.amount !== body.amount) return fail(-50);
        if (!o.paid) return fail(-51);
        if (o.verified) return send({ code: 101, message: 'Verified', ref_id: o.refId, card_pan: '502229******5995', card_hash: 'x', fee_type: 'Merchant', fee: 0 });
        o.verified = true;
        o.refId = nextRef++;
        return send({ code: 100, message: 'Paid', ref_id: o.refId, card_pan: '502229******5995', card_hash: 'x', fee_type: 'Merchant', fee: 0 });
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    calls,
    orders,
    /** The payer pays on StartPay; returns the callback URL the browser is sent back to. */
    pay(authority: string, ok = true): string {
      const o = orders.get(authority);
      if (!o) throw new Error(`no order ${authority}`);
      if (ok) o.paid = true;
      return `${o.callbackUrl}${o.callbackUrl.includes('?') ? '&' : '?'}Authority=${authority}&Status=${ok ? 'OK' : 'NOK'}`;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
