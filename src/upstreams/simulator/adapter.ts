// The "simulator" upstream: the real SMPP client bound over a real loopback socket to an
// in-process simulator SMSC. Nothing is mocked; only the far end is ours.
import { createSmppClient } from '../smpp/client.ts';
import type { SmppClientConfig } from '../smpp/client.ts';
import type { Upstream } from '../upstream.ts';
import { createSmsc } from './smsc.ts';
import type { Smsc, SmscSettings } from './smsc.ts';

export type SimulatorUpstreamConfig = {
  smsc?: SmscSettings;
  /** Client settings; host, port and credentials are filled in to match the SMSC. */
  client?: Partial<SmppClientConfig>;
};

export type SimulatorUpstream = Upstream & { readonly smsc: Smsc };

export function createSimulatorUpstream(config: SimulatorUpstreamConfig = {}): SimulatorUpstream {
  const systemId = config.client?.systemId ?? config.smsc?.accounts?.[0]?.systemId ?? 'chapar';
  const password = config.client?.password ?? config.smsc?.accounts?.[0]?.password ?? 'simulator';
  const smsc = createSmsc({ host: '127.0.0.1', port: 0, ...config.smsc });
  let client: Upstream | null = null;

  // Listeners may be added before start(); keep them and attach when the client exists.
  const receiptCbs = new Set<Parameters<Upstream['onReceipt']>[0]>();
  const inboundCbs = new Set<Parameters<Upstream['onInbound']>[0]>();

  return {
    kind: 'simulator',
    splitsLongText: false,
    smsc,
    async start() {
      if (client) return;
      await smsc.start();
      client = createSmppClient({
        window: 50,
        responseTimeoutMs: 5_000,
        reconnectMinMs: 100,
        reconnectMaxMs: 2_000,
        ...config.client,
        host: '127.0.0.1',
        port: smsc.port,
        systemId,
        password,
        kind: 'simulator',
      });
      for (const cb of receiptCbs) client.onReceipt(cb);
      for (const cb of inboundCbs) client.onInbound(cb);
      await client.start();
    },
    async stop() {
      if (client) await client.stop();
      await smsc.stop();
    },
    submit: (part) => (client ? client.submit(part) : Promise.resolve({ ok: false, retryable: true, code: 'not_bound' })),
    onReceipt(cb) {
      receiptCbs.add(cb);
      const off = client?.onReceipt(cb);
      return () => {
        receiptCbs.delete(cb);
        off?.();
      };
    },
    onInbound(cb) {
      inboundCbs.add(cb);
      const off = client?.onInbound(cb);
      return () => {
        inboundCbs.delete(cb);
        off?.();
      };
    },
    stats: () => client?.stats() ?? { state: 'idle', inFlight: 0, queued: 0, submitted: 0, accepted: 0, failed: 0, throttled: 0, receipts: 0, inbound: 0, reconnects: 0 },
  };
}
