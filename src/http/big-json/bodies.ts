// The routes whose JSON bodies may be far larger than the default limit, with the schema each is
// validated by. Such a body is parsed and validated on a worker thread (parser.ts): a
// million-recipient send is 13 MB of JSON, ~0.15 s to parse and ~0.1 s to validate, time no
// request may take from the event loop. app.ts refuses to start when a route raises its body limit
// without being listed here, so a new bulk route cannot forget.
import type { ZodType } from 'zod';
import * as agencies from '../../modules/agencies/schema.ts';
import * as billing from '../../modules/billing/schema.ts';
import * as topups from '../../modules/billing/topup-schema.ts';
import * as compliance from '../../modules/compliance/schema.ts';
import * as messages from '../../modules/messages/schema.ts';

export const bigBodies: Readonly<Record<string, ZodType>> = {
  'POST /api/v1/messages': messages.sendBody,
  'POST /api/v1/messages/quote': messages.quoteBody,
  'POST /api/v1/compliance/blacklist': compliance.blacklistBody,
  'POST /api/v1/billing/preview': billing.previewBody,
  'POST /api/v1/billing/deposits': topups.depositBody,
  'POST /api/v1/agency-applications/:id/documents': agencies.documentBody,
};
