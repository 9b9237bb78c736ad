// The built-in sandbox: no money moves. The payer lands on our own page (/pay/sandbox/:id), picks
// success or failure, and comes back to the callback exactly as from a real gateway. The authority
// is a random secret only that page knows, so a guessed callback does not verify.
import { randomBytes } from 'node:crypto';
import type { Gateway, GatewayContext, GatewaySettings } from '../gateway.ts';

export function createSandboxGateway(_settings: GatewaySettings, ctx: GatewayContext): Gateway {
  return {
    async request(r) {
      const authority = `SBX${randomBytes(16).toString('hex')}`;
      return { ok: true, authority, redirectUrl: `${ctx.publicBaseUrl}/pay/sandbox/${r.paymentId}?authority=${authority}` };
    },
    // The callback's status was the payer's choice; the service checked the authority.
    async verify(v) {
      return { ok: true, refId: `SBX-${v.authority.slice(3, 13)}`, cardPan: '6037******9999', alreadyVerified: false };
    },
  };
}
