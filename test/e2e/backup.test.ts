// scripts/backup.sh and scripts/restore.sh, end to end: a Chapar with some data is stopped and
// backed up, the backup restored somewhere new, and a Chapar started there reads the data back.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { startChapar, type Chapar } from '../../src/server.ts';
import { ADMIN, PLATFORM_HOST } from '../helpers/app.ts';
import { freshDb } from '../helpers/db.ts';

const root = path.resolve(import.meta.dirname, '../..');
const exec = promisify(execFile);
const havePgDump = await exec('pg_dump', ['--version']).then(() => true, () => false);
const base = mkdtempSync(path.join(tmpdir(), 'chapar-backup-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const script = (name: string, args: string[], env: Record<string, string>) =>
  exec('sh', [path.join(root, 'scripts', name), ...args], { cwd: base, env: { ...process.env, DATABASE_URL: '', ...env } });

const start = (env: Record<string, string>) =>
  startChapar(parseConfig({ NODE_ENV: 'test', CHAPAR_PLATFORM_HOSTS: PLATFORM_HOST, CHAPAR_ADMIN_USERNAME: ADMIN.username, CHAPAR_ADMIN_PASSWORD: ADMIN.password, ...env }), { engine: false, jobs: false, logger: pino({ level: 'silent' }) });

/** A user created through the API, as data to find again after the restore. */
async function createUser(c: Chapar, username: string) {
  const login = await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { host: PLATFORM_HOST }, payload: { username: ADMIN.username, password: ADMIN.password } });
  const token = login.json().token as string;
  const res = await c.app.inject({ method: 'POST', url: '/api/v1/accounts', headers: { host: PLATFORM_HOST, authorization: `Bearer ${token}` }, payload: { username, password: `${username}-pass-1`, mobile: '09121112233', kind: 'user' } });
  expect(res.statusCode).toBe(201);
}

async function signsIn(c: Chapar, username: string) {
  const res = await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { host: PLATFORM_HOST }, payload: { username, password: `${username}-pass-1` } });
  return res.statusCode === 200;
}

describe('backup and restore', () => {
  it('backs up a stopped embedded instance’s data folder, restores it into a new folder, and Chapar starts on it with the data', async () => {
    const a = path.join(base, 'a');
    const b = path.join(base, 'b');
    const file = path.join(base, 'a.tar.gz');
    const first = await start({ CHAPAR_DATA_DIR: a });
    try {
      await createUser(first, 'keptuser');
      // the embedded database is copied only at rest
      await expect(script('backup.sh', [file], { CHAPAR_DATA_DIR: a })).rejects.toThrow(/stop it first/);
    } finally {
      await first.stop();
    }
    await script('backup.sh', [file], { CHAPAR_DATA_DIR: a });
    // never over an existing database
    await expect(script('restore.sh', [file], { CHAPAR_DATA_DIR: a })).rejects.toThrow(/not empty/);
    await script('restore.sh', [file], { CHAPAR_DATA_DIR: b });
    const second = await start({ CHAPAR_DATA_DIR: b });
    try {
      expect(await signsIn(second, 'keptuser')).toBe(true);
      expect(await signsIn(second, 'neverthere')).toBe(false);
    } finally {
      await second.stop();
    }
  }, 120_000);

  const server = process.env.TEST_DATABASE_URL;
  it.skipIf(!server || !havePgDump)('dumps a PostgreSQL database with pg_dump and restores it into a new database', async () => {
    const source = await freshDb();
    const target = `chapar_restore_${process.pid}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    const targetUrl = new URL(server!);
    targetUrl.pathname = `/${target}`;
    try {
      const first = await start({ DATABASE_URL: source.url! });
      try {
        await createUser(first, 'pguser');
      } finally {
        await first.stop();
      }
      const file = path.join(base, 'pg.dump');
      await script('backup.sh', [file], { DATABASE_URL: source.url! });
      await admin.query(`CREATE DATABASE ${target}`);
      await script('restore.sh', [file], { DATABASE_URL: targetUrl.toString() });
      const second = await start({ DATABASE_URL: targetUrl.toString() });
      try {
        expect(await signsIn(second, 'pguser')).toBe(true);
      } finally {
        await second.stop();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${target} WITH (FORCE)`);
      await admin.end();
      await source.close();
    }
  }, 120_000);
});
