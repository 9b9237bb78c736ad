// Real servers on loopback. 127.0.0.2 plays the outside world (the policy allows exactly that
// address), 127.0.0.1 plays the inside a tenant must not reach.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDns } from '../../test/helpers/dns.ts';
import { createOutbound, DEFAULT_DENIED_PORTS } from './outbound.ts';

type Hit = { method: string; url: string; body: string; host: string };
async function serve(host: string, answer: (hit: Hit, port: number) => { status: number; headers?: Record<string, string>; body?: string }) {
  const hits: Hit[] = [];
  let port = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const hit = { method: req.method ?? '', url: req.url ?? '', body, host: req.headers.host ?? '' };
      hits.push(hit);
      const a = answer(hit, port);
      res.writeHead(a.status, a.headers).end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  port = (server.address() as AddressInfo).port;
  return { port, hits, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('outbound requests', () => {
  let outside: Awaited<ReturnType<typeof serve>>;
  let inside: Awaited<ReturnType<typeof serve>>;
  let dns: Awaited<ReturnType<typeof startDns>>;
  let outbound: ReturnType<typeof createOutbound>;

  beforeAll(async () => {
    inside = await serve('127.0.0.1', () => ({ status: 200, body: 'secret' }));
    outside = await serve('127.0.0.2', (hit, port) => {
      if (hit.url === '/to-inside') return { status: 307, headers: { location: `http://127.0.0.1:${inside.port}/` } };
      if (hit.url === '/to-inside-by-name') return { status: 302, headers: { location: `http://inside.example:${inside.port}/` } };
      if (hit.url === '/hop') return { status: 302, headers: { location: `http://127.0.0.2:${port}/ok` } };
      if (hit.url === '/loop') return { status: 301, headers: { location: '/loop' } };
      if (hit.url === '/big') return { status: 200, body: 'x'.repeat(5000) };
      return { status: 200, body: `hello ${hit.method}` };
    });
    dns = await startDns(new Map([
      ['outside.example', { A: ['127.0.0.2'] }],
      ['inside.example', { A: ['127.0.0.1'] }],
      ['mixed.example', { A: ['127.0.0.2', '127.0.0.1'] }],
    ]));
    outbound = createOutbound({ allowPrivate: ['127.0.0.2'], deniedPorts: DEFAULT_DENIED_PORTS, dnsServers: [dns.server] });
  });
  afterAll(async () => {
    await Promise.all([outside.close(), inside.close(), dns.close()]);
  });

  it('posts to an allowed address and reads the answer', async () => {
    const res = await outbound.request(`http://127.0.0.2:${outside.port}/ok`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res).toMatchObject({ ok: true, status: 200 });
    expect(res.ok && res.body.toString()).toBe('hello POST');
    expect(outside.hits.at(-1)).toMatchObject({ method: 'POST', body: '{"a":1}' });
  });

  it('connects to the address it checked under the name it was given (the system resolver does not know the name)', async () => {
    const res = await outbound.request(`http://outside.example:${outside.port}/ok`);
    expect(res).toMatchObject({ ok: true, status: 200 });
    expect(outside.hits.at(-1)!.host).toBe(`outside.example:${outside.port}`);
  });

  it('refuses a name when any of its addresses is inside, and a name that does not resolve', async () => {
    expect(await outbound.check(`http://mixed.example:${outside.port}/`)).toEqual({ ok: false, reason: 'address' });
    expect(await outbound.check(`http://inside.example:${inside.port}/`)).toEqual({ ok: false, reason: 'address' });
    expect(await outbound.check('http://nowhere.example/')).toEqual({ ok: false, reason: 'unresolved' });
    expect(await outbound.check(`http://localhost:${inside.port}/`)).toEqual({ ok: false, reason: 'address' });
    expect(inside.hits).toEqual([]);
  });

  it('does not follow a redirect from an allowed address to loopback: the inside sees nothing', async () => {
    for (const path of ['/to-inside', '/to-inside-by-name']) {
      const res = await outbound.request(`http://127.0.0.2:${outside.port}${path}`, { method: 'POST', body: 'x', maxRedirects: 3 });
      expect(res).toEqual({ ok: false, failure: 'destination_not_allowed', refusal: 'address' });
    }
    expect(inside.hits).toEqual([]);
  });

  it('follows redirects between allowed addresses, a 302 as a GET, up to the bound', async () => {
    const res = await outbound.request(`http://127.0.0.2:${outside.port}/hop`, { method: 'POST', body: 'x', maxRedirects: 3 });
    expect(res.ok && res.body.toString()).toBe('hello GET');
    expect(await outbound.request(`http://127.0.0.2:${outside.port}/loop`, { maxRedirects: 3 })).toEqual({ ok: false, failure: 'too_many_redirects' });
    expect(await outbound.request(`http://127.0.0.2:${outside.port}/hop`)).toMatchObject({ ok: true, status: 302 });
  });

  it('caps the size of an answer', async () => {
    expect(await outbound.request(`http://127.0.0.2:${outside.port}/big`, { maxBytes: 1000 })).toEqual({ ok: false, failure: 'too_large' });
    expect(await outbound.request(`http://127.0.0.2:${outside.port}/big`, { maxBytes: 10_000 })).toMatchObject({ ok: true, status: 200 });
  });

  it('refuses other schemes and denied ports before connecting, and reports a closed port as a plain failure', async () => {
    expect(await outbound.check('ftp://127.0.0.2/')).toEqual({ ok: false, reason: 'scheme' });
    expect(await outbound.check('file:///etc/passwd')).toEqual({ ok: false, reason: 'scheme' });
    expect(await outbound.check('http://127.0.0.2:6379/')).toEqual({ ok: false, reason: 'port' });
    expect(await outbound.check('https://127.0.0.2:22/')).toEqual({ ok: false, reason: 'port' });
    expect(await outbound.request('http://127.0.0.2:1/')).toEqual({ ok: false, failure: 'connection_failed' });
  });

  it('gives up on an answer that never comes, as a plain connection failure', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.2', r));
    const res = await outbound.request(`http://127.0.0.2:${(silent.address() as AddressInfo).port}/`, { timeoutMs: 200 });
    silent.closeAllConnections();
    silent.close();
    expect(res).toEqual({ ok: false, failure: 'connection_failed' });
  });

  it('with private targets allowed still refuses unspecified, multicast and broadcast addresses', async () => {
    const open = createOutbound({ allowPrivate: true, deniedPorts: [] });
    expect(await open.check(`http://127.0.0.1:${inside.port}/`)).toMatchObject({ ok: true, address: '127.0.0.1' });
    for (const url of [`http://0.0.0.0:${inside.port}/`, 'http://[::]/', 'http://224.0.0.1/', 'http://255.255.255.255/', 'http://[ff02::1]/']) {
      expect(await open.check(url)).toEqual({ ok: false, reason: 'address' });
    }
    const closed = createOutbound({ allowPrivate: false, deniedPorts: [] });
    expect(await closed.request(`http://127.0.0.1:${inside.port}/`)).toEqual({ ok: false, failure: 'destination_not_allowed', refusal: 'address' });
    expect(inside.hits).toEqual([]);
  });
});
