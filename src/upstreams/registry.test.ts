// Issue 16 §3: an SMSC writes one message id differently in its submit answer and in its receipt.
// Connectors made by the registry report both in one canonical form, so they meet — tested
// against the simulator SMSC over a real loopback socket, receipts in text only (no TLV id).
import { afterEach, describe, expect, it } from 'vitest';
import { createSmsc, type SmscSettings } from './simulator/smsc.ts';
import { canonicalUpstreamId } from './ids.ts';
import { createUpstream } from './registry.ts';
import { collect, waitFor } from './testing.ts';
import type { DeliveryReceipt, OutboundPart, Upstream } from './upstream.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const part: OutboundPart = { from: '30001234', to: '+989121234567', text: 'hello', alphabet: 'gsm7', registeredDelivery: true };

async function connector(smsc: SmscSettings, client: Record<string, unknown> = {}): Promise<{ up: Upstream; receipts: DeliveryReceipt[]; received: () => string[] }> {
  const s = createSmsc({ receiptLatencyMs: { min: 1, max: 5 }, record: true, seed: 3, receiptTlvs: false, ...smsc });
  await s.start();
  cleanups.push(() => s.stop());
  const up = createUpstream('smpp', { host: '127.0.0.1', port: s.port, systemId: 'chapar', password: 'x', reconnectMinMs: 20, ...client } as never);
  cleanups.push(() => up.stop());
  const receipts = collect<DeliveryReceipt>(up.onReceipt);
  await up.start();
  return { up, receipts, received: () => s.received.map((r) => r.messageId) };
}

async function submitAndMatch(c: Awaited<ReturnType<typeof connector>>, n = 3) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const r = await c.up.submit(part);
    if (!r.ok) throw new Error(`submit failed: ${r.code}`);
    ids.push(r.upstreamId);
  }
  await waitFor(() => c.receipts.length >= n, `${n} receipts`);
  return { ids, receiptIds: c.receipts.map((r) => r.upstreamId) };
}

describe('message ids in the forms SMSCs write them', () => {
  it('meets a zero-padded submit answer with its unpadded receipt id', async () => {
    const c = await connector({ idFormat: 'decimal', idPadding: 10, firstId: 100_002 });
    const { ids, receiptIds } = await submitAndMatch(c);
    expect(c.received()[0]).toBe('0000100002');
    expect(ids).toEqual(['100002', '100003', '100004']);
    expect(receiptIds.sort()).toEqual(ids);
  });

  it('meets a lowercase hex submit answer with an uppercase hex receipt id', async () => {
    const c = await connector({ idFormat: 'hex', hexCase: 'lower', firstId: 0xabc0 });
    const { ids, receiptIds } = await submitAndMatch(c);
    expect(c.received()[0]).toBe('abc0');
    expect(receiptIds.sort()).toEqual(ids.sort());
  });

  it('meets a lowercase hex submit answer with a decimal receipt id when the connector says so', async () => {
    const c = await connector({ idFormat: 'hex', hexCase: 'lower', receiptTextId: 'decimal', firstId: 0xabc0 }, { receiptIdForm: { text: 'decimal', submit: 'hex' } });
    const { ids, receiptIds } = await submitAndMatch(c);
    expect(ids[0]).toBe('abc0');
    expect(receiptIds.sort()).toEqual(ids.sort());
  });

  it('has one canonical form: letters and digits lowercased without leading zeros', () => {
    expect(['0000100002', '100002', ' 100002 '].map(canonicalUpstreamId)).toEqual(['100002', '100002', '100002']);
    expect(['00AbC', 'abc', 'ABC'].map(canonicalUpstreamId)).toEqual(['abc', 'abc', 'abc']);
    expect(canonicalUpstreamId('0000')).toBe('0');
    expect(canonicalUpstreamId('7F3A-00B1')).toBe('7f3a-00b1');
  });
});
