// What client.ts does not have yet: PUT, multipart posts (ticket attachments) and errors the panel
// raises itself before asking the server (shown like the server's own).
import { ApiError, request } from '../../api/client.ts';

export const put = <T>(path: string, body: unknown) => request<T>('PUT', path, body);

/** A form problem found before calling the server, shown by ErrorAlert like a server error. */
export const clientError = (message: string) => new ApiError(400, 'CLIENT_VALIDATION', message);

/** multipart/form-data with the session cookie and CSRF token; errors as ApiError. */
export async function postForm<T>(path: string, form: FormData, csrfToken: string | null, lang: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': lang };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: form });
  } catch (err) {
    throw new ApiError(0, 'NETWORK', '', { cause: String(err) });
  }
  const data = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null;
  if (!res.ok) throw new ApiError(res.status, data?.error?.code ?? 'INTERNAL', data?.error?.message ?? res.statusText, data?.error?.details);
  return data as T;
}

/** A file as base64 (no data: prefix), for JSON bodies such as a deposit receipt. */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error ?? new Error('read failed'));
    r.readAsDataURL(file);
  });
}
