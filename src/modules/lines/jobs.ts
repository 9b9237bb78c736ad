// The daily line-rental run on pg-boss (reminders, automatic renewal, suspension); idempotent, so
// a retried or doubled run sends no reminder twice and charges no period twice.
import { z } from 'zod';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { LineRenewalService } from './renewals.ts';

export function lineRenewalsJob(renewals: LineRenewalService): JobDefinition<z.ZodObject<{}>> {
  // 05:30 UTC = 09:00 Tehran: after the agency run, reminders arrive in the morning.
  return { name: 'line-renewals', schema: z.object({}), cron: '30 5 * * *', retryLimit: 3, handler: async () => void (await renewals.runDaily()) };
}
