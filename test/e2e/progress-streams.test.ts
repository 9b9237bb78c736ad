// Live progress over real HTTP (server-sent events): each account holds a bounded number of
// streams, and the streams of one batch hear one shared poll.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSender, PLATFORM_HOST, testChapar, type TestChapar } from '../helpers/app.ts';
import { until } from '../helpers/until.ts';

type Stream = { status: number; events: string[]; body: string; ended: Promise<void>; close(): void };

describe('live progress streams', () => {
  let t: TestChapar;
  let port: number;
  let user: Awaited<ReturnType<typeof openSender>>;
  let batchId: string;

  /** Opens a stream and waits for its first event (or its error body). */
  function open(lang = 'en'): Promise<Stream> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: `/api/v1/messages/${batchId}/events`, headers: { host: PLATFORM_HOST, authorization: `Bearer ${user.token}`, 'accept-language': lang } }, (res) => {
        const s: Stream = { status: res.statusCode ?? 0, events: [], body: '', ended: new Promise((r) => res.on('close', () => r())), close: () => req.destroy() };
        res.setEncoding('utf8');
        let answered = false;
        res.on('data', (chunk: string) => {
          s.body += chunk;
          s.events = [...s.body.matchAll(/^data: (.*)$/gm)].map((m) => m[1]);
          if (!answered && s.events.length) {
            answered = true;
            resolve(s);
          }
        });
        res.on('end', () => answered || resolve(s));
      });
      req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
    });
  }

  beforeAll(async () => {
    t = await testChapar({ env: { CHAPAR_STREAMS_PER_ACCOUNT: '3' }, engineOptions: { progressPollMs: 30 } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
    user = await openSender(t, 'watcher', '100000');
    const sendAt = new Date(t.clock.now().getTime() + 86_400_000).toISOString();
    const res = await t.api({ url: '/api/v1/messages', token: user.token, body: { to: ['09121234567'], text: 'hello', sendAt } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    batchId = res.body.batchId;
  });
  afterAll(() => t.close());

  it('refuses a stream past the account’s limit with a clear error, and takes one again once a stream closes', async () => {
    const streams = [await open(), await open(), await open()];
    expect(streams.map((s) => s.status)).toEqual([200, 200, 200]);
    const fourth = await open();
    expect(fourth.status).toBe(429);
    expect(JSON.parse(fourth.body).error).toMatchObject({ code: 'TOO_MANY_STREAMS', details: { limit: 3 } });
    expect(JSON.parse((await open('fa')).body).error.message).toMatch(/هم‌زمان/);
    streams[0].close();
    await streams[0].ended;
    const again = await until('a free slot', () => open(), (s) => {
      if (s.status !== 200) return false;
      streams[0] = s;
      return true;
    });
    expect(again.status).toBe(200);
    for (const s of streams) s.close();
    await Promise.all(streams.map((s) => s.ended));
    await until('streams gone', () => t.services.engine.progress.stats(), (st) => st.listeners === 0);
  });

  it('polls a watched batch once for all its streams, and ends them all when the send finishes', async () => {
    const streams = [await open(), await open(), await open()];
    const start = t.services.engine.progress.stats().polls;
    await until('polls', () => t.services.engine.progress.stats(), (st) => st.polls >= start + 3);
    expect(t.services.engine.progress.stats()).toMatchObject({ batches: 1, listeners: 3 });
    expect((await t.api({ url: `/api/v1/messages/${batchId}/cancel`, token: user.token, body: {} })).status).toBe(200);
    await Promise.all(streams.map((s) => s.ended));
    for (const s of streams) expect(JSON.parse(s.events[s.events.length - 1]).status).toBe('cancelled');
    expect(t.services.engine.progress.stats()).toMatchObject({ batches: 0, listeners: 0 });
  });
});
