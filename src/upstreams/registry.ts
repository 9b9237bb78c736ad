// Kind name → factory. The router builds connectors from the lines table through this map only.
import { createHttpUpstream } from './http/client.ts';
import type { HttpUpstreamConfig } from './http/client.ts';
import { createSimulatorUpstream } from './simulator/adapter.ts';
import type { SimulatorUpstreamConfig } from './simulator/adapter.ts';
import { createSmppClient } from './smpp/client.ts';
import type { SmppClientConfig } from './smpp/client.ts';
import type { Upstream, UpstreamKind } from './upstream.ts';
import { canonicalUpstreamId } from './ids.ts';

export const upstreamFactories = {
  smpp: (config: SmppClientConfig) => createSmppClient(config),
  http: (config: HttpUpstreamConfig) => createHttpUpstream(config),
  simulator: (config: SimulatorUpstreamConfig) => createSimulatorUpstream(config),
} satisfies Record<UpstreamKind, (config: never) => Upstream>;

export type UpstreamConfig<K extends UpstreamKind> = Parameters<(typeof upstreamFactories)[K]>[0];

/** The connector of a kind, its message ids reported in their canonical form. */
export function createUpstream<K extends UpstreamKind>(kind: K, config: UpstreamConfig<K>): Upstream {
  const factory = upstreamFactories[kind] as (config: UpstreamConfig<K>) => Upstream;
  return withCanonicalIds(factory(config));
}

function withCanonicalIds(u: Upstream): Upstream {
  // The connector's own fields stay (the simulator's `smsc`); only what carries ids is wrapped.
  return {
    ...u,
    async submit(part) {
      const r = await u.submit(part);
      return r.ok ? { ...r, upstreamId: canonicalUpstreamId(r.upstreamId) } : r;
    },
    onReceipt: (cb) => u.onReceipt((r) => cb({ ...r, upstreamId: canonicalUpstreamId(r.upstreamId) })),
  };
}
