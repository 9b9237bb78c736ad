// Every minute on pg-boss: notifications whose channel refused them for now (SMTP 4xx, a refused
// connection) are tried again once their backoff has passed. Safe to overlap: each row is claimed
// before it is sent.
import { z } from 'zod';
import type { JobDefinition } from '../../jobs/queue.ts';
import type { NotificationService } from './service.ts';

export function notificationRetriesJob(notifications: NotificationService): JobDefinition<z.ZodObject<{}>> {
  return { name: 'notification-retries', schema: z.object({}), cron: '* * * * *', retryLimit: 0, handler: async () => void (await notifications.retryDue()) };
}
