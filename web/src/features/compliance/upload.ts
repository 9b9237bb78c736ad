// Multipart uploads (operator blacklist, KYC documents): the API client speaks JSON only, so the
// same rules by hand: session cookie, CSRF token, Accept-Language, errors as ApiError.
import { ApiError, NETWORK_ERROR } from '../../api/client.ts';

export async function upload<T>(path: string, form: FormData, opts: { csrfToken: string | null; lang: string }): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': opts.lang };
  if (opts.csrfToken) headers['x-csrf-token'] = opts.csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, body: form, credentials: 'same-origin' });
  } catch (err) {
    throw new ApiError(0, NETWORK_ERROR, '', { cause: String(err) });
  }
  const data = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'INTERNAL', data?.error?.message ?? res.statusText, data?.error?.details);
  return data as T;
}
