import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrand, requireCaller } from '../../http/context.ts';
import { brandView } from '../../http/views.ts';
import { AppError } from '../../lib/app-error.ts';
import { brandView as brandSchema } from '../accounts/schema.ts';
import type { BrandingService } from './service.ts';

const tags = ['branding'];
const color = z.string().regex(/^#[0-9a-fA-F]{6}$/, '#rrggbb');
const text = (max: number) => z.string().trim().max(max).optional();
const settingsBody = z.object({
  primaryColor: color.optional(),
  secondaryColor: color.optional(),
  supportPhone: z.string().trim().regex(/^[0-9+\-\s()]{3,30}$/).optional(),
  supportEmail: z.string().email().max(200).optional(),
  website: z.string().url().max(300).optional(),
  addressFa: text(500),
  addressEn: text(500),
  signInTitleFa: text(200),
  signInTitleEn: text(200),
  signInTextFa: text(2000),
  signInTextEn: text(2000),
  footerFa: text(1000),
  footerEn: text(1000),
  smsSignatureFa: text(60),
  smsSignatureEn: text(60),
});
const body = z.object({ nameFa: z.string().trim().min(1).max(100).optional(), nameEn: z.string().trim().min(1).max(100).optional(), settings: settingsBody.optional() });
const kindParams = z.object({ kind: z.enum(['logo', 'favicon']) });

export function brandingRoutes(app: FastifyInstance, deps: { branding: BrandingService }) {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/branding', { schema: { tags, summary: 'Your own brand (agency, platform): names, colours, images, sign-in texts, contact details', response: { 200: brandSchema } } }, async (req) => {
    return brandView(await deps.branding.ownBrand(requireCaller(req).account), req.lang);
  });
  r.put('/api/v1/branding', { schema: { tags, summary: 'Change your brand; your hosts show it at once', body, response: { 200: brandSchema } } }, async (req) => {
    return brandView(await deps.branding.update(requireCaller(req).account, req.body, req.ip), req.lang);
  });
  r.put('/api/v1/branding/:kind', {
    schema: { tags, summary: 'Upload your logo (≤ 512 KB) or favicon (≤ 128 KB): PNG, JPEG, WebP or ICO, checked by the bytes', params: kindParams, body: z.object({ data: z.string().max(720_000).describe('base64') }), response: { 200: brandSchema } },
  }, async (req) => {
    return brandView(await deps.branding.uploadAsset(requireCaller(req).account, req.params.kind, Buffer.from(req.body.data, 'base64'), req.ip), req.lang);
  });
  r.delete('/api/v1/branding/:kind', { schema: { tags, summary: 'Remove your logo or favicon', params: kindParams, response: { 200: brandSchema } } }, async (req) => {
    return brandView(await deps.branding.removeAsset(requireCaller(req).account, req.params.kind), req.lang);
  });

  // Public, on the brand's own hosts: the sign-in page shows these before anyone signs in.
  r.get('/api/v1/brand/:kind', { schema: { tags: ['brand'], summary: 'This host’s brand logo or favicon (public)', params: kindParams } }, async (req, reply) => {
    const asset = await deps.branding.asset(requireBrand(req).id, req.params.kind);
    if (!asset) throw new AppError('NOT_FOUND');
    return reply.type(asset.contentType).header('x-content-type-options', 'nosniff').header('content-security-policy', "default-src 'none'").header('cache-control', 'public, max-age=300').header('etag', `"${asset.sha256.slice(0, 32)}"`).send(asset.data);
  });
}
