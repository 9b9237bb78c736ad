import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../../src/config.ts';
import { loadMigrations, migrate } from '../../src/db/migrate.ts';
import { runCommand } from '../../src/cli.ts';
import { startJobQueue } from '../../src/jobs/queue.ts';
import { purgeExpiredJob } from '../../src/jobs/purge-expired.ts';
import { freshDb } from '../helpers/db.ts';
import { ADMIN, testChapar, type TestChapar } from '../helpers/app.ts';
import pino from 'pino';

describe('configuration', () => {
  it('has working defaults', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ port: 3000, databaseUrl: undefined, platformHosts: ['localhost', '127.0.0.1'], admin: { username: 'admin', password: undefined } });
    expect(c.dataDir).toMatch(/data$/);
  });

  it('stops with one line naming the bad variable', () => {
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => parseConfig({ PORT: 'eighty' })).toThrow(/^Invalid configuration: PORT /);
    expect(() => parseConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => parseConfig({ CHAPAR_ADMIN_PASSWORD: 'short' })).toThrow(/CHAPAR_ADMIN_PASSWORD/);
    expect(() => parseConfig({ CHAPAR_LOG_LEVEL: 'loud' })).toThrow(/CHAPAR_LOG_LEVEL/);
    expect(() => parseConfig({ CHAPAR_PLATFORM_HOSTS: ' , ' })).toThrow(/CHAPAR_PLATFORM_HOSTS/);
  });

  it('runs every role by default, and refuses the others without a PostgreSQL server', () => {
    const c = parseConfig({});
    expect(c).toMatchObject({ role: 'all', claimLeaseMs: 30_000 });
    expect(parseConfig({ PORT: '3001' }).instanceId).not.toBe(parseConfig({ PORT: '3001', CHAPAR_ROLE: 'dispatcher', DATABASE_URL: 'postgres://db/x' }).instanceId);
    expect(parseConfig({ CHAPAR_INSTANCE_ID: 'dispatcher-1' }).instanceId).toBe('dispatcher-1');
    for (const role of ['api', 'dispatcher', 'smpp']) {
      expect(() => parseConfig({ CHAPAR_ROLE: role, CHAPAR_SMPP_PORT: '2775' })).toThrow(ConfigError);
      expect(() => parseConfig({ CHAPAR_ROLE: role, CHAPAR_SMPP_PORT: '2775' })).toThrow(new RegExp(`^Invalid configuration: CHAPAR_ROLE=${role} needs DATABASE_URL`));
    }
    expect(parseConfig({ CHAPAR_ROLE: 'api', DATABASE_URL: 'postgres://db/x' }).role).toBe('api');
    expect(() => parseConfig({ CHAPAR_ROLE: 'smpp', DATABASE_URL: 'postgres://db/x' })).toThrow(/CHAPAR_SMPP_PORT/);
    expect(() => parseConfig({ CHAPAR_ROLE: 'worker' })).toThrow(/CHAPAR_ROLE/);
    expect(() => parseConfig({ CHAPAR_CLAIM_LEASE_SECONDS: '1' })).toThrow(/CHAPAR_CLAIM_LEASE_SECONDS/);
  });

  it('reads platform hosts as a lower-case list', () => {
    expect(parseConfig({ CHAPAR_PLATFORM_HOSTS: 'Panel.Example.com, localhost' }).platformHosts).toEqual(['panel.example.com', 'localhost']);
  });
});

describe('migrations', () => {
  it('apply once, in order, and a second run is a no-op', async () => {
    const db = await freshDb({ migrate: false });
    try {
      const all = await loadMigrations();
      expect(await migrate(db)).toEqual(all.map((m) => m.name));
      expect(await migrate(db)).toEqual([]);
      const { rows } = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual(all.map((m) => m.version));
    } finally {
      await db.close();
    }
  });

  it('enforce the tree: a non-platform account needs a parent, and only one platform exists', async () => {
    const db = await freshDb();
    try {
      await expect(db.query("INSERT INTO accounts (id, kind, path, depth, username, password_hash, mobile) VALUES ('acc_x', 'user', '/acc_x/', 0, 'x', 'h', '+989120000000')")).rejects.toThrow();
      await db.query("INSERT INTO accounts (id, kind, path, depth, username, password_hash, mobile) VALUES ('acc_p', 'platform', '/acc_p/', 0, 'p', 'h', '+989120000000')");
      await expect(db.query("INSERT INTO accounts (id, kind, path, depth, username, password_hash, mobile) VALUES ('acc_q', 'platform', '/acc_q/', 0, 'q', 'h', '+989120000000')")).rejects.toThrow();
    } finally {
      await db.close();
    }
  });
});

