// One interface for online payment gateways, and the registry that maps a kind to its adapter.
// The flow every gateway follows: request (we get an authority) → redirect the payer → the
// payer comes back to our callback with the authority and a status → verify, server to server.
// Expected failures are values ({ ok: false }); adapters throw only for bugs.
import { createSandboxGateway } from './sandbox/adapter.ts';
import { createZarinpalGateway } from './zarinpal/adapter.ts';

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

/** What an adapter may need from Chapar: where the payer's browser reaches us. */
export type GatewayContext = { publicBaseUrl: string };

export const gatewayRegistry = {
  sandbox: createSandboxGateway,
  zarinpal: createZarinpalGateway,
} satisfies Record<GatewayKind, (settings: GatewaySettings, ctx: GatewayContext) => Gateway>;

export function gatewayFor(kind: GatewayKind, settings: GatewaySettings, ctx: GatewayContext): Gateway {
  return gatewayRegistry[kind](settings, ctx);
}

/** A callback's query in the Zarinpal shape, which the sandbox imitates. */
export function parseCallback(query: Record<string, unknown>): { authority: string; status: 'OK' | 'NOK' } | null {
  const authority = typeof query.Authority === 'string' ? query.Authority : null;
  const status = query.Status === 'OK' || query.Status === 'NOK' ? query.Status : null;
  return authority && status ? { authority, status } : null;
}
