// After a restart the API answers before the engine has caught up: HTTP listens once the
// database is open and migrated, and /readyz says "starting" until connectors and the outbox's
// recovery are done. Here the engine's start is held by an operator's SMSC that accepts the
// connection and never answers the bind.
import { createServer, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { startChapar, type Chapar } from '../../src/server.ts';
import { freshDb, type TestDb } from '../helpers/db.ts';
import { until } from '../helpers/until.ts';

describe('a Chapar whose engine is slow to start', () => {
  let db: TestDb | null = null;
  let chapar: Chapar | null = null;
  const sockets = new Set<Socket>();
  // the operator's far end: takes the TCP connection, answers nothing
  const silent = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await chapar?.stop();
    silent.close();
    await db?.close();
  });

  it('answers /healthz and a sign-in while /readyz says starting, and is ready once the engine runs', async () => {
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    db = await freshDb();
    const port = (silent.address() as { port: number }).port;
    await db.query("INSERT INTO connectors (id, name, kind, settings, enabled) VALUES ('con_silent', 'silent', 'smpp', $1, true)", [
      JSON.stringify({ host: '127.0.0.1', port, systemId: 'chapar', password: 'x', responseTimeoutMs: 600_000 }),
    ]);
    const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, CHAPAR_PLATFORM_HOSTS: '127.0.0.1', CHAPAR_ADMIN_PASSWORD: 'slow-admin-pass', CHAPAR_CONNECTOR_THREADS: 'false' });
    let engineStarted = false;
    chapar = await startChapar(config, { db, jobs: false, logger: pino({ level: 'silent' }), listen: { port: 0, host: '127.0.0.1' } });
    void chapar.started.then(() => (engineStarted = true));
    const base = `http://127.0.0.1:${(chapar.app.server.address() as { port: number }).port}`;

    await until('the SMSC is connected to', () => sockets.size, (n) => n > 0);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'slow-admin-pass' }) });
    expect(login.status).toBe(200);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('1');
    expect(await notReady.json()).toEqual({ status: 'starting', starting: 'engine' });
    expect(engineStarted).toBe(false);

    // the bind attempt fails; the connector keeps retrying in the background and the engine runs
    for (const s of sockets) s.destroy();
    silent.close();
    await until('ready', async () => (await fetch(`${base}/readyz`)).status, (s) => s === 200, 30_000);
    expect(engineStarted).toBe(true);
  }, 60_000);
});
