// One contract, every adapter: what the dispatcher may rely on whichever upstream a line uses.
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpUpstream } from './http/client.ts';
import type { HttpUpstream } from './http/client.ts';
import { startCallbackServer, startFakeProvider } from './http/fake-provider.ts';
import { createUpstream } from './registry.ts';
import { collect, waitFor } from './testing.ts';
import { buildOutboundParts } from './upstream.ts';
import type { DeliveryReceipt, OutboundPart, Upstream } from './upstream.ts';

type Harness = { name: string; create(): Promise<{ upstream: Upstream; close(): Promise<void> }> };

const harnesses: Harness[] = [
  {
    name: 'simulator (SMPP client ↔ simulator SMSC over loopback)',
    async create() {
      const upstream = createUpstream('simulator', { smsc: { receiptLatencyMs: { min: 1, max: 10 }, seed: 1 } });
      return { upstream, close: async () => {} };
    },
  },
  {
    name: 'http (generic HTTP client ↔ fake provider)',
    async create() {
      let upstream: HttpUpstream | null = null;
      const callback = await startCallbackServer((body) => upstream?.acceptReceipt(body));
      const provider = await startFakeProvider({ callbackUrl: callback.url });
      upstream = createHttpUpstream({
        url: `${provider.url}/v1/key/sms/send.json`,
        body: { format: 'form', template: { sender: '{from}', receptor: '{to}', message: '{text}' } },
        response: { idPath: 'entries.0.messageid', statusPath: 'return.status', accepted: [200], errors: { '411': 'invalid_destination' } },
        receipt: { idPath: 'messageid', statusPath: 'status', statusMap: { '10': 'delivered', '11': 'undelivered' } },
      });
      return {
        upstream,
        close: async () => {
          await provider.close();
          await callback.close();
        },
      };
    },
  },
];

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function started(h: Harness): Promise<Upstream> {
  const { upstream, close } = await h.create();
  cleanups.push(close);
  cleanups.push(() => upstream.stop());
  await upstream.start();
  return upstream;
}

function partsFor(up: Upstream, text: string, to = '+989121234567'): OutboundPart[] {
  const msg = { from: '30001234', to, text };
  // Upstreams that split themselves get the whole text once; SMPP gets one submit per part.
  if (up.splitsLongText) return [{ ...msg, alphabet: 'ucs2', registeredDelivery: true }];
  return buildOutboundParts(msg, { ref: 9 });
}

describe.each(harnesses)('upstream contract: $name', (h) => {
  it('accepts a message with an id and delivers a receipt carrying the same id', async () => {
    const up = await started(h);
    const receipts = collect<DeliveryReceipt>(up.onReceipt);
    const result = await up.submit(partsFor(up, 'سلام')[0]);
    expect(result.ok).toBe(true);
    const id = result.ok ? result.upstreamId : '';
    expect(id).not.toBe('');
    await waitFor(() => receipts.some((r) => r.upstreamId === id), 'the receipt');
    expect(receipts.find((r) => r.upstreamId === id)?.status).toBe('delivered');
  });

  it('gives every part of a long message its own id and receipt', async () => {
    const up = await started(h);
    const receipts = collect<DeliveryReceipt>(up.onReceipt);
    const parts = partsFor(up, 'پیام بلند '.repeat(20));
    const results = await Promise.all(parts.map((p) => up.submit(p)));
    const ids = results.flatMap((r) => (r.ok ? [r.upstreamId] : []));
    expect(ids).toHaveLength(parts.length);
    expect(new Set(ids).size).toBe(ids.length);
    await waitFor(() => ids.every((id) => receipts.some((r) => r.upstreamId === id)), 'all receipts');
  });

  it('returns an invalid destination as a non-retryable failure value, not a throw', async () => {
    const up = await started(h);
    expect(await up.submit(partsFor(up, 'hi', 'garbage')[0])).toMatchObject({ ok: false, retryable: false, code: 'invalid_destination' });
  });

  it('after stop(), answers submits as retryable "stopped"', async () => {
    const up = await started(h);
    await up.stop();
    expect(await up.submit(partsFor(up, 'hi')[0])).toMatchObject({ ok: false, retryable: true, code: 'stopped' });
    expect(up.stats().state).toBe('stopped');
  });

  it('lets a listener unsubscribe', async () => {
    const up = await started(h);
    const seen: DeliveryReceipt[] = [];
    const off = up.onReceipt((r) => {
      seen.push(r);
    });
    off();
    const all = collect<DeliveryReceipt>(up.onReceipt);
    const r = await up.submit(partsFor(up, 'x')[0]);
    await waitFor(() => all.length > 0, 'a receipt');
    expect(r.ok).toBe(true);
    expect(seen).toHaveLength(0);
  });
});
