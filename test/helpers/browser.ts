// A real Chapar listening on an ephemeral port with the built panel, and Debian's Chromium
// driven by playwright-core: the browser flows run against exactly what users get.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
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

/** `env`: more configuration (CHAPAR_SMTP_URL, CHAPAR_DNS_SERVERS, …) on top of the test's own. */
export async function startLiveChapar(admin: { username: string; password: string }, opts: Pick<StartOptions, 'engine' | 'engineOptions'> & { env?: Record<string, string> } = {}): Promise<LiveChapar> {
  const db = await freshDb({ migrate: false });
  const config = parseConfig({
    NODE_ENV: 'test',
    CHAPAR_PLATFORM_HOSTS: '127.0.0.1,localhost',
    CHAPAR_ADMIN_USERNAME: admin.username,
    CHAPAR_ADMIN_PASSWORD: admin.password,
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    ...opts.env,
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

/** `hosts`: names this browser resolves to 127.0.0.1 (an agency's own domain) instead of asking DNS. */
export async function launchChromium(opts: { hosts?: string[] } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  const resolve = opts.hosts?.length ? [`--host-resolver-rules=${opts.hosts.map((h) => `MAP ${h} 127.0.0.1`).join(', ')}`] : [];
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...resolve],
  });
}

/** A form field by its visible label (Mantine adds " *" to required ones). */
export function field(label: string): RegExp {
  return new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);
}

/** A fresh browser context in Persian on the server; page errors and console errors (but the
 * 4xx answers a flow expects) are collected into `errors` for the test to assert on. */
export async function openPage(browser: Browser, baseUrl: string, errors: string[]): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 900 }, locale: 'fa-IR', acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && errors.push(m.text()));
  return { context, page };
}

/** Signs in through the Persian sign-in page and waits for the home page. */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel(field('نام کاربری')).fill(username);
  await page.getByLabel(field('رمز عبور')).fill(password);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
  await page.getByRole('heading', { name: 'پیشخوان' }).waitFor();
}

/** Creates a direct child through the home page's create-account form. */
export async function createChild(page: Page, a: { username: string; password: string; mobile: string }, kind: 'نماینده' | 'کاربر') {
  await page.getByRole('button', { name: 'ایجاد حساب' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(field('نام کاربری')).fill(a.username);
  await dialog.getByLabel(field('رمز عبور')).fill(a.password);
  await dialog.getByLabel(field('شمارهٔ همراه')).fill(a.mobile);
  await dialog.getByLabel(field(kind)).check();
  await dialog.getByRole('button', { name: 'ایجاد', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}
