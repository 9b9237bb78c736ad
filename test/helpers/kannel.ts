// Kannel (Debian's bearerbox + smsbox) as a customer's ESME bound to Chapar's SMPP server, for the
// tests and benchmarks that need a peer nobody here wrote. Each instance gets a temporary folder
// with its configuration and logs, ports picked free on loopback, and its own sendsms user.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const BEARERBOX = '/usr/sbin/bearerbox';
export const SMSBOX = '/usr/sbin/smsbox';

/** Why Kannel tests cannot run here, or null. With CI=true a missing Kannel is a failure, not a skip. */
export function kannelMissing(): string | null {
  if (existsSync(BEARERBOX) && existsSync(SMSBOX)) return null;
  if (process.env.CI === 'true') throw new Error(`CI=true but Kannel is not installed (${BEARERBOX}, ${SMSBOX}): apt-get install kannel`);
  return `Kannel is not installed (${BEARERBOX}); apt-get install kannel to run the Kannel peer tests`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One `group = smsc`: a bind of one Chapar account. Messages reach it only with `smsc=<id>` in sendsms. */
export type KannelSmsc = {
  id: string;
  username: string;
  password: string;
  /** Kannel's per-smsc `throughput` (messages a second); unset: Kannel's default (none) */
  throughput?: number;
  /** Kannel's default is 10 */
  maxPendingSubmits?: number;
  /** seconds between bind attempts (default here: 1) */
  reconnectDelay?: number;
};

export type Kannel = {
  dir: string;
  sendsmsPort: number;
  adminPort: number;
  /** GET /cgi-bin/sendsms with these parameters (username, password and charset added). */
  sendsms(params: Record<string, string | number>): Promise<{ status: number; body: string }>;
  /** bearerbox's status page (text) */
  status(): Promise<string>;
  /** an admin command: suspend, resume, stop-smsc, start-smsc … */
  admin(command: string, params?: Record<string, string>): Promise<string>;
  /** waits until these smscs are online */
  online(ids: string[], ms?: number): Promise<void>;
  bearerboxLog(): string;
  stop(): Promise<void>;
};

const SENDSMS = { username: 'tester', password: 'tester-pw' };
const ADMIN_PASSWORD = 'admin-pw';

export function kannelConfig(o: { adminPort: number; boxPort: number; sendsmsPort: number; smscHost: string; smscPort: number; smscs: KannelSmsc[]; moUrl: string; dir: string }): string {
  const lines = [
    'group = core',
    `admin-port = ${o.adminPort}`,
    `admin-password = ${ADMIN_PASSWORD}`,
    'admin-interface = 127.0.0.1',
    `smsbox-port = ${o.boxPort}`,
    'smsbox-interface = 127.0.0.1',
    'box-allow-ip = 127.0.0.1',
    'log-level = 0',
    `log-file = "${path.join(o.dir, 'bearerbox.log')}"`,
    `access-log = "${path.join(o.dir, 'access.log')}"`,
    'dlr-storage = internal',
    '',
  ];
  for (const s of o.smscs) {
    lines.push(
      'group = smsc',
      'smsc = smpp',
      `smsc-id = ${s.id}`,
      `allowed-smsc-id = ${s.id}`,
      `host = ${o.smscHost}`,
      `port = ${o.smscPort}`,
      'transceiver-mode = true',
      `smsc-username = ${s.username}`,
      `smsc-password = ${s.password}`,
      'system-type = ""',
      'source-addr-ton = 0',
      'source-addr-npi = 1',
      'dest-addr-ton = 1',
      'dest-addr-npi = 1',
      `reconnect-delay = ${s.reconnectDelay ?? 1}`,
      'enquire-link-interval = 30',
      // msg-id-type left unset: Chapar's message ids are not numbers
      ...(s.throughput ? [`throughput = ${s.throughput}`] : []),
      ...(s.maxPendingSubmits ? [`max-pending-submits = ${s.maxPendingSubmits}`] : []),
      '',
    );
  }
  lines.push(
    'group = smsbox',
    'bearerbox-host = 127.0.0.1',
    `bearerbox-port = ${o.boxPort}`,
    `sendsms-port = ${o.sendsmsPort}`,
    'sendsms-interface = 127.0.0.1',
    // without it Kannel hands UCS-2 MO on as raw bytes
    'mo-recode = true',
    'log-level = 0',
    `log-file = "${path.join(o.dir, 'smsbox.log')}"`,
    '',
    'group = sendsms-user',
    `username = ${SENDSMS.username}`,
    `password = ${SENDSMS.password}`,
    'concatenation = true',
    'max-messages = 5',
    '',
    'group = sms-service',
    'keyword = default',
    'catch-all = true',
    'max-messages = 0',
    `get-url = "${o.moUrl}?from=%p&to=%P&coding=%c&text=%a"`,
    '',
  );
  return lines.join('\n');
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number, proc?: () => string | null) {
  const end = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    const dead = proc?.();
    if (dead) throw new Error(`${what}: ${dead}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

/** Starts bearerbox and smsbox bound to Chapar's SMPP server at smscHost:smscPort; `moUrl` gets inbound messages. */
export async function startKannel(o: { smscPort: number; smscHost?: string; smscs: KannelSmsc[]; moUrl: string }): Promise<Kannel> {
  const dir = mkdtempSync(path.join(tmpdir(), 'chapar-kannel-'));
  const [adminPort, boxPort, sendsmsPort] = [await freePort(), await freePort(), await freePort()];
  const conf = path.join(dir, 'kannel.conf');
  writeFileSync(conf, kannelConfig({ adminPort, boxPort, sendsmsPort, smscHost: o.smscHost ?? '127.0.0.1', smscPort: o.smscPort, smscs: o.smscs, moUrl: o.moUrl, dir }));
  const procs: ChildProcess[] = [];
  const exited = new Map<ChildProcess, string>();
  const run = (bin: string) => {
    const out = openSync(path.join(dir, `${path.basename(bin)}.out`), 'w');
    const p = spawn(bin, [conf], { cwd: dir, stdio: ['ignore', out, out] });
    closeSync(out);
    p.on('exit', (code, signal) => exited.set(p, `${path.basename(bin)} exited (${code ?? signal}): ${readFileSync(path.join(dir, `${path.basename(bin)}.out`), 'utf8').split('\n').filter((l) => /ERROR|PANIC/.test(l)).slice(0, 3).join(' | ')}`));
    procs.push(p);
    return p;
  };
  const admin = (page: string, params: Record<string, string> = {}) => get(`http://127.0.0.1:${adminPort}/${page}?${new URLSearchParams({ password: ADMIN_PASSWORD, ...params })}`);
  const stop = async () => {
    for (const p of [...procs].reverse()) {
      if (exited.has(p)) continue;
      const gone = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill('SIGTERM');
      const timer = setTimeout(() => p.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    }
    if (!process.env.CHAPAR_KEEP_KANNEL) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const bb = run(BEARERBOX);
    await waitFor('bearerbox', async () => (await admin('status.txt')).status === 200, 15_000, () => exited.get(bb) ?? null);
    const sb = run(SMSBOX);
    await waitFor('smsbox', async () => (await get(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`)).status > 0, 15_000, () => exited.get(sb) ?? null);
  } catch (err) {
    await stop();
    throw err;
  }
  const status = async () => (await admin('status.txt')).body;
  return {
    dir,
    sendsmsPort,
    adminPort,
    async sendsms(params) {
      const q = new URLSearchParams({ username: SENDSMS.username, password: SENDSMS.password, charset: 'UTF-8', ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
      return get(`http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms?${q}`);
    },
    status,
    admin: async (command, params) => {
      const r = await admin(command, params);
      if (r.status !== 200) throw new Error(`kannel ${command}: ${r.status} ${r.body}`);
      return r.body;
    },
    async online(ids, ms = 15_000) {
      await waitFor(`smsc ${ids.join(', ')} online`, async () => {
        const s = await status();
        return ids.every((id) => new RegExp(`^\\s*${id}\\[${id}\\]\\s+SMPP:.*\\(online`, 'm').test(s));
      }, ms);
    },
    bearerboxLog: () => {
      try {
        return readFileSync(path.join(dir, 'bearerbox.log'), 'utf8');
      } catch {
        return '';
      }
    },
    stop,
  };
}
