// Periodic work of the agency programme on pg-boss: the daily renewal run (reminders 30, 7 and 1
// days before a term ends, expiry) and the domain re-check. Both are idempotent: a rerun sends
// no reminder twice and a domain check only records what DNS says now.
import { z } from 'zod';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { DomainService } from '../domains/service.ts';
import type { TermService } from './validity.ts';

export function agencyRenewalsJob(terms: TermService): JobDefinition<z.ZodObject<{}>> {
  // 05:00 UTC = 08:30 Tehran: reminders arrive in the morning.
  return { name: 'agency-renewals', schema: z.object({}), cron: '0 5 * * *', retryLimit: 3, handler: async () => void (await terms.runDaily()) };
}

export function domainChecksJob(domains: DomainService): JobDefinition<z.ZodObject<{}>> {
  return { name: 'domain-checks', schema: z.object({}), cron: '*/10 * * * *', retryLimit: 1, handler: async () => void (await domains.checkAll()) };
}
