// Composition root: configuration → database → migrations → services → HTTP and workers.
import { ConfigError, parseConfig } from './config.ts';
import { DataDirLockedError } from './db/lock.ts';
import { listenEarly } from './http/early.ts';

async function main() {
  let config;
  try {
    config = parseConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78);
    }
    throw err;
  }
  // The port answers from the start (/healthz alive, /readyz and the API "starting"), while the
  // rest of Chapar loads, the database opens and migrates and the app is built; the app then takes
  // the port over, and connectors and the outbox's recovery start behind it.
  const early = await listenEarly({ port: config.port, host: config.host });
  const { startChapar } = await import('./server.ts');
  let chapar;
  try {
    chapar = await startChapar(config, { server: early });
  } catch (err) {
    if (err instanceof DataDirLockedError) {
      console.error(err.message);
      process.exit(75);
    }
    throw err;
  }
  const app = chapar.app;
  chapar.started.catch((err: unknown) => {
    app.log.fatal({ err }, 'the engine did not start');
    process.exit(1);
  });
  const shown = `http://localhost:${config.port}`;
  const line = '─'.repeat(60);
  console.log(`\n${line}\n  Chapar is running: ${shown}  (role ${config.role}${config.role === 'all' || config.role === 'api' ? '' : ': /healthz and /readyz only'})`);
  console.log(`  Database: ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`}`);
  if (config.smpp.port !== undefined && (config.role === 'all' || config.role === 'smpp')) {
    void chapar.started.then(() => {
      if (chapar.smpp) console.log(`  SMPP server: ${config.smpp.host}:${chapar.smpp.port}  (system_id = username, password = the account's SMPP password)`);
    });
  }
  if (chapar.adminPassword) {
    console.log(`  Platform admin created — username: ${config.admin.username}  password: ${chapar.adminPassword}`);
    console.log('  (shown once; change it in the panel under Profile)');
  } else {
    console.log(`  Platform admin: ${config.admin.username}`);
  }
  console.log(`${line}\n`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await chapar.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
