// Campaign recipients — who a campaign goes to and what each one reads. The send path (quote,
// accept, schedule, throttle) belongs to the message engine; this module only resolves:
//
//   resolveGroupRecipients(tx, accountId, { groupIds, tags?, filters? })
//     → AsyncIterable<Recipient[]> (batches of ≤ 10 000, unique by mobile, ordered by mobile).
//     filters: [{ field, op, value }] — name: eq|contains; text: eq|contains; number: eq|gt|lt;
//     date: eq|before|after (Jalali or Gregorian). tags: any of them. Contacts flagged "do not
//     send" are included: pass phonebook.blockedNumbers(...) to compliance as extraBlocked so
//     they show as 'blacklisted' and are not charged.
//   resolveFileRecipients(source, { filename, mapping, hasHeader })
//     → AsyncIterable<{ recipients: Recipient[]; rejected: RowError[] }> (mapping as for imports;
//     field:<key> takes any key, as text).
//   renderPerRecipient(template, recipient.fields) → the text for one recipient ({name}, {city}…).
//
// Recipient = { e164: '+989121234567', fields: { name, mobile: '0912…', ...custom fields } }.
import type { Db } from '../../db/driver.ts';
import { AppError } from '../../lib/app-error.ts';
import { parseMapping, walkRows, type Mapping, type RowError } from '../phonebook/mapping.ts';
import type { PhonebookService, Recipient, RecipientQuery } from '../phonebook/service.ts';
import { detectFormat, readTable } from '../phonebook/table.ts';
import { toLocalMobile } from '../../lib/phone.ts';

export type { Recipient, RecipientQuery };
export type FileRecipientBatch = { recipients: Recipient[]; rejected: RowError[] };

const PLACEHOLDER = /\{([A-Za-z_\u0600-\u06ff][A-Za-z0-9_\u0600-\u06ff]{0,31})\}/g;

/** Placeholder names of a peer-to-peer template, in order of first appearance. */
export function placeholdersIn(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]))];
}

/** Refuses a template that names a placeholder no recipient can fill. */
export function checkPerRecipientTemplate(template: string, available: readonly string[]): void {
  const unknown = placeholdersIn(template).filter((p) => !available.includes(p));
  if (unknown.length) throw new AppError('VALIDATION_FAILED', { fields: unknown.map((p) => ({ path: `text.{${p}}`, message: 'unknown placeholder' })) });
}

/** One recipient's text: each {key} replaced by its field (empty when the contact has none). */
export function renderPerRecipient(template: string, fields: Readonly<Record<string, string | number>>): string {
  return template.replace(PLACEHOLDER, (_whole, key: string) => {
    const v = fields[key];
    return v === undefined || v === null ? '' : String(v);
  });
}

export function createCampaignRecipients(deps: { phonebook: PhonebookService }) {
  function resolveGroupRecipients(tx: Db, accountId: string, q: RecipientQuery): AsyncIterable<Recipient[]> {
    return deps.phonebook.recipientBatches(tx, accountId, q);
  }

  async function* resolveFileRecipients(source: AsyncIterable<Uint8Array>, opts: { filename: string; mapping: Mapping; hasHeader: boolean }): AsyncGenerator<FileRecipientBatch> {
    const mapping = parseMapping(opts.mapping, [], { freeFields: true });
    const iterator = source[Symbol.asyncIterator]();
    const head = await iterator.next();
    if (head.done) throw new AppError('IMPORT_FILE_INVALID', { reason: 'empty' });
    const format = detectFormat(head.value, opts.filename);
    // The first chunk decided the format; replay it, then the rest of the stream.
    async function* all(): AsyncGenerator<Uint8Array> {
      yield head.value!;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
    }
    for await (const b of walkRows(readTable(all(), format, {}, deps.phonebook.uploadLimits), { mapping, hasHeader: opts.hasHeader, batchSize: 10_000, dropLaterDuplicates: true })) {
      // In a send, a number twice in the file is sent once: report duplicates, do not resend.
      const recipients = b.batch.map((c) => ({ e164: c.mobile, fields: { ...c.fields, name: c.name, mobile: toLocalMobile(c.mobile) } }));
      if (recipients.length || b.errors.length) yield { recipients, rejected: b.errors };
    }
  }

  return { resolveGroupRecipients, resolveFileRecipients, renderPerRecipient, placeholdersIn, checkPerRecipientTemplate };
}

export type CampaignRecipients = ReturnType<typeof createCampaignRecipients>;
