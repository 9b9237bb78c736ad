import { describe, expect, it } from 'vitest';
import { mailerFor } from './mailer.ts';
import { mapSmtpError } from './smtp.ts';

describe('mail adapters', () => {
  it('map SMTP replies: 4xx is worth a retry, 5xx is not, a dropped socket is', () => {
    expect(mapSmtpError(Object.assign(new Error('busy'), { responseCode: 451 }))).toEqual({ ok: false, retryable: true, code: 'smtp_451' });
    expect(mapSmtpError(Object.assign(new Error('no such user'), { responseCode: 550 }))).toEqual({ ok: false, retryable: false, code: 'smtp_550' });
    expect(mapSmtpError(Object.assign(new Error('refused'), { code: 'ECONNECTION' }))).toEqual({ ok: false, retryable: true, code: 'econnection' });
  });

  it('use SMTP only when a server is configured, the outbox otherwise', () => {
    expect(mailerFor({ smtpUrl: undefined, mailFrom: 'a@b.c' }).kind).toBe('outbox');
    expect(mailerFor({ smtpUrl: 'smtp://127.0.0.1:2525', mailFrom: 'a@b.c' }).kind).toBe('smtp');
  });
});
