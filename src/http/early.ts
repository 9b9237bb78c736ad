// The HTTP port from a process's first moments. main.ts listens with this before the rest of
// Chapar is even loaded (loading it, opening the database and building the app take seconds), so
// a restarted process answers at once: /healthz is alive, /readyz says "starting", and every other
// request gets a 503 NOT_READY with Retry-After in the caller's language. Once the app is built it
// takes the same server over (Fastify's serverFactory); nothing is closed or re-bound in between.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AppError } from '../lib/app-error.ts';
import { pickLanguage } from '../lib/i18n.ts';
import { errorBody } from './errors.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export type EarlyServer = {
  server: Server;
  /**
   * For Fastify's `serverFactory`: remembers the app's handler and gives it this server, with the
   * timeouts Fastify gives a server of its own (keep-alive 72 s, above a proxy's idle timeout).
   */
  factory(handler: Handler, opts: { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number }): Server;
  /** From now on the app answers (call after `app.ready()`). */
  handOver(): void;
  close(): Promise<void>;
};

function answer(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1', 'cache-control': 'no-store', connection: 'close' });
  res.end(JSON.stringify(body));
}

function whileStarting(req: IncomingMessage, res: ServerResponse) {
  const path = (req.url ?? '/').split('?')[0];
  // a body nobody will read is drained, so the client sees the answer and not a reset
  req.resume();
  if (path === '/healthz') return answer(res, 200, { status: 'ok' });
  if (path === '/readyz') return answer(res, 503, { status: 'starting', starting: 'app' });
  answer(res, 503, errorBody(new AppError('NOT_READY'), pickLanguage(req.headers['accept-language'])));
}

export function listenEarly(opts: { port: number; host: string }): Promise<EarlyServer> {
  let handler: Handler = whileStarting;
  let appHandler: Handler | null = null;
  const server = createServer((req, res) => handler(req, res));
  const early: EarlyServer = {
    server,
    factory(h, opts) {
      appHandler = h;
      if (opts.keepAliveTimeout) server.keepAliveTimeout = opts.keepAliveTimeout;
      if (opts.requestTimeout !== undefined) server.requestTimeout = opts.requestTimeout;
      if (opts.connectionTimeout !== undefined) server.setTimeout(opts.connectionTimeout);
      return server;
    },
    handOver() {
      if (!appHandler) throw new Error('the app was not built on the early server');
      handler = appHandler;
    },
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    }),
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve(early);
    });
  });
}
