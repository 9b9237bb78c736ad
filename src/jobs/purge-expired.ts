// Hourly: forget what has expired — sessions, one-time codes, idempotency records, the text of
// delivered notifications that carried a code or a password (production empties them at delivery;
// this bounds how long the simulator handset keeps them elsewhere), and uploaded files that no
// import used within a day (an upload costs nothing to make and up to the upload cap to keep).
import { z } from 'zod';
import type { Db } from '../db/driver.ts';
import type { Clock } from '../lib/clock.ts';
import { idempotencyRepo } from '../http/idempotency-repo.ts';
import { messageRepo } from '../modules/messages/repo.ts';
import { notificationRepo } from '../modules/notifications/repo.ts';
import { importsRepo } from '../modules/phonebook/imports-repo.ts';
import type { JobDefinition } from './queue.ts';

export async function purgeExpired(db: Db, clock: Clock): Promise<{ sessions: number; codes: number; idempotency: number; secrets: number; uploads: number }> {
  const now = clock.now();
  const day = new Date(now.getTime() - 24 * 3_600_000);
  const sessions = await db.query('DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $2', [now, day]);
  const codes = await db.query('DELETE FROM verification_codes WHERE expires_at < $1', [day]);
  const idempotency = await idempotencyRepo(db).deleteBefore(day);
  const secrets = await notificationRepo(db).redactSecretsBefore(day);
  const batches = await messageRepo(db).redactSecretBatchesBefore(day);
  const uploads = await importsRepo(db).deleteUnusedUploadsBefore(day);
  return { sessions: sessions.rowCount, codes: codes.rowCount, idempotency, secrets: secrets + batches, uploads };
}

export function purgeExpiredJob(deps: { db: Db; clock: Clock }): JobDefinition<z.ZodObject<{}>> {
  return {
    name: 'purge-expired',
    schema: z.object({}),
    cron: '17 * * * *',
    handler: async () => {
      await purgeExpired(deps.db, deps.clock);
    },
  };
}