describe('operations endpoints', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar();
  });
  afterAll(() => t.close());

  it('serve health on any host, readiness with the database kind, and Prometheus metrics', async () => {
    expect((await t.api({ url: '/healthz', host: 'anything.example' })).body).toEqual({ status: 'ok' });
    const ready = await t.api({ url: '/readyz', host: '10.0.0.5' });
    expect(ready.body).toEqual({ status: 'ready', database: t.db.kind });
    await t.api({ url: '/api/v1/brand' });
    const metrics = await t.api({ url: '/metrics', token: await t.adminToken() });
    expect(metrics.body).toContain('chapar_http_request_duration_seconds_bucket');
    expect(metrics.body).toContain('route="/api/v1/brand"');
  });

  it('describe the public API in OpenAPI, generated from the same schemas that validate', async () => {
    const doc = (await t.api({ url: '/openapi.json' })).body;
    for (const p of ['/api/v1/auth/login', '/api/v1/me', '/api/v1/api-keys', '/api/v1/accounts']) expect(doc.paths[p]).toBeDefined();
    const login = doc.paths['/api/v1/auth/login'].post;
    expect(login.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['username', 'password']));
    const docs = await t.api({ url: '/docs', headers: { accept: 'text/html' } });
    expect([200, 302]).toContain(docs.status);
  });

  it('answers validation errors with the fields, in Persian by default', async () => {
    const res = await t.api({ url: '/api/v1/auth/login', lang: '', body: { username: 'ab' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.message).toMatch(/معتبر/);
    expect(res.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['body.username', 'body.password']));
    // each field's reason in the caller's language, not the validator's English
    expect(res.body.error.message).toContain('password (لازم است)');
    expect(res.body.error.details.fields.find((f: { path: string }) => f.path === 'body.password').message).toBe('لازم است');
    const en = await t.api({ url: '/api/v1/auth/login', lang: 'en', body: { username: 'ab', password: 5 } });
    expect(en.body.error.message).toContain('password (must be text)');
  });
});

describe('operator CLI', () => {
  it('resets a password, ending the account’s sessions', async () => {
    const t = await testChapar();
    try {
      const old = await t.adminToken();
      const lines = await runCommand(['reset-password', ADMIN.username, '--password', 'brand-new-pass'], t.db, t.config);
      expect(lines[0]).toContain('reset');
      expect((await t.api({ url: '/api/v1/me', token: old })).status).toBe(401);
      await t.login(ADMIN.username, 'brand-new-pass');
      await expect(runCommand(['reset-password', 'nobody'], t.db, t.config)).rejects.toThrow(/no account named nobody/);
      await expect(runCommand(['create-admin'], t.db, t.config)).rejects.toThrow(/already exists/);
      await expect(runCommand(['dance'], t.db, t.config)).rejects.toThrow(/unknown command/);
    } finally {
      await t.close();
    }
  });

  it('creates the platform admin on an empty database and prints a generated password', async () => {
    const db = await freshDb({ migrate: false });
    try {
      const lines = await runCommand(['migrate'], db, parseConfig({}));
      expect(lines[0]).toMatch(/applied/);
      const created = await runCommand(['create-admin', '--username', 'boss', '--mobile', '09120000001'], db, parseConfig({}));
      expect(created[0]).toMatch(/^platform admin boss created with password: \S{12,}/);
    } finally {
      await db.close();
    }
  });
});

describe('background jobs (pg-boss)', () => {
  it('run on this database: the hourly purge removes expired sessions and codes', async () => {
    const t = await testChapar();
    const queue = await startJobQueue({ db: t.db, databaseUrl: t.db.url, log: pino({ level: 'silent' }), jobs: [purgeExpiredJob({ db: t.db, clock: t.clock }) as never] });
    try {
      await t.adminToken();
      await t.db.query("UPDATE sessions SET expires_at = now() - interval '1 minute'");
      await queue.send(purgeExpiredJob({ db: t.db, clock: t.clock }) as never, {});
      let left = 1;
      for (let i = 0; i < 60 && left > 0; i++) {
        await new Promise((r) => setTimeout(r, 500));
        left = (await t.db.query('SELECT 1 FROM sessions')).rows.length;
      }
      expect(left).toBe(0);
    } finally {
      await queue.stop();
      await t.close();
    }
  });
});
