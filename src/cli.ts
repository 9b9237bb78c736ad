// Operator commands: the same services as the server, no HTTP.
//   npm run cli -- migrate
//   npm run cli -- reset-password <username> [--password <new>]
//   npm run cli -- create-admin [--username <name>] [--password <pw>] [--mobile <09…>]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { parseConfig, type Config } from './config.ts';
import type { Db } from './db/driver.ts';
import { migrate } from './db/migrate.ts';
import { systemClock } from './lib/clock.ts';
import { openDatabase } from './server.ts';
import { createServices } from './services.ts';
import { hashPassword, assertStrongPassword } from './modules/accounts/passwords.ts';
import { accountRepo } from './modules/accounts/repo.ts';
import { authRepo } from './modules/auth/repo.ts';

export const usage = `Chapar operator commands:
  migrate                                   apply pending database migrations
  reset-password <username> [--password P]  set a new password (generated and printed if omitted), end its sessions
  create-admin [--username U] [--password P] [--mobile M]
                                            create the platform admin on an empty database`;

/** Runs one command against db; returns the lines to print. Throws with a clear message on misuse. */
export async function runCommand(argv: string[], db: Db, config: Config): Promise<string[]> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { password: { type: 'string' }, username: { type: 'string' }, mobile: { type: 'string' } } });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'migrate': {
      const applied = await migrate(db);
      return [applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date'];
    }
    case 'reset-password': {
      const username = rest[0];
      if (!username) throw new Error('reset-password needs a username');
      await migrate(db);
      const account = await accountRepo(db).findByUsernameForAuth(username);
      if (!account) throw new Error(`no account named ${username}`);
      const password = values.password ?? randomBytes(12).toString('base64url');
      assertStrongPassword(password);
      await accountRepo(db).setPassword(account.id, await hashPassword(password));
      await authRepo(db).revokeOtherSessions(account.id, null, new Date());
      return [`password of ${account.username} reset${values.password ? '' : `: ${password}`}`, 'its sessions have ended'];
    }
    case 'create-admin': {
      await migrate(db);
      const services = createServices({ db, clock: systemClock, config, log: pino({ level: 'silent' }) });
      const r = await services.accounts.bootstrapPlatform({
        username: values.username ?? config.admin.username,
        password: values.password ?? config.admin.password,
        mobile: values.mobile ?? config.admin.mobile,
      });
      if (!r.created) throw new Error('the platform admin already exists; use reset-password to regain access');
      return [`platform admin ${values.username ?? config.admin.username} created${r.password ? ` with password: ${r.password}` : ''}`];
    }
    default:
      throw new Error(command ? `unknown command: ${command}\n${usage}` : usage);
  }
}

async function main() {
  const config = parseConfig(process.env);
  const { db, release } = await openDatabase(config);
  try {
    for (const line of await runCommand(process.argv.slice(2), db, config)) console.log(line);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  } finally {
    await db.close();
    release();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
