// A real Chapar listening on an ephemeral port with the built panel, and Debian's Chromium
// driven by playwright-core: the browser flows run against exactly what users get.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser } from 'playwright-core';
import { parseConfig } from '../../src/config.ts';
import { startChapar, type Chapar, type StartOptions } from '../../src/server.ts';
import { freshDb, type TestDb } from './db.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `npm test` builds first; a lone `vitest run` of this file builds when web/dist is stale or missing. */
export function ensurePanelBuilt() {
  const args = [path.join(root, 'scripts/build-web.mjs')];
  if (existsSync(path.join(root, 'web/dist/index.html'))) args.push('--if-stale');
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`building the panel failed (exit ${r.status})`);
}

export type LiveChapar = {
  chapar: Chapar;
  db: TestDb;
  baseUrl: string;
  /** Setup calls through the same server (not the browser), on the platform host. */
  api(method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
};

export async function startLiveChapar(admin: { username: string; password: string }, opts: Pick<StartOptions, 'engine' | 'engineOptions'> = {}): Promise<LiveChapar> {
  const db = await freshDb({ migrate: false });
  const config = parseConfig({
    NODE_ENV: 'test',
    CHAPAR_PLATFORM_HOSTS: '127.0.0.1,localhost',
    CHAPAR_ADMIN_USERNAME: admin.username,
    CHAPAR_ADMIN_PASSWORD: admin.password,
    ...(db.url ? { DATABASE_URL: db.url } : {}),
  });
  const chapar = await startChapar(config, { db, jobs: false, engine: opts.engine ?? false, engineOptions: opts.engineOptions, logger: pino({ level: 'silent' }) });
  await chapar.app.listen({ port: 0, host: '127.0.0.1' });
  const address = chapar.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  return {
    chapar,
    db,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async api(method, url, token, body) {
      const res = await chapar.app.inject({ method, url, headers: { host: '127.0.0.1', ...(token ? { authorization: `Bearer ${token}` } : {}) }, payload: body as object | undefined });
      return { status: res.statusCode, body: res.json() };
    },
    async close() {
      await chapar.stop();
      await db.close();
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}
