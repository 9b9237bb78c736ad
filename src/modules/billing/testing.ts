// Shared by the money tests: a Chapar's services on a fresh database (no HTTP), and the ledger
// invariants every test checks when it ends.
import pino from 'pino';
import { parseConfig } from '../../config.ts';
import type { Db } from '../../db/driver.ts';
import { fakeClock } from '../../lib/clock.ts';
import { createServices } from '../../services.ts';
import type { Account } from '../accounts/types.ts';
import { ledgerRepo } from './repo.ts';
import { freshDb } from '../../../test/helpers/db.ts';

/** Everything reconcile() finds wrong: wallets that disagree with their entries, unbalanced transactions, unbacked credit. */
export async function ledgerProblems(db: Db): Promise<unknown[]> {
  const r = await ledgerRepo(db).reconcile();
  return [...r.wallets, ...r.unbalancedTransactions, ...r.unbackedCredit];
}

export async function moneyWorld() {
  const db = await freshDb();
  const clock = fakeClock();
  const config = parseConfig({ NODE_ENV: 'test', CHAPAR_ADMIN_PASSWORD: 'admin-pass-123', DATABASE_URL: db.url });
  const services = createServices({ db, clock, config, log: pino({ level: 'silent' }) });
  await services.accounts.bootstrapPlatform(config.admin);
  const platform = (await services.accounts.findByUsernameForAuth('admin'))!;
  let n = 0;
  async function child(parent: Account, kind: 'user' | 'agency', extra: Record<string, unknown> = {}): Promise<Account> {
    n += 1;
    return services.accounts.createChild(parent, { username: `${kind}-${n}`, password: 'pass-word-123', mobile: '09121234567', kind, ...extra }, null);
  }
  return { db, clock, services, billing: services.billing, platform, child, close: () => db.close() };
}
