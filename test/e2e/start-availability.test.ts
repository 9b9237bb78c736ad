// After a restart the API answers before the engine has caught up: HTTP listens once the
// database is open and migrated, and /readyz says "starting" until connectors and the outbox's
// recovery are done. Here the engine's start is held by an operator's SMSC that accepts the
// connection and never answers the bind.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { startChapar, type Chapar } from '../../src/server.ts';
import { listenEarly } from '../../src/http/early.ts';
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

describe('a Chapar process whose database is slow to open', () => {
  let child: ChildProcess | null = null;
  const sockets = new Set<Socket>();
  // a PostgreSQL that takes the connection and never answers: the database never opens
  const mute = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
  });
  afterAll(() => {
    child?.kill('SIGKILL');
    for (const s of sockets) s.destroy();
    mute.close();
  });

  it('answers on its port before Chapar is loaded: alive, not ready, and the API says so in the caller\'s language', async () => {
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const dbPort = (mute.address() as { port: number }).port;
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, NODE_ENV: 'test', PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: `postgres://postgres@127.0.0.1:${dbPort}/chapar`, CHAPAR_PLATFORM_HOSTS: '127.0.0.1', CHAPAR_ADMIN_PASSWORD: 'early-admin-pass', CHAPAR_LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    const base = `http://127.0.0.1:${port}`;
    const health = await until('the port answers', () => fetch(`${base}/healthz`).then((r) => r.status, () => 0), (s) => s !== 0, 40_000);
    expect(health).toBe(200);
    // Chapar is stuck opening its database: the port still answers, and says why
    await until('Chapar asks its database', () => sockets.size, (n) => n > 0, 40_000);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get('retry-after')).toBe('1');
    expect(await ready.json()).toEqual({ status: 'starting', starting: 'app' });
    const en = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept-language': 'en' }, body: JSON.stringify({ username: 'admin', password: 'early-admin-pass' }) });
    expect(en.status).toBe(503);
    expect(en.headers.get('retry-after')).toBe('1');
    expect(await en.json()).toEqual({ error: { code: 'NOT_READY', message: 'Chapar is starting; try again in a few seconds.' } });
    const fa = await fetch(`${base}/api/v1/messages`);
    expect(fa.status).toBe(503);
    expect(((await fa.json()) as { error: { message: string } }).error.message).toMatch(/راه‌اندازی/);
    expect(child.exitCode).toBe(null);
  }, 90_000);
});

describe('the port main.ts opens first', () => {
  let db: TestDb | null = null;
  let chapar: Chapar | null = null;
  afterAll(async () => {
    await chapar?.stop();
    await db?.close();
  });

  it('is taken over by the app once it is built, and closed with it', async () => {
    const early = await listenEarly({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(early.server.address() as { port: number }).port}`;
    const before = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'early-admin-pass' }) });
    expect(before.status).toBe(503);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('NOT_READY');

    db = await freshDb();
    const config = parseConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, CHAPAR_PLATFORM_HOSTS: '127.0.0.1', CHAPAR_ADMIN_PASSWORD: 'early-admin-pass' });
    chapar = await startChapar(config, { db, jobs: false, logger: pino({ level: 'silent' }), server: early });
    expect(chapar.app.server).toBe(early.server);
    // the same timeouts Fastify gives a server of its own: keep-alive above a proxy's idle timeout
    expect(early.server.keepAliveTimeout).toBe(72_000);
    expect(early.server.requestTimeout).toBe(0);
    const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'early-admin-pass' }) });
    expect(login.status).toBe(200);
    await chapar.started;
    await until('ready', async () => (await fetch(`${base}/readyz`)).status, (s) => s === 200, 30_000);

    await chapar.stop();
    chapar = null;
    expect(early.server.listening).toBe(false);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  }, 60_000);
});
