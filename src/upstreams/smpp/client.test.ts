// The SMPP client against the simulator SMSC over real loopback sockets.
import { afterEach, describe, expect, it } from 'vitest';
import { splitText } from '../../lib/sms-parts.ts';
import { encodeUcs2 } from '../../lib/sms-encoding.ts';
import { createSmsc } from '../simulator/smsc.ts';
import type { SmscSettings } from '../simulator/smsc.ts';
import { collect, waitFor } from '../testing.ts';
import { buildOutboundParts } from '../upstream.ts';
import type { DeliveryReceipt, InboundPart, OutboundPart, SubmitResult } from '../upstream.ts';
import { createSmppClient } from './client.ts';
import type { SmppClientConfig } from './client.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(smscSettings: SmscSettings = {}, client: Partial<SmppClientConfig> = {}) {
  const smsc = createSmsc({ receiptLatencyMs: { min: 1, max: 10 }, record: true, seed: 7, accounts: [{ systemId: 'chapar', password: 'secret' }], ...smscSettings });
  await smsc.start();
  cleanups.push(() => smsc.stop());
  const up = createSmppClient({
    host: '127.0.0.1',
    port: smsc.port,
    systemId: 'chapar',
    password: 'secret',
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    throttlePauseMs: 50,
    responseTimeoutMs: 5_000,
    ...client,
  });
  cleanups.push(() => up.stop());
  const receipts = collect<DeliveryReceipt>(up.onReceipt);
  await up.start();
  return { smsc, up, receipts };
}

const part = (text = 'hello', to = '+989121234567'): OutboundPart => ({ from: '30001234', to, text, alphabet: 'gsm7', registeredDelivery: true });

function okIds(results: SubmitResult[]): string[] {
  return results.flatMap((r) => (r.ok ? [r.upstreamId] : []));
}

async function receiptsFor(receipts: DeliveryReceipt[], ids: string[]): Promise<void> {
  const want = new Set(ids);
  await waitFor(() => receipts.filter((r) => want.has(r.upstreamId)).length >= want.size, `${want.size} receipts`);
}

