// A fake HTTP SMS provider on 127.0.0.1 for tests: Kavenegar-like JSON answers, receipts posted
// back to a callback URL as a form. "The outside world", so faking it is allowed.
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeProvider = {
  url: string;
  requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }>;
  /** Answer the next requests with this HTTP status and body instead of accepting. */
  failNext(status: number, body: unknown, times?: number): void;
  /** Stop answering (timeouts). */
  hang(on: boolean): void;
  close(): Promise<void>;
};

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startFakeProvider(opts: { callbackUrl?: string } = {}): Promise<FakeProvider> {
  let nextId = 5_000_000;
  const failures: Array<{ status: number; body: unknown }> = [];
  let hanging = false;
  const requests: FakeProvider['requests'] = [];
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    if (hanging) return;
    const failure = failures.shift();
    if (failure) {
      res.writeHead(failure.status, { 'content-type': 'application/json' }).end(JSON.stringify(failure.body));
      return;
    }
    const params = req.headers['content-type']?.includes('json') ? (JSON.parse(body || '{}') as Record<string, string>) : Object.fromEntries(new URLSearchParams(body));
    const receptor = String(params.receptor ?? new URL(req.url ?? '', 'http://x').searchParams.get('receptor') ?? '');
    if (!/^\+?\d{6,15}$/.test(receptor)) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ return: { status: 411, message: 'receptor invalid' } }));
      return;
    }
    const id = nextId++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ return: { status: 200 }, entries: [{ messageid: id, status: 1 }] }));
    if (opts.callbackUrl) {
      setTimeout(() => {
        void fetch(opts.callbackUrl as string, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ messageid: String(id), status: '10' }).toString(),
        }).catch(() => {});
      }, 5);
    }
  });
  const url = await listen(server);
  return {
    url,
    requests,
    failNext(status, body, times = 1) {
      for (let i = 0; i < times; i++) failures.push({ status, body });
    },
    hang(on) {
      hanging = on;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A callback receiver on 127.0.0.1 that hands each body to `onBody`. */
export async function startCallbackServer(onBody: (body: string) => void): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    onBody(await readBody(req));
    res.writeHead(200).end('ok');
  });
  const url = await listen(server);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
