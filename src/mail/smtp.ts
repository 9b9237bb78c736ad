// E-mail over SMTP with nodemailer. SMTP reply codes map to our result in one place: 4xx is a
// temporary refusal (try again later), 5xx a permanent one; socket trouble is retryable.
import nodemailer from 'nodemailer';
import type { Mailer, MailMessage, MailResult } from './mailer.ts';

type SmtpError = Error & { code?: string; responseCode?: number };

export function mapSmtpError(err: SmtpError): MailResult {
  const status = err.responseCode;
  if (typeof status === 'number') return { ok: false, retryable: status < 500, code: `smtp_${status}` };
  return { ok: false, retryable: true, code: (err.code ?? 'smtp_error').toLowerCase() };
}

/** "Brand name" <from@address>: quotes and angle brackets in a brand name cannot break the header. */
function fromHeader(from: string, name: string | null | undefined): string | { name: string; address: string } {
  if (!name) return from;
  const address = from.match(/<([^>]+)>/)?.[1] ?? from;
  return { name: name.replace(/["<>\r\n]/g, ''), address };
}

export function createSmtpMailer(o: { url: string; from: string }): Mailer {
  const transport = nodemailer.createTransport({ url: o.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 });
  return {
    kind: 'smtp',
    async send(m: MailMessage): Promise<MailResult> {
      try {
        const info = await transport.sendMail({ from: fromHeader(o.from, m.fromName), to: m.to, subject: m.subject, text: m.text, attachments: m.attachments });
        return { ok: true, messageId: info.messageId };
      } catch (err) {
        return mapSmtpError(err as SmtpError);
      }
    },
    close: async () => transport.close(),
  };
}
