// One interface for online payment gateways, and the registry that maps a kind to its adapter.
// The flow every gateway follows: request (we get an authority) → redirect the payer → the
// payer comes back to our callback with the authority and a status → verify, server to server.
// Expected failures are values ({ ok: false }); adapters throw only for bugs.
import type { Outbound } from '../lib/outbound.ts';
import { createSandboxGateway } from './sandbox/adapter.ts';
import { createZarinpalGateway, ZARINPAL_ORIGINS } from './zarinpal/adapter.ts';

export type GatewayKind = 'sandbox' | 'zarinpal';
export const gatewayKinds = ['sandbox', 'zarinpal'] as const satisfies readonly GatewayKind[];

export type GatewaySettings = { merchantId?: string; baseUrl?: string };

export type PaymentRequest = { paymentId: string; amount: bigint; callbackUrl: string; description: string; mobile?: string };

export type GatewayFailure = { ok: false; retryable: boolean; code: string };
export type RequestResult = { ok: true; authority: string; redirectUrl: string } | GatewayFailure;
export type VerifyResult = { ok: true; refId: string; cardPan: string | null; alreadyVerified: boolean } | GatewayFailure;

export type Gateway = {
  request(r: PaymentRequest): Promise<RequestResult>;
  verify(v: { amount: bigint; authority: string }): Promise<VerifyResult>;
};

/**
 * What an adapter may need from Chapar: where the payer's browser reaches us, and the one way
 * out to the provider. `customBaseUrl`: the platform's own gateway outside production may name
 * any base URL (a stand-in for the provider); every other gateway only its provider's hosts.
 */
export type GatewayContext = { publicBaseUrl: string; outbound: Outbound; customBaseUrl: boolean };

/** Each provider's own API origins; a gateway's base URL must be one of them. */
export const gatewayOrigins = {
  sandbox: [],
  zarinpal: ZARINPAL_ORIGINS,
} satisfies Record<GatewayKind, readonly string[]>;

export function baseUrlAllowed(kind: GatewayKind, baseUrl: string | undefined, customBaseUrl: boolean): boolean {
  if (baseUrl === undefined || customBaseUrl) return true;
  try {
    return (gatewayOrigins[kind] as readonly string[]).includes(new URL(baseUrl).origin);
  } catch {
    return false;
  }
}

const refusedGateway: Gateway = {
  request: async () => ({ ok: false, retryable: false, code: 'gateway_host_not_allowed' }),
  verify: async () => ({ ok: false, retryable: false, code: 'gateway_host_not_allowed' }),
};

export const gatewayRegistry = {
  sandbox: createSandboxGateway,
  zarinpal: createZarinpalGateway,
} satisfies Record<GatewayKind, (settings: GatewaySettings, ctx: GatewayContext) => Gateway>;

export function gatewayFor(kind: GatewayKind, settings: GatewaySettings, ctx: GatewayContext): Gateway {
  // Settings saved before this rule, or by hand in the database, are checked again here.
  if (!baseUrlAllowed(kind, settings.baseUrl, ctx.customBaseUrl)) return refusedGateway;
  return gatewayRegistry[kind](settings, ctx);
}

/** A callback's query in the Zarinpal shape, which the sandbox imitates. */
export function parseCallback(query: Record<string, unknown>): { authority: string; status: 'OK' | 'NOK' } | null {
  const authority = typeof query.Authority === 'string' ? query.Authority : null;
  const status = query.Status === 'OK' || query.Status === 'NOK' ? query.Status : null;
  return authority && status ? { authority, status } : null;
}
