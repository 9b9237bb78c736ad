import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrand, requirePrincipal, setSessionCookie, SESSION_COOKIE } from '../../http/context.ts';
import { accountView } from '../../http/views.ts';
import type { AuthService } from './service.ts';
import * as s from './schema.ts';

const ok = z.object({ ok: z.literal(true) });

export function authRoutes(app: FastifyInstance, deps: { auth: AuthService; secureCookies: boolean }) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const meta = (req: { ip: string; headers: Record<string, unknown>; brand: unknown }) => ({
    ip: req.ip,
    userAgent: (req.headers['user-agent'] as string) ?? null,
    brand: requireBrand(req as never),
  });
  const session = (x: { token: string; csrfToken: string; expiresAt: Date; account: Parameters<typeof accountView>[0] }) => ({
    token: x.token,
    csrfToken: x.csrfToken,
    expiresAt: x.expiresAt.toISOString(),
    account: accountView(x.account),
  });

  r.post('/api/v1/auth/login', { config: { secretFields: ['token', 'csrfToken'] }, schema: { tags: ['auth'], summary: 'Sign in: a session token (and a cookie for the panel)', body: s.loginBody, response: { 200: s.sessionView } } }, async (req, reply) => {
    const result = await deps.auth.login(req.body, meta(req));
    setSessionCookie(reply, result.token, result.expiresAt, deps.secureCookies);
    return session(result);
  });

  r.post('/api/v1/auth/logout', { schema: { tags: ['auth'], summary: 'End this session', response: { 200: ok } } }, async (req, reply) => {
    await deps.auth.logout(requirePrincipal(req), req.ip);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true as const };
  });

  r.post('/api/v1/auth/signup', { schema: { tags: ['auth'], summary: 'Sign up, step 1: send a code to the mobile', body: s.signupStartBody, response: { 200: z.object({ verificationId: z.string(), expiresAt: z.string(), mobile: z.string() }) } } }, async (req) => {
    const r1 = await deps.auth.signupStart(req.body, meta(req));
    return { verificationId: r1.verificationId, expiresAt: r1.expiresAt.toISOString(), mobile: r1.mobile };
  });

  r.post('/api/v1/auth/signup/verify', { config: { secretFields: ['token', 'csrfToken'] }, schema: { tags: ['auth'], summary: 'Sign up, step 2: the code creates the account and signs in', body: s.codeBody, response: { 200: s.sessionView } } }, async (req, reply) => {
    const result = await deps.auth.signupComplete(req.body, meta(req));
    setSessionCookie(reply, result.token, result.expiresAt, deps.secureCookies);
    return session(result);
  });

  r.post('/api/v1/auth/password/forgot', { schema: { tags: ['auth'], summary: 'Send a reset code to the account’s mobile', body: s.forgotBody, response: { 200: z.object({ verificationId: z.string(), expiresAt: z.string() }) } } }, async (req) => {
    const r1 = await deps.auth.forgotPasswordStart(req.body, meta(req));
    return { verificationId: r1.verificationId, expiresAt: r1.expiresAt.toISOString() };
  });

  r.post('/api/v1/auth/password/reset', { schema: { tags: ['auth'], summary: 'Set a new password with the code', body: s.resetBody, response: { 200: ok } } }, async (req) => {
    await deps.auth.resetPassword(req.body, meta(req));
    return { ok: true as const };
  });

  r.post('/api/v1/auth/password', { schema: { tags: ['auth'], summary: 'Change password (ends other sessions)', body: s.changePasswordBody, response: { 200: ok } } }, async (req) => {
    await deps.auth.changePassword(requirePrincipal(req), req.body, meta(req));
    return { ok: true as const };
  });

  r.post('/api/v1/auth/2fa/setup', { config: { secretFields: ['secret', 'otpauthUrl', 'qrDataUrl'] }, schema: { tags: ['auth'], summary: 'Two-factor, step 1: a new TOTP secret', response: { 200: z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() }) } } }, async (req) => {
    return deps.auth.twoFactorSetup(requirePrincipal(req), requireBrand(req));
  });

  r.post('/api/v1/auth/2fa/enable', { schema: { tags: ['auth'], summary: 'Two-factor, step 2: confirm with a code', body: s.totpCodeBody, response: { 200: ok } } }, async (req) => {
    await deps.auth.twoFactorEnable(requirePrincipal(req), req.body.code, req.ip);
    return { ok: true as const };
  });

  r.post('/api/v1/auth/2fa/disable', { schema: { tags: ['auth'], summary: 'Turn two-factor off (password and a code)', body: s.totpDisableBody, response: { 200: ok } } }, async (req) => {
    await deps.auth.twoFactorDisable(requirePrincipal(req), req.body, meta(req));
    return { ok: true as const };
  });

  r.post('/api/v1/api-keys', { config: { secretFields: ['key'] }, schema: { tags: ['api-keys'], summary: 'Create an API key (shown once)', body: s.apiKeyBody, response: { 201: z.object({ id: z.string(), key: z.string(), name: z.string(), allowedIps: z.array(z.string()) }) } } }, async (req, reply) => {
    const key = await deps.auth.createApiKey(requirePrincipal(req), req.body, req.ip);
    return reply.code(201).send(key);
  });

  r.get('/api/v1/api-keys', { schema: { tags: ['api-keys'], summary: 'Your API keys (never the secret)', response: { 200: z.object({ items: z.array(s.apiKeyView) }) } } }, async (req) => {
    const keys = await deps.auth.listApiKeys(requirePrincipal(req));
    return {
      items: keys.map((k) => ({ id: k.id, name: k.name, keyPrefix: k.keyPrefix, allowedIps: k.allowedIps, createdAt: k.createdAt.toISOString(), lastUsedAt: k.lastUsedAt?.toISOString() ?? null, revokedAt: k.revokedAt?.toISOString() ?? null })),
    };
  });

  r.delete('/api/v1/api-keys/:id', { schema: { tags: ['api-keys'], summary: 'Revoke an API key', params: z.object({ id: z.string() }), response: { 200: ok } } }, async (req) => {
    await deps.auth.revokeApiKey(requirePrincipal(req), req.params.id, req.ip);
    return { ok: true as const };
  });
}
