// Per-request context: which brand (Host), which language (Accept-Language), who is calling.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickLanguage, type Lang } from '../lib/i18n.ts';
import type { ResolvedBrand, BrandService } from '../modules/brands/service.ts';
import type { AuthService, Principal } from '../modules/auth/service.ts';
import { scopeOf, type Scope } from '../modules/accounts/scope.ts';
import { markImpersonation, runActing } from '../modules/audit/acting.ts';
import { classifyAddress } from '../lib/ip-ranges.ts';
import type { Account } from '../modules/accounts/types.ts';
import { AppError } from '../lib/app-error.ts';

declare module 'fastify' {
  interface FastifyRequest {
    brand: ResolvedBrand | null;
    lang: Lang;
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'chapar_session';
export const CSRF_HEADER = 'x-csrf-token';

/** Routes that answer on any host: probes and the TLS `ask` endpoint are not brand pages. */
const hostFree = ['/healthz', '/readyz', '/internal/tls/'];


/**
 * A request made on this machine straight to our port: the socket's peer is loopback and no proxy
 * header says it came from further away. The socket, not request.ip, since with CHAPAR_TRUST_PROXY
 * request.ip is what X-Forwarded-For claims; a reverse proxy on this machine adds that header
 * (Caddy does by default), which is what tells its visitors from Caddy's own `ask`.
 */
export function isDirectLocal(request: FastifyRequest): boolean {
  const h = request.headers;
  if (h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined) return false;
  const peer = request.raw.socket.remoteAddress;
  return peer !== undefined && classifyAddress(peer) === 'loopback';
}

export function registerContext(app: FastifyInstance, deps: { brands: BrandService; auth: AuthService }) {
  app.decorateRequest('brand', null);
  app.decorateRequest('lang', 'fa');
  app.decorateRequest('principal', null);

  // Callback style: the hooks and the handler after it run inside this context.
  app.addHook('onRequest', (_request, _reply, done) => runActing(done));
  app.addHook('onRequest', async (request) => {
    request.lang = pickLanguage(request.headers['accept-language']);
    const url = request.url;
    if (hostFree.some((p) => url === p || url.startsWith(p))) return;
    request.brand = await deps.brands.resolveHost(request.headers.host);
    if (!request.brand) throw new AppError('UNKNOWN_HOST');

    const auth = request.headers.authorization;
    const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : null;
    const cookie = request.cookies?.[SESSION_COOKIE];
    const token = bearer ?? cookie;
    if (!token) return;
    const principal = await deps.auth.authenticate(token, { ip: request.ip, brand: request.brand });
    if (!principal) return;
    // A cookie rides along on cross-site requests; a header from our own script proves intent.
    if (!bearer && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      if (request.headers[CSRF_HEADER] !== principal.csrfToken) throw new AppError('CSRF_FAILED');
    }
    if (principal.impersonatorId) markImpersonation(principal.account.id, principal.impersonatorId);
    request.principal = principal;
  });
}

export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED');
  return request.principal;
}

export function requireCaller(request: FastifyRequest): { account: Account; scope: Scope; principal: Principal } {
  const principal = requirePrincipal(request);
  return { account: principal.account, scope: scopeOf(principal.account), principal };
}

export function requireBrand(request: FastifyRequest): ResolvedBrand {
  if (!request.brand) throw new AppError('UNKNOWN_HOST');
  return request.brand;
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: expiresAt });
}
