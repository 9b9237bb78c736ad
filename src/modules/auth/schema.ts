import { z } from 'zod';
import { accountView } from '../accounts/schema.ts';

const username = z.string().trim().min(3).max(32);
const password = z.string().min(1).max(200);

/** The answer to a captcha the API asked for (CAPTCHA_REQUIRED gave its id and image). */
const captcha = z.object({ id: z.string().min(3).max(64), answer: z.string().trim().min(1).max(20) }).optional();

export const loginBody = z.object({ username, password, otp: z.string().trim().max(10).optional() });
export const signupStartBody = z.object({
  username,
  password,
  mobile: z.string().trim().min(5).max(30),
  email: z.string().email().max(200).optional().nullable(),
  displayName: z.string().trim().max(100).optional(),
  locale: z.enum(['fa', 'en']).optional(),
  captcha,
});
export const codeBody = z.object({ verificationId: z.string().min(3).max(64), code: z.string().trim().min(4).max(10) });
export const forgotBody = z.object({ username, captcha });
export const resetBody = codeBody.extend({ newPassword: password });
export const changePasswordBody = z.object({ currentPassword: password, newPassword: password });
export const totpCodeBody = z.object({ code: z.string().trim().min(6).max(8) });
export const totpDisableBody = z.object({ password, code: z.string().trim().min(6).max(8) });
export const apiKeyBody = z.object({ name: z.string().trim().min(1).max(100), allowedIps: z.array(z.string().trim().max(64)).max(50).optional() });

export const sessionView = z.object({ token: z.string(), csrfToken: z.string(), expiresAt: z.string(), account: accountView });

export const apiKeyView = z.object({
  id: z.string(),
  name: z.string(),
  keyPrefix: z.string(),
  allowedIps: z.array(z.string()),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
