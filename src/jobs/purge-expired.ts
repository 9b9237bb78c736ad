// Hourly: forget what has expired — sessions, one-time codes, idempotency records, the text of
// delivered notifications that carried a code or a password (production empties them at delivery;
// this bounds how long the simulator handset keeps them elsewhere), and uploaded files that no
// import used within a day (an upload costs nothing to make and up to the upload cap to keep).
import { z } from 'zod';
import type { Db } from '../db/driver.ts';
import type { Clock } from '../lib/clock.ts';
import type { JobDefinition } from './queue.ts';

export async function purgeExpired(db: Db, clock: Clock): Promise<{ sessions: number; codes: number; idempotency: number; secrets: number; uploads: number }> {
  const now = clock.now();
  const day = new Date(now.getTime() - 24 * 3_600_000);
  const sessions = await db.query('DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $2', [now, day]);
  const codes = await db.query('DELETE FROM verification_codes WHERE expires_at < $1', [day]);
  const idempotency = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [day]);
  const secrets = await db.query(
    "UPDATE notifications SET body = '', subject = NULL, redacted_at = now() WHERE secret AND redacted_at IS NULL AND status <> 'pending' AND created_at < $1",
    [day],
  );
  const batches = await db.query("UPDATE batches SET body = '' WHERE secret AND body <> '' AND status IN ('done', 'cancelled') AND created_at < $1", [day]);
  const uploads = await db.query(
    'DELETE FROM phonebook_uploads u WHERE u.created_at < $1 AND NOT EXISTS (SELECT 1 FROM phonebook_imports i WHERE i.upload_id = u.id)',
    [day],
  );
  return { sessions: sessions.rowCount, codes: codes.rowCount, idempotency: idempotency.rowCount, secrets: secrets.rowCount + batches.rowCount, uploads: uploads.rowCount };
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