describe('SMPP client', () => {
  it('binds as a transceiver with its credentials', async () => {
    const { up, smsc } = await setup();
    expect(up.stats().state).toBe('bound');
    expect(smsc.stats().bound).toBe(1);
  });

  it('keeps retrying a refused bind and answers submits as retryable not_bound', async () => {
    const { up } = await setup({}, { password: 'wrong', submitTimeoutMs: 200 });
    expect(up.stats().state).not.toBe('bound');
    expect(up.stats().lastError).toMatch(/bind refused: 0xe/);
    expect(await up.submit(part())).toEqual({ ok: false, retryable: true, code: 'not_bound' });
  });

  it('never has more submit_sm outstanding than its window', async () => {
    const { up, smsc, receipts } = await setup({}, { window: 5 });
    smsc.holdResponses(true);
    let done = 0;
    const pending = Array.from({ length: 40 }, () => up.submit(part()).finally(() => done++));
    while (done < 40) {
      await waitFor(() => smsc.stats().held === Math.min(5, 40 - done), 'a full window at the SMSC');
      expect(up.stats().inFlight).toBeLessThanOrEqual(5);
      const expected = done + smsc.stats().held;
      smsc.releaseHeld();
      await waitFor(() => done === expected, 'answers');
    }
    const results = await Promise.all(pending);
    expect(results.every((r) => r.ok)).toBe(true);
    expect(smsc.stats().maxOutstanding).toBe(5);
    await receiptsFor(receipts, okIds(results));
  });

  it('slows down when the SMSC throttles and still delivers everything', async () => {
    const { up, smsc, receipts } = await setup({ throttlePerSecond: 20 }, { window: 10 });
    const results = await Promise.all(Array.from({ length: 50 }, () => up.submit(part())));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(smsc.stats().throttled).toBeGreaterThan(0);
    expect(up.stats().throttled).toBe(smsc.stats().throttled);
    await receiptsFor(receipts, okIds(results));
  });

  it('returns throttled parts as retryable when they cannot be sent in time', async () => {
    const { up } = await setup({ throttlePerSecond: 1 }, { window: 5, submitTimeoutMs: 300 });
    const results = await Promise.all(Array.from({ length: 6 }, () => up.submit(part())));
    const throttled = results.filter((r) => !r.ok && r.code === 'throttled' && r.retryable);
    // One per second passes; at most one second boundary falls inside 300 ms.
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(2);
    expect(throttled.length + results.filter((r) => r.ok).length).toBe(6);
  });

  it('reconnects after a drop: in-flight parts come back retryable, queued ones go after the rebind', async () => {
    const { up, smsc, receipts } = await setup({}, { window: 5 });
    smsc.holdResponses(true);
    const pending = Array.from({ length: 20 }, () => up.submit(part()));
    await waitFor(() => smsc.stats().held === 5, 'a full window');
    smsc.dropConnections();
    smsc.holdResponses(false);
    const results = await Promise.all(pending);
    const lost = results.filter((r) => !r.ok);
    expect(lost).toHaveLength(5);
    for (const r of lost) expect(r).toMatchObject({ ok: false, retryable: true, code: 'bind_lost', maybeAccepted: true });
    expect(okIds(results)).toHaveLength(15);
    expect(up.stats().reconnects).toBeGreaterThanOrEqual(1);
    expect(up.stats().state).toBe('bound');
    await receiptsFor(receipts, okIds(results));
  });

  it('loses nothing silently when the SMSC keeps dropping the link', async () => {
    const { up, smsc, receipts } = await setup({ dropAfterPdus: 25 }, { window: 8 });
    let todo = Array.from({ length: 120 }, (_, i) => part(`message ${i}`));
    const accepted: string[] = [];
    let maybeAccepted = 0;
    for (let round = 0; todo.length > 0 && round < 30; round++) {
      const results = await Promise.all(todo.map((p) => up.submit(p)));
      for (const r of results) if (!r.ok) expect(r.retryable).toBe(true);
      maybeAccepted += results.filter((r) => !r.ok && r.maybeAccepted).length;
      accepted.push(...okIds(results));
      todo = todo.filter((_, i) => !results[i].ok);
    }
    expect(todo).toHaveLength(0);
    expect(accepted).toHaveLength(120);
    expect(smsc.stats().dropped).toBeGreaterThanOrEqual(3);
    // Every part the SMSC took was either acknowledged or reported as possibly taken.
    expect(smsc.stats().submitted - accepted.length).toBeLessThanOrEqual(maybeAccepted);
    await receiptsFor(receipts, accepted);
  });

  it('sends a long Persian text as UCS-2 parts with a concatenation UDH and gets a receipt per part', async () => {
    const { up, smsc, receipts } = await setup();
    const text = `سلام، ${'این یک پیام\u200cآزمایشی طولانی است. '.repeat(5)}`;
    const parts = buildOutboundParts({ from: '30001234', to: '+989121234567', text }, { ref: 0x42 });
    expect(parts).toHaveLength(3);
    const results = await Promise.all(parts.map((p) => up.submit(p)));
    const ids = okIds(results);
    expect(ids).toHaveLength(3);
    const seen = smsc.received;
    expect(seen.map((r) => r.concat)).toEqual([1, 2, 3].map((seq) => ({ ref: 0x42, total: 3, seq })));
    for (const [i, r] of seen.entries()) {
      expect(r).toMatchObject({ dataCoding: 8, esmClass: 0x40, registeredDelivery: 1, to: '989121234567', messageId: ids[i] });
      expect(r.payload.equals(encodeUcs2(splitText(text)[i]))).toBe(true);
    }
    expect([...seen[0].payload.subarray(0, 8)]).toEqual([0x06, 0x33, 0x06, 0x44, 0x06, 0x27, 0x06, 0x45]);
    await receiptsFor(receipts, ids);
    expect(receipts.filter((r) => ids.includes(r.upstreamId)).map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('uses the 16-bit reference IE on lines configured for it', async () => {
    const { up, smsc } = await setup({}, { ref16: true });
    const parts = buildOutboundParts({ from: '30001234', to: '09121234567', text: 'ب'.repeat(100) }, { ref: 0x1234, ref16: true });
    const results = await Promise.all(parts.map((p) => up.submit(p)));
    expect(okIds(results)).toHaveLength(2);
    expect(smsc.received.map((r) => r.concat)).toEqual([{ ref: 0x1234, total: 2, seq: 1 }, { ref: 0x1234, total: 2, seq: 2 }]);
    expect(smsc.received[0].payload).toHaveLength(66 * 2);
  });

  it('sends GSM text as unpacked septets with data_coding 0, escapes included', async () => {
    const { up, smsc } = await setup();
    expect((await up.submit(part('Total: 5€ {ok}'))).ok).toBe(true);
    const r = smsc.received[0];
    expect(r.dataCoding).toBe(0);
    expect(r.text).toBe('Total: 5€ {ok}');
    expect([...r.payload.subarray(7, 11)]).toEqual([0x35, 0x1b, 0x65, 0x20]);
  });

  it('answers an invalid destination as a non-retryable failure', async () => {
    const { up } = await setup();
    expect(await up.submit(part('hi', 'not-a-number'))).toMatchObject({ ok: false, retryable: false, code: 'invalid_destination' });
  });

  it('reports undelivered parts from the receipts', async () => {
    const { up, receipts } = await setup({ deliveryRatio: 0 });
    const ids = okIds([await up.submit(part())]);
    await receiptsFor(receipts, ids);
    expect(receipts[0]).toMatchObject({ upstreamId: ids[0], status: 'undelivered', errorCode: '001' });
  });

  it('matches text-only receipts whose id is decimal while submit_sm_resp ids are hex', async () => {
    const { up, receipts } = await setup(
      { idFormat: 'hex', receiptTextId: 'decimal', receiptTlvs: false },
      { receiptIdForm: { text: 'decimal', submit: 'hex' } },
    );
    const ids = okIds(await Promise.all([up.submit(part()), up.submit(part())]));
    expect(ids[0]).toMatch(/^[0-9A-F]+$/);
    await receiptsFor(receipts, ids);
  });

  it('receives a long inbound message as parts carrying their UDH', async () => {
    const { up, smsc } = await setup();
    const inbound = collect<InboundPart>(up.onInbound);
    const text = `پاسخ مشتری: ${'ممنون از پیگیری شما. '.repeat(8)}`;
    const sent = await smsc.injectInbound({ from: '+989121234567', to: '30001234', text });
    expect(sent).toEqual({ ok: true, parts: 3 });
    await waitFor(() => inbound.length === 3, 'three inbound parts');
    const ref = inbound[0].concat?.ref;
    expect(inbound.map((m) => m.concat)).toEqual([1, 2, 3].map((seq) => ({ ref, total: 3, seq })));
    expect(inbound.map((m) => m.text).join('')).toBe(text);
    expect(inbound[0]).toMatchObject({ from: '+989121234567', to: '30001234' });
  });

  it('hands back as stopped a part the SMSC throttles after stop() began', async () => {
    const { up, smsc } = await setup({ throttlePerSecond: 1 }, { window: 2 });
    // both go on the wire at once; the second is answered ESME_RTHROTTLED while stop() waits
    const pending = [up.submit(part()), up.submit(part())];
    await up.stop();
    const results = await Promise.all(pending);
    expect(smsc.stats().throttled).toBe(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([expect.objectContaining({ ok: false, retryable: true, code: 'stopped' })]);
  });

  it('stops politely: queued parts come back as stopped, nothing hangs', async () => {
    const { up, smsc } = await setup({ throttlePerSecond: 1 }, { window: 1 });
    const pending = Array.from({ length: 5 }, () => up.submit(part()));
    await waitFor(() => smsc.stats().submitted >= 1, 'the first part');
    await up.stop();
    const results: SubmitResult[] = await Promise.all(pending);
    expect(results.filter((r) => r.ok).length + results.filter((r) => !r.ok && r.retryable).length).toBe(5);
    expect(up.stats().state).toBe('stopped');
    expect(await up.submit(part())).toMatchObject({ ok: false, code: 'stopped' });
  });
});

