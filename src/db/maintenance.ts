// PostgreSQL's autovacuum does not run in the embedded database (PGlite has no background
// workers). Without it the outbox's partial indexes (messages due, in flight, awaiting a receipt)
// keep an entry for every message that ever passed through them, every claim reads past them,
// and the planner never gets statistics. The embedded server vacuums and analyses the tables the
// engine rewrites all day itself, on a timer.
import type { Logger } from 'pino';
import type { Db } from './driver.ts';

/** The tables whose rows change with every message, receipt and charge. */
export const HOT_TABLES = ['messages', 'message_parts', 'message_chunks', 'batches', 'reservation_lines', 'wallets', 'notifications'] as const;

export const MAINTENANCE_EVERY_MS = 10 * 60_000;

/** VACUUM (ANALYZE) of each hot table (the migrations made them all); returns the tables done. */
export async function vacuumHotTables(db: Db): Promise<string[]> {
  for (const t of HOT_TABLES) await db.exec(`VACUUM (ANALYZE) ${t}`);
  return [...HOT_TABLES];
}

/** Vacuums the embedded database's hot tables every `everyMs`; returns a stop function. */
export function startPgliteMaintenance(db: Db, log: Logger, everyMs = MAINTENANCE_EVERY_MS): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= (async () => {
      const started = Date.now();
      try {
        const tables = await vacuumHotTables(db);
        log.debug({ tables, ms: Date.now() - started }, 'embedded database vacuumed');
      } catch (err) {
        log.warn({ err }, 'embedded database maintenance failed; it runs again later');
      } finally {
        running = null;
      }
    })();
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
