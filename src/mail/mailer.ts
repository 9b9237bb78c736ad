// One small interface for sending e-mail and a registry of adapters: SMTP through nodemailer when
// CHAPAR_SMTP_URL is set, otherwise the outbox (the notifications table keeps the message and the
// platform admin reads it at GET /api/v1/system/outbox?channel=email).
import { createSmtpMailer } from './smtp.ts';

export type MailAttachment = { filename: string; content: Buffer; contentType: string };
export type MailMessage = { to: string; subject: string; text: string; fromName?: string | null; attachments?: MailAttachment[] };
/** Expected failures are values; `retryable` says whether trying later may help. */
export type MailResult = { ok: true; messageId?: string } | { ok: false; retryable: boolean; code: string };
export type Mailer = { readonly kind: MailerKind; send(m: MailMessage): Promise<MailResult>; close(): Promise<void> };
export type MailerOptions = { url?: string; from: string };

/** Keeps the message where it already is: the notifications row. */
const outboxMailer: Mailer = { kind: 'outbox', send: async () => ({ ok: true }), close: async () => {} };

export const mailers = {
  smtp: (o: MailerOptions) => {
    if (!o.url) throw new Error('the smtp mailer needs CHAPAR_SMTP_URL');
    return createSmtpMailer({ url: o.url, from: o.from });
  },
  outbox: () => outboxMailer,
} satisfies Record<string, (o: MailerOptions) => Mailer>;

export type MailerKind = keyof typeof mailers;

export function mailerFor(config: { smtpUrl: string | undefined; mailFrom: string }): Mailer {
  return config.smtpUrl ? mailers.smtp({ url: config.smtpUrl, from: config.mailFrom }) : mailers.outbox();
}
