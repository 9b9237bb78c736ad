// What request logs may say about a URL: a secret a caller put in the query string (a callback
// token, a key pasted into a link) is replaced before the line is written, whatever the route did.
import type { FastifyRequest } from 'fastify';

const secretParam = /([?&][^=&#]*(?:token|secret|password|passwd|api_?key|signature)[^=&#]*=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(secretParam, '$1[redacted]');
}

/** pino's `req` serializer for Fastify's request logs, with the URL redacted. */
export function requestForLog(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
