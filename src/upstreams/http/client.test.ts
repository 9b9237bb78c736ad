// The generic HTTP upstream against a fake provider on 127.0.0.1.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { collect } from '../testing.ts';
import type { DeliveryReceipt, OutboundPart } from '../upstream.ts';
import { createHttpUpstream, parseHttpReceipt, readPath } from './client.ts';
import type { HttpUpstreamConfig } from './client.ts';
import { startFakeProvider } from './fake-provider.ts';
import type { FakeProvider } from './fake-provider.ts';

let provider: FakeProvider;
afterEach(async () => {
  await provider?.close();
});

const part = (text = 'سلام & hello', to = '+989121234567'): OutboundPart => ({ from: '30001234', to, text, alphabet: 'ucs2', registeredDelivery: true });

const response: HttpUpstreamConfig['response'] = {
  idPath: 'entries[0].messageid',
  statusPath: 'return.status',
  accepted: [200],
  errors: { '411': 'invalid_destination' },
};

async function upstreamWith(config: Omit<HttpUpstreamConfig, 'url' | 'response'> & { path?: string }) {
  provider = await startFakeProvider();
  const up = createHttpUpstream({ url: `${provider.url}${config.path ?? '/send'}`, response, ...config });
  await up.start();
  return up;
}

describe('HTTP upstream', () => {
  it('fills a JSON body template and reads the id from the answer', async () => {
    const up = await upstreamWith({
      headers: { authorization: 'Bearer k1' },
      body: { format: 'json', template: { sender: '{from}', receptor: '{to}', message: '{text}', meta: { local: '{toNational}', tag: 'x-{to}' } } },
    });
    const result = await up.submit(part());
    expect(result).toEqual({ ok: true, upstreamId: '5000000' });
    const req = provider.requests[0];
    expect(req.method).toBe('POST');
    expect(req.headers.authorization).toBe('Bearer k1');
    expect(req.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(req.body)).toEqual({
      sender: '30001234',
      receptor: '+989121234567',
      message: 'سلام & hello',
      meta: { local: '09121234567', tag: 'x-+989121234567' },
    });
  });

  it('sends a form body in UTF-8', async () => {
    const up = await upstreamWith({ body: { format: 'form', template: { receptor: '{to}', message: '{text}' } } });
    expect((await up.submit(part('می\u200cخواهم'))).ok).toBe(true);
    expect(Object.fromEntries(new URLSearchParams(provider.requests[0].body))).toEqual({ receptor: '+989121234567', message: 'می\u200cخواهم' });
  });

  it('URL-encodes placeholders in a GET URL template', async () => {
    const up = await upstreamWith({ method: 'GET', path: '/send?receptor={to}&message={text}' });
    expect((await up.submit(part('a&b=c سلام'))).ok).toBe(true);
    const url = new URL(provider.requests[0].url, 'http://x');
    expect(url.searchParams.get('receptor')).toBe('+989121234567');
    expect(url.searchParams.get('message')).toBe('a&b=c سلام');
  });

  it('maps provider and HTTP errors to our codes', async () => {
    const up = await upstreamWith({ body: { format: 'form', template: { receptor: '{to}', message: '{text}' } } });
    expect(await up.submit(part('x', 'nope'))).toMatchObject({ ok: false, retryable: false, code: 'invalid_destination', vendorCode: '200/411' });
    provider.failNext(429, {});
    expect(await up.submit(part())).toMatchObject({ ok: false, retryable: true, code: 'throttled' });
    provider.failNext(502, {});
    expect(await up.submit(part())).toMatchObject({ ok: false, retryable: true, code: 'upstream_error' });
    provider.failNext(401, {});
    expect(await up.submit(part())).toMatchObject({ ok: false, retryable: false, code: 'auth_failed' });
    provider.failNext(200, { return: { status: 200 }, entries: [] });
    expect(await up.submit(part())).toMatchObject({ ok: false, retryable: false, code: 'rejected' });
    expect(up.stats()).toMatchObject({ submitted: 5, accepted: 0, failed: 5, throttled: 1 });
  });

  it('answers a provider that does not reply as a retryable timeout that may have been accepted', async () => {
    const up = await upstreamWith({ timeoutMs: 100, body: { format: 'json', template: { receptor: '{to}' } } });
    provider.hang(true);
    expect(await up.submit(part())).toEqual({ ok: false, retryable: true, code: 'timeout', maybeAccepted: true });
  });

  it('answers a refused connection as retryable and certainly not sent', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    provider = await startFakeProvider();
    const up = createHttpUpstream({ url: `http://127.0.0.1:${port}/send`, response });
    await up.start();
    expect(await up.submit(part())).toEqual({ ok: false, retryable: true, code: 'upstream_error' });
  });

  it('parses receipt callbacks in JSON or form and emits them', async () => {
    const mapping = { idPath: 'data.id', statusPath: 'data.state', errorCodePath: 'data.err', statusMap: { DELIVERED: 'delivered', FAILED: 'undelivered' } } as const;
    expect(parseHttpReceipt('{"data":{"id":77,"state":"FAILED","err":"E12"}}', mapping)).toEqual({ upstreamId: '77', status: 'undelivered', errorCode: 'E12' });
    expect(parseHttpReceipt({ data: { id: 'a', state: 'WEIRD' } }, mapping)).toEqual({ upstreamId: 'a', status: 'unknown' });
    expect(parseHttpReceipt({ data: {} }, mapping)).toBeNull();
    const flat = { idPath: 'messageid', statusPath: 'status', statusMap: { '10': 'delivered' } } as const;
    expect(parseHttpReceipt('messageid=9&status=10', flat)).toEqual({ upstreamId: '9', status: 'delivered' });
    const up = createHttpUpstream({ url: 'http://127.0.0.1:1/', response, receipt: flat });
    const got = collect<DeliveryReceipt>(up.onReceipt);
    up.acceptReceipt(new URLSearchParams({ messageid: '9', status: '10' }));
    expect(got).toEqual([{ upstreamId: '9', status: 'delivered' }]);
  });

  it('reads dot and bracket paths', () => {
    expect(readPath({ a: [{ b: 1 }] }, 'a[0].b')).toBe(1);
    expect(readPath({ a: [{ b: 1 }] }, 'a.0.b')).toBe(1);
    expect(readPath({ a: null }, 'a.b')).toBeUndefined();
  });
});
