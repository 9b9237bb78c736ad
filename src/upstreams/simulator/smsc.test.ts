// The simulator SMSC on its own: bind rules, receipts, settings, the standalone process.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { smpp } from '../smpp/lib.ts';
import type { Pdu } from '../smpp/lib.ts';
import { createSmppClient } from '../smpp/client.ts';
import { collect, waitFor } from '../testing.ts';
import type { DeliveryReceipt, OutboundPart } from '../upstream.ts';
import { createSmsc } from './smsc.ts';
import type { SmscSettings } from './smsc.ts';
import { createTimerWheel } from './wheel.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function smscWith(settings: SmscSettings) {
  const smsc = createSmsc({ accounts: [{ systemId: 'chapar', password: 'secret' }], ...settings });
  await smsc.start();
  cleanups.push(() => smsc.stop());
  return smsc;
}

async function clientFor(port: number) {
  const up = createSmppClient({ host: '127.0.0.1', port, systemId: 'chapar', password: 'secret', reconnectMinMs: 20 });
  cleanups.push(() => up.stop());
  const receipts = collect<DeliveryReceipt>(up.onReceipt);
  await up.start();
  return { up, receipts };
}

/** A raw session: the PDUs and statuses exactly as the SMSC answers them. */
async function rawSession(port: number) {
  const s = smpp.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await new Promise((r) => s.once('connect', r));
  cleanups.push(() => new Promise<void>((r) => s.destroy(() => r())));
  const call = (command: 'bind_transceiver' | 'submit_sm', options: Record<string, unknown>) =>
    new Promise<Pdu>((resolve) => s[command](options, resolve));
  return { call };
}

const part: OutboundPart = { from: '30001234', to: '+989121234567', text: 'hi', alphabet: 'gsm7', registeredDelivery: true };

describe('simulator SMSC', () => {
  it('refuses unknown system ids, wrong passwords and a second bind', async () => {
    const smsc = await smscWith({});
    const a = await rawSession(smsc.port);
    expect((await a.call('bind_transceiver', { system_id: 'nobody', password: 'secret' })).command_status).toBe(0x0f);
    expect((await a.call('bind_transceiver', { system_id: 'chapar', password: 'nope' })).command_status).toBe(0x0e);
    expect((await a.call('bind_transceiver', { system_id: 'chapar', password: 'secret' })).command_status).toBe(0);
    expect((await a.call('bind_transceiver', { system_id: 'chapar', password: 'secret' })).command_status).toBe(0x05);
  });

  it('refuses submit_sm before a bind', async () => {
    const smsc = await smscWith({});
    const a = await rawSession(smsc.port);
    const resp = await a.call('submit_sm', { destination_addr: '989121234567', short_message: Buffer.from('hi') });
    expect(resp.command_status).toBe(0x04);
  });

  it('splits outcomes by the delivery ratio, reproducibly for a seed', async () => {
    const run = async () => {
      const smsc = await smscWith({ deliveryRatio: 0.5, seed: 42, receiptLatencyMs: { min: 0, max: 5 } });
      const { up, receipts } = await clientFor(smsc.port);
      await Promise.all(Array.from({ length: 200 }, () => up.submit(part)));
      await waitFor(() => receipts.length === 200, '200 receipts');
      return receipts.filter((r) => r.status === 'delivered').length;
    };
    const delivered = await run();
    expect(delivered).toBeGreaterThan(50);
    expect(delivered).toBeLessThan(150);
    expect(await run()).toBe(delivered);
  });

  it('keeps receipts while no bind is up and sends them on the next bind', async () => {
    const smsc = await smscWith({ receiptLatencyMs: { min: 100, max: 100 } });
    const first = await clientFor(smsc.port);
    const results = await Promise.all([first.up.submit(part), first.up.submit(part)]);
    await first.up.stop();
    await waitFor(() => smsc.stats().bound === 0 && smsc.stats().receiptsPending === 2, 'receipts waiting for a bind');
    const second = await clientFor(smsc.port);
    await waitFor(() => second.receipts.length === 2, 'the held receipts');
    expect(second.receipts.map((r) => r.upstreamId).sort()).toEqual(results.map((r) => (r.ok ? r.upstreamId : '')).sort());
  });

  it('runs as its own process and prints the port it bound', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/upstreams/simulator/main.ts', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => /listening on 127\.0\.0\.1:\d+/.test(out), 'the port line', 15_000);
    const port = Number(/:(\d+)/.exec(out)?.[1]);
    const up = createSmppClient({ host: '127.0.0.1', port, systemId: 'any', password: 'any' });
    cleanups.push(() => up.stop());
    await up.start();
    expect((await up.submit(part)).ok).toBe(true);
  });
});

describe('timer wheel', () => {
  it('fires every item once, not before its delay, with one timer', async () => {
    const fired: Array<{ id: number; at: number; due: number }> = [];
    const wheel = createTimerWheel<{ id: number; due: number }>((item) => fired.push({ ...item, at: performance.now() }), 5);
    const start = performance.now();
    for (let i = 0; i < 1000; i++) wheel.schedule(i % 50, { id: i, due: start + (i % 50) });
    expect(wheel.size).toBe(1000);
    await waitFor(() => fired.length === 1000, 'all items');
    expect(new Set(fired.map((f) => f.id)).size).toBe(1000);
    for (const f of fired) expect(f.at).toBeGreaterThanOrEqual(f.due - 1);
    expect(wheel.size).toBe(0);
  });
});
