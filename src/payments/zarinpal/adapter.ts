// Zarinpal REST v4: POST /pg/v4/payment/request.json → data.authority (code 100), the payer goes
// to /pg/StartPay/{authority}, comes back with ?Authority=…&Status=OK|NOK, and we POST
// /pg/v4/payment/verify.json (code 100 verified, 101 already verified). Amounts are rials.
import type { Gateway, GatewayContext, GatewayFailure, GatewaySettings } from '../gateway.ts';

export const ZARINPAL_BASE_URL = 'https://payment.zarinpal.com';
/** Zarinpal's API hosts: production and its own sandbox. */
export const ZARINPAL_ORIGINS = [ZARINPAL_BASE_URL, 'https://sandbox.zarinpal.com'] as const;

type Reply = { data?: { code?: number; authority?: string; ref_id?: number | string; card_pan?: string } | unknown[]; errors?: { code?: number; message?: string } | unknown[] };

/** Zarinpal's codes to ours, in one place. Negative codes come in `errors`. */
export function mapZarinpalCode(code: number | undefined): GatewayFailure {
  switch (code) {
    case -9: return { ok: false, retryable: false, code: 'invalid_request' };
    case -10: case -11: case -12: case -15: case -16: return { ok: false, retryable: false, code: 'merchant_rejected' };
    case -50: return { ok: false, retryable: false, code: 'amount_mismatch' };
    case -51: return { ok: false, retryable: false, code: 'payment_failed' };
    case -54: return { ok: false, retryable: false, code: 'invalid_authority' };
    default: return { ok: false, retryable: code === undefined, code: `zarinpal_${code ?? 'unknown'}` };
  }
}

export function createZarinpalGateway(settings: GatewaySettings, ctx: GatewayContext): Gateway {
  const base = (settings.baseUrl ?? ZARINPAL_BASE_URL).replace(/\/+$/, '');
  const merchantId = settings.merchantId ?? '';

  async function call(path: string, body: Record<string, unknown>): Promise<Reply | GatewayFailure> {
    const res = await ctx.outbound.request(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      timeoutMs: 15_000,
      maxBytes: 64 * 1024,
    });
    if (!res.ok && res.failure === 'destination_not_allowed') return { ok: false, retryable: false, code: 'gateway_host_not_allowed' };
    if (!res.ok) return { ok: false, retryable: true, code: 'gateway_unreachable' };
    try {
      return JSON.parse(res.body.toString('utf8')) as Reply;
    } catch {
      return { ok: false, retryable: true, code: 'gateway_unreachable' };
    }
  }
  const dataOf = (r: Reply) => (r.data && !Array.isArray(r.data) ? r.data : {});
  const errorCode = (r: Reply) => (r.errors && !Array.isArray(r.errors) ? r.errors.code : undefined);

  return {
    async request(r) {
      const reply = await call('/pg/v4/payment/request.json', {
        merchant_id: merchantId, amount: Number(r.amount), currency: 'IRR', callback_url: r.callbackUrl, description: r.description,
        metadata: { order_id: r.paymentId, ...(r.mobile ? { mobile: r.mobile } : {}) },
      });
      if ('ok' in reply) return reply;
      const d = dataOf(reply);
      if (d.code === 100 && d.authority) return { ok: true, authority: d.authority, redirectUrl: `${base}/pg/StartPay/${d.authority}` };
      return mapZarinpalCode(d.code ?? errorCode(reply));
    },
    async verify(v) {
      const reply = await call('/pg/v4/payment/verify.json', { merchant_id: merchantId, amount: Number(v.amount), authority: v.authority });
      if ('ok' in reply) return reply;
      const d = dataOf(reply);
      if (d.code === 100 || d.code === 101) return { ok: true, refId: String(d.ref_id ?? ''), cardPan: d.card_pan ?? null, alreadyVerified: d.code === 101 };
      return mapZarinpalCode(d.code ?? errorCode(reply));
    },
  };
}
