// The SMPP connector in its own worker thread, against the simulator SMSC over real loopback
// sockets: parts go over and come back answered, receipts and inbound parts reach the main
// thread's listeners, and a receipt is acknowledged only once its listener has stored it.
import { afterEach, describe, expect, it } from 'vitest';
import { createSmsc } from '../simulator/smsc.ts';
import type { SmscSettings } from '../simulator/smsc.ts';
import { collect, waitFor } from '../testing.ts';
import { buildOutboundParts } from '../upstream.ts';
import type { DeliveryReceipt, InboundPart, SubmitResult } from '../upstream.ts';
import { createThreadedUpstream } from './upstream.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(smscSettings: SmscSettings = {}, client: Record<string, unknown> = {}) {
  const smsc = createSmsc({ receiptLatencyMs: { min: 1, max: 10 }, record: true, seed: 11, accounts: [{ systemId: 'chapar', password: 'secret' }], ...smscSettings });
  await smsc.start();
  cleanups.push(() => smsc.stop());
  const up = createThreadedUpstream('smpp', { host: '127.0.0.1', port: smsc.port, systemId: 'chapar', password: 'secret', reconnectMinMs: 20, reconnectMaxMs: 200, window: 20, ...client }, { splitsLongText: false });
  cleanups.push(() => up.stop());
  await up.start();
  return { smsc, up };
}

describe('SMPP connector in a worker thread', () => {
  it('binds, sends a Persian three-part message and a hundred short ones, and gets a receipt for every part', async () => {
    const { smsc, up } = await setup();
    const receipts = collect<DeliveryReceipt>(up.onReceipt);
    expect(up.stats().state).toBe('bound');
    const text = 'سلام، این یک پیام آزمایشی فارسی است که باید در سه بخش ارسال شود و هر بخش گزارش تحویل خودش را دارد. '.repeat(2);
    const long = buildOutboundParts({ from: '30001234', to: '+989121234567', text }, { ref: 77 });
    expect(long.length).toBe(3);
    const short = Array.from({ length: 100 }, (_, i) => buildOutboundParts({ from: '30001234', to: `+98912${String(1000000 + i)}`, text: `code ${i}` }, { ref: i })[0]);
    const results: SubmitResult[] = await Promise.all([...long, ...short].map((p) => up.submit(p)));
    expect(results.every((r) => r.ok)).toBe(true);
    const ids = results.map((r) => (r.ok ? r.upstreamId : ''));
    expect(new Set(ids).size).toBe(103);
    await waitFor(() => receipts.length >= 103, '103 receipts');
    expect(new Set(receipts.map((r) => r.upstreamId))).toEqual(new Set(ids));
    expect(receipts.every((r) => r.status === 'delivered')).toBe(true);
    // the SMSC got the Persian parts as UCS-2 with their concatenation header
    const got = smsc.received.filter((p) => p.to === '989121234567');
    expect(got.map((p) => p.dataCoding)).toEqual([8, 8, 8]);
    expect(got.map((p) => p.concat)).toEqual([1, 2, 3].map((seq) => ({ ref: 77, total: 3, seq })));
    await waitFor(() => up.stats().receipts === 103, 'stats from the worker');
    expect(up.stats()).toMatchObject({ state: 'bound', submitted: 103, accepted: 103, receipts: 103 });
  });

  it('acknowledges a receipt only once the listener has stored it: a failed store gets it sent again', async () => {
    const { up } = await setup();
    let failures = 0;
    const stored: DeliveryReceipt[] = [];
    up.onReceipt(async (r) => {
      if (failures === 0) {
        failures++;
        throw new Error('database is down');
      }
      stored.push(r);
    });
    const r = await up.submit(buildOutboundParts({ from: '30001234', to: '+989121234567', text: 'hello' }, { ref: 1 })[0]);
    expect(r.ok).toBe(true);
    await waitFor(() => stored.length === 1, 'the receipt sent again and stored', 10_000);
    expect(failures).toBe(1);
    expect(stored[0].upstreamId).toBe(r.ok ? r.upstreamId : '');
  });

  it('hands inbound parts to the main thread', async () => {
    const { smsc, up } = await setup();
    const inbound = collect<InboundPart>(up.onInbound);
    const sent = await smsc.injectInbound({ from: '+989121234567', to: '30001234', text: 'لغو ۱۱' });
    expect(sent.ok).toBe(true);
    await waitFor(() => inbound.length === 1, 'one inbound part');
    expect(inbound[0]).toMatchObject({ from: '+989121234567', to: '30001234', text: 'لغو ۱۱' });
  });

  it('answers parts still queued when it stops as stopped (retryable), and refuses new ones', async () => {
    const { up } = await setup({ throttlePerSecond: 1 }, { maxTps: 1, window: 1 });
    const parts = Array.from({ length: 5 }, (_, i) => buildOutboundParts({ from: '30001234', to: `+98912${String(2000000 + i)}`, text: 'x' }, { ref: i })[0]);
    const pending = parts.map((p) => up.submit(p));
    await new Promise((r) => setTimeout(r, 100));
    await up.stop();
    const results = await Promise.all(pending);
    expect(results.filter((r) => !r.ok).length).toBeGreaterThan(0);
    for (const r of results) if (!r.ok) expect(r).toMatchObject({ retryable: true, code: 'stopped' });
    expect(await up.submit(parts[0])).toMatchObject({ ok: false, retryable: true, code: 'stopped' });
    expect(up.stats().state).toBe('stopped');
  });
});
