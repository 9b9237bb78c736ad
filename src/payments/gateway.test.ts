import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayFor, parseCallback, type Gateway } from './gateway.ts';
import { startFakeZarinpal } from './zarinpal/fake-server.ts';
import { createOutbound, DEFAULT_DENIED_PORTS } from '../lib/outbound.ts';

const MERCHANT = 'merchant-0000-1111';
let zp: Awaited<ReturnType<typeof startFakeZarinpal>>;
beforeAll(async () => {
  zp = await startFakeZarinpal({ merchantId: MERCHANT });
});
afterAll(() => zp.close());

// The fake server on loopback stands in for Zarinpal as the platform's gateway does in test mode.
const ctx = { publicBaseUrl: 'https://panel.example', outbound: createOutbound({ allowPrivate: true, deniedPorts: DEFAULT_DENIED_PORTS }), customBaseUrl: true };
const adapters: [string, () => Gateway, (authority: string) => void][] = [
  ['sandbox', () => gatewayFor('sandbox', {}, ctx), () => {}],
  ['zarinpal', () => gatewayFor('zarinpal', { merchantId: MERCHANT, baseUrl: zp.baseUrl }, ctx), (a) => void zp.pay(a)],
];

describe.each(adapters)('the %s gateway', (_name, make, pay) => {
  it('issues an authority and a redirect, then verifies the paid payment', async () => {
    const g = make();
    const r = await g.request({ paymentId: 'pay_1', amount: 110000n, callbackUrl: 'https://panel.example/pay/callback/pay_1', description: 'top-up' });
    if (!r.ok) throw new Error(r.code);
    expect(r.authority.length).toBeGreaterThan(10);
    expect(r.redirectUrl).toContain(r.authority);
    pay(r.authority);
    const v = await g.verify({ amount: 110000n, authority: r.authority });
    expect(v).toMatchObject({ ok: true, alreadyVerified: false });
  });
});

describe('the Zarinpal adapter', () => {
  const g = () => gatewayFor('zarinpal', { merchantId: MERCHANT, baseUrl: zp.baseUrl }, ctx);

  it('maps Zarinpal’s codes: unpaid, wrong amount, already verified, wrong merchant', async () => {
    const r = await g().request({ paymentId: 'pay_2', amount: 5000n, callbackUrl: 'https://x/cb', description: 'd' });
    if (!r.ok) throw new Error(r.code);
    expect(await g().verify({ amount: 5000n, authority: r.authority })).toEqual({ ok: false, retryable: false, code: 'payment_failed' });
    zp.pay(r.authority);
    expect(await g().verify({ amount: 5001n, authority: r.authority })).toEqual({ ok: false, retryable: false, code: 'amount_mismatch' });
    expect(await g().verify({ amount: 5000n, authority: r.authority })).toMatchObject({ ok: true, alreadyVerified: false });
    expect(await g().verify({ amount: 5000n, authority: r.authority })).toMatchObject({ ok: true, alreadyVerified: true });
    const wrong = gatewayFor('zarinpal', { merchantId: 'someone-else', baseUrl: zp.baseUrl }, ctx);
    expect(await wrong.request({ paymentId: 'p', amount: 5000n, callbackUrl: 'https://x', description: 'd' })).toMatchObject({ ok: false, code: 'merchant_rejected' });
  });

  it('reports an unreachable gateway as a retryable failure', async () => {
    const down = gatewayFor('zarinpal', { merchantId: MERCHANT, baseUrl: 'http://127.0.0.1:9' }, ctx);
    expect(await down.verify({ amount: 1000n, authority: 'A1' })).toEqual({ ok: false, retryable: true, code: 'gateway_unreachable' });
  });

  it('talks only to Zarinpal’s hosts unless a custom base URL is allowed, and never inside when private targets are refused', async () => {
    const before = zp.calls.length;
    const agencys = gatewayFor('zarinpal', { merchantId: MERCHANT, baseUrl: zp.baseUrl }, { ...ctx, customBaseUrl: false });
    const r = { paymentId: 'p', amount: 5000n, callbackUrl: 'https://x', description: 'd' };
    expect(await agencys.request(r)).toEqual({ ok: false, retryable: false, code: 'gateway_host_not_allowed' });
    const closed = { ...ctx, outbound: createOutbound({ allowPrivate: false, deniedPorts: DEFAULT_DENIED_PORTS }) };
    expect(await gatewayFor('zarinpal', { merchantId: MERCHANT, baseUrl: zp.baseUrl }, closed).request(r)).toEqual({ ok: false, retryable: false, code: 'gateway_host_not_allowed' });
    expect(zp.calls.length).toBe(before);
  });

  it('reads only well-formed callbacks', () => {
    expect(parseCallback({ Authority: 'A1', Status: 'OK' })).toEqual({ authority: 'A1', status: 'OK' });
    expect(parseCallback({ Authority: 'A1', Status: 'MAYBE' })).toBeNull();
    expect(parseCallback({ Status: 'OK' })).toBeNull();
  });
});
