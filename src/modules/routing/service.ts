// Connectors (upstream links) and routes, managed by the platform; the live upstream objects they
// describe; and the routing decision the dispatcher asks for each message.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { DeliveryReceipt, InboundPart, Upstream, UpstreamKind, UpstreamStats } from '../../upstreams/upstream.ts';
import type { ConnectorRouter, RoutedConnector } from './types.ts';
import { z } from 'zod';
import { connectorSettings } from '../../upstreams/settings.ts';
import { routingRepo, type Connector, type Route } from './repo.ts';

export type UpstreamFactory = (c: Connector) => Upstream;

export const SECRET_SETTING = /password|secret|token|api_?key|authorization/i;
export const SECRET_MASK = '••••';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Settings as shown: every secret, at any depth (an HTTP provider's Authorization header), masked. */
export function maskSecrets(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, SECRET_SETTING.test(k) && typeof v === 'string' && v ? SECRET_MASK : isObject(v) ? maskSecrets(v) : v]));
}

/** An edit's settings with the secrets it sent back masked, or left out, taken from the current ones. */
function keepSecrets(current: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...next };
  for (const [k, v] of Object.entries(current)) {
    if (SECRET_SETTING.test(k) && (!(k in next) || next[k] === SECRET_MASK)) merged[k] = v;
    else if (isObject(v) && isObject(next[k])) merged[k] = keepSecrets(v, next[k]);
  }
  return merged;
}

/**
 * pollMs: how often the routing version is compared (and leases renewed, every fifth of leaseMs);
 * 0 follows no change made elsewhere (tests of a process that has not caught up).
 * leaseMs: how long a bind's lease lasts unrenewed before another process may take it.
 */
export type RoutingOptions = { pollMs: number; leaseMs: number };

const defaults: RoutingOptions = { pollMs: 1000, leaseMs: 15_000 };

type Session = { slot: number; upstream: Upstream };

/**
 * Submits a session has outstanding at most: an SMPP connector's window (its client's default
 * 10; the simulator's client 50). An HTTP connector has none: 50 requests are taken as its window.
 * The dispatcher keeps twice this in flight per session (messages/submit-gate.ts).
 */
function windowOf(c: Connector): number {
  const n = (v: unknown, d: number) => (typeof v === 'number' && v > 0 ? v : d);
  if (c.kind === 'smpp') return n(c.settings.window, 10);
  if (c.kind === 'simulator') return n(isObject(c.settings.client) ? c.settings.client.window : undefined, 50);
  return 50;
}
type Live = { connector: Connector; sessions: Session[] };

/** A connector's settings as its kind reads them (upstreams/settings.ts); a ZodError names the
 * fields under `settings` (the error handler answers it as VALIDATION_FAILED). */
function checkedSettings(kind: UpstreamKind, settings: Record<string, unknown>): Record<string, unknown> {
  return z.object({ settings: connectorSettings[kind] }).parse({ settings }).settings;
}

export function createRoutingService(deps: {
  db: Db;
  log: Logger;
  factory: UpstreamFactory;
  /** May return a promise: the connector acknowledges the PDU once it resolves. */
  onReceipt: (connectorId: string, r: DeliveryReceipt) => void | Promise<void>;
  onInbound: (connectorId: string, m: InboundPart) => void | Promise<void>;
  options?: Partial<RoutingOptions>;
  /** false in a process that must not bind (CHAPAR_ROLE=api, smpp): reload reads the routes only */
  connectors?: boolean;
}) {
  const opts = { ...defaults, ...deps.options };
  const repo = routingRepo(deps.db);
  // this process, as the holder of its leases
  const holder = newId('prc');
  const live = new Map<string, Live>();
  let enabled = new Map<string, Connector>();
  let routes: Route[] = [];
  let version: bigint | null = null;
  let leasedAt = 0;
  let started = false;
  let timer: NodeJS.Timeout | null = null;
  let unlisten: (() => Promise<void>) | null = null;

  async function startSession(c: Connector, slot: number): Promise<Session> {
    const upstream = deps.factory(c);
    upstream.onReceipt((r) => deps.onReceipt(c.id, r));
    upstream.onInbound((m) => deps.onInbound(c.id, m));
    // Waits for the first attempt to bind, for a while only: a sync (and the lease renewals it
    // carries) must not stall behind an SMSC that does not answer; the session keeps trying.
    let wait: NodeJS.Timeout | undefined;
    await Promise.race([
      upstream.start().catch((err: unknown) => deps.log.warn({ err, connector: c.name, slot }, 'connector did not start; it keeps retrying')),
      new Promise((resolve) => (wait = setTimeout(resolve, START_WAIT_MS))),
    ]);
    clearTimeout(wait);
    return { slot, upstream };
  }

  async function stopSessions(id: string, keep: (s: Session) => boolean = () => false) {
    const l = live.get(id);
    if (!l) return;
    const gone = l.sessions.filter((s) => !keep(s));
    l.sessions = l.sessions.filter(keep);
    if (!l.sessions.length) live.delete(id);
    for (const s of gone) await s.upstream.stop();
  }

  /**
   * Brings the live sessions and the route table in line with the database: the version first
   * (a change committed after it is seen by the next comparison), then connectors, routes and a
   * lease round. A connector whose settings changed is reconnected; an HTTP connector holds no
   * session with anyone and runs in every process; the others run one session per leased slot.
   */
  async function syncOnce() {
    const v = await repo.routingVersion();
    // a process that must not bind (CHAPAR_ROLE=api, smpp) reads the routes only, and takes no lease
    const connectors = deps.connectors === false ? [] : await repo.listConnectors();
    const table = await repo.listRoutes();
    const leases = deps.connectors === false ? [] : await repo.leaseRound(holder, opts.leaseMs);
    leasedAt = Date.now();
    const byId = new Map(connectors.filter((c) => c.enabled).map((c) => [c.id, c]));
    const want = new Map<string, Set<number>>();
    for (const c of byId.values()) if (c.kind === 'http') want.set(c.id, new Set([0]));
    for (const l of leases) if (byId.has(l.connectorId)) want.set(l.connectorId, (want.get(l.connectorId) ?? new Set()).add(l.slot));
    for (const [id, l] of [...live]) {
      const c = byId.get(id);
      const same = c && c.kind === l.connector.kind && JSON.stringify(c.settings) === JSON.stringify(l.connector.settings);
      await stopSessions(id, (s) => Boolean(same && want.get(id)?.has(s.slot)));
      if (c && live.has(id)) live.get(id)!.connector = c;
    }
    // the new table at once; sessions that start join it as they come up
    enabled = byId;
    routes = table;
    version = v;
    const starting: Promise<void>[] = [];
    for (const [id, slots] of want) {
      const c = byId.get(id)!;
      for (const slot of slots) {
        if (live.get(id)?.sessions.some((s) => s.slot === slot)) continue;
        starting.push(startSession(c, slot).then((session) => {
          const l = live.get(id) ?? { connector: c, sessions: [] };
          l.sessions.push(session);
          l.sessions.sort((x, y) => x.slot - y.slot);
          live.set(id, l);
        }));
      }
    }
    await Promise.all(starting);
  }

  // One sync at a time; calls that arrive meanwhile share the next one, which reads afresh.
  let chain: Promise<void> = Promise.resolve();
  let next: Promise<void> | null = null;
  function sync(): Promise<void> {
    if (!started) return Promise.resolve();
    next ??= chain.then(() => {
      next = null;
      return started ? syncOnce() : undefined;
    });
    const run = next;
    chain = run.catch(() => undefined);
    return run;
  }

  const syncLogged = () => sync().catch((err: unknown) => deps.log.error({ err }, 'routing: could not follow the database'));

  /** LISTEN for changes made anywhere; compare the version every pollMs in case one is missed. */
  async function follow() {
    if (opts.pollMs <= 0) return;
    timer = setInterval(() => {
      void (async () => {
        if (Date.now() - leasedAt >= opts.leaseMs / 5 || (await repo.routingVersion()) !== version) await sync();
      })().catch((err: unknown) => deps.log.error({ err }, 'routing: could not follow the database'));
    }, opts.pollMs);
    try {
      unlisten = (await deps.db.listen?.(ROUTING_CHANNEL, () => void syncLogged())) ?? null;
    } catch (err) {
      deps.log.warn({ err }, 'routing: cannot LISTEN; following changes by polling only');
    }
  }

  // Routes of equal priority share the load (round robin across connectors and their binds);
  // lower priorities are the failover for higher ones. Only connectors with a session here are
  // offered: a connector's binds are held by the processes that lease them.
  let turn = 0;
  const matches = (r: Route, m: { operator: string; lineType: string; messageClass: string }) =>
    (!r.operator || r.operator === m.operator) && (!r.lineType || r.lineType === m.lineType) && (!r.messageClass || r.messageClass === m.messageClass);
  const router: ConnectorRouter = {
    candidates(m) {
      const out: RoutedConnector[] = [];
      let i = 0;
      while (i < routes.length) {
        const tier: RoutedConnector[] = [];
        const priority = routes[i].priority;
        for (; i < routes.length && routes[i].priority === priority; i++) {
          const r = routes[i];
          if (!matches(r, m)) continue;
          const l = live.get(r.connectorId);
          if (!l?.sessions.length || out.some((o) => o.id === r.connectorId) || tier.some((o) => o.id === r.connectorId)) continue;
          tier.push({ id: r.connectorId, upstream: l.sessions[turn % l.sessions.length].upstream, window: windowOf(l.connector) });
        }
        if (tier.length > 1) {
          const k = turn++ % tier.length;
          out.push(...tier.slice(k), ...tier.slice(0, k));
        } else {
          if (tier.length) turn++;
          out.push(...tier);
        }
      }
      return out;
    },
    heldElsewhere: (m) => routes.some((r) => matches(r, m) && enabled.has(r.connectorId) && !live.has(r.connectorId)),
    ready: () => live.size > 0 || enabled.size === 0,
  };

  function requirePlatform(caller: Account) {
    if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
  }

  const reload = sync;

  return {
    router,
    /** Brings this process in line with the database now (a change made here is followed at once). */
    reload,
    /** Takes leases and binds, then follows changes made by any process. */
    async start() {
      started = true;
      await sync();
      await follow();
    },
    /** Closes this process's sessions and gives its leases back for another process to take. */
    async stop() {
      started = false;
      if (timer) clearInterval(timer);
      timer = null;
      await unlisten?.().catch(() => undefined);
      unlisten = null;
      await chain;
      for (const id of [...live.keys()]) await stopSessions(id);
      await repo.releaseLeases(holder).catch((err: unknown) => deps.log.warn({ err }, 'routing: leases not given back; they run out'));
    },
    /** The live upstream of a connector (the simulator's SMSC for demo injections and tests). */
    upstream: (connectorId: string): Upstream | null => live.get(connectorId)?.sessions[0]?.upstream ?? null,
    settings: (connectorId: string): Record<string, unknown> | null => live.get(connectorId)?.connector.settings ?? null,
    /** Each connector with a session here: its sessions' figures added up. */
    stats(): Record<string, UpstreamStats> {
      return Object.fromEntries([...live.entries()].map(([id, l]) => [id, sumStats(l.sessions.map((s) => s.upstream.stats()))]));
    },
    /** Of these connectors, those enabled now, locked until tx commits (messages record through this). */
    lockEnabled: (tx: Db, ids: readonly string[]) => routingRepo(tx).lockEnabled(ids),
    /** Sessions this process holds per connector. */
    binds(): Record<string, number> {
      return Object.fromEntries([...live.entries()].map(([id, l]) => [id, l.sessions.length]));
    },
    async listConnectors(caller: Account) {
      requirePlatform(caller);
      return repo.listConnectors();
    },
    /** Receipts given up unmatched, per connector, since it was made (the connectors page). */
    async unmatchedReceipts(caller: Account) {
      requirePlatform(caller);
      return repo.unmatchedReceipts();
    },
    /** Counts receipts given up unmatched (the receipt processor, after its flush committed). */
    recordUnmatched: (rows: { connectorId: string; count: number; lastUpstreamId: string }[], at: Date) => repo.addUnmatchedReceipts(rows, at),
    async createConnector(caller: Account, c: Omit<Connector, 'id'>) {
      requirePlatform(caller);
      const connector = { ...c, settings: checkedSettings(c.kind, c.settings), id: newId('con') };
      await repo.insertConnector(connector);
      await reload();
      return connector;
    },
    async updateConnector(caller: Account, id: string, p: { name?: string; settings?: Record<string, unknown>; enabled?: boolean; binds?: number }) {
      requirePlatform(caller);
      const current = await repo.findConnector(id);
      if (!current) throw new AppError('NOT_FOUND');
      // Secrets are shown masked; an edit that sends the mask back (or leaves a secret out) keeps it.
      const settings = p.settings && checkedSettings(current.kind, keepSecrets(current.settings, p.settings));
      await repo.updateConnector(id, { ...p, settings });
      await reload();
      return (await repo.findConnector(id))!;
    },
    async deleteConnector(caller: Account, id: string) {
      requirePlatform(caller);
      if (!(await repo.findConnector(id))) throw new AppError('NOT_FOUND');
      await repo.deleteConnector(id);
      await reload();
    },
    async listRoutes(caller: Account) {
      requirePlatform(caller);
      return repo.listRoutes();
    },
    async createRoute(caller: Account, r: Omit<Route, 'id'>) {
      requirePlatform(caller);
      if (!(await repo.findConnector(r.connectorId))) throw new AppError('NOT_FOUND');
      const route = { ...r, id: newId('rte') };
      await repo.insertRoute(route);
      await reload();
      return route;
    },
    async deleteRoute(caller: Account, id: string) {
      requirePlatform(caller);
      if (!(await repo.deleteRoute(id))) throw new AppError('NOT_FOUND');
      await reload();
    },
    /** A new install sends at once: the simulator connector and a catch-all route. */
    async ensureDefaults(simulatorSettings: Record<string, unknown>) {
      if ((await repo.listConnectors()).length) return;
      const id = newId('con');
      await repo.insertConnector({ id, name: 'simulator', kind: 'simulator', settings: simulatorSettings, enabled: true, binds: 1 });
      await repo.insertRoute({ id: newId('rte'), priority: 1000, operator: null, lineType: null, messageClass: null, connectorId: id });
    },
  };
}

export type RoutingService = ReturnType<typeof createRoutingService>;

const ROUTING_CHANNEL = 'chapar_routing';

/** How long a sync waits for a new session's first bind attempt. */
const START_WAIT_MS = 2000;

const STATE_ORDER: UpstreamStats['state'][] = ['bound', 'connecting', 'backoff', 'idle', 'stopped'];

function sumStats(all: UpstreamStats[]): UpstreamStats {
  if (all.length === 1) return all[0];
  const sum = (k: keyof Omit<UpstreamStats, 'state' | 'lastError'>) => all.reduce((n, s) => n + (s[k] ?? 0), 0);
  const optional = (k: 'binds' | 'genericNacks') => (all.some((s) => s[k] !== undefined) ? { [k]: sum(k) } : {});
  const state = STATE_ORDER.find((st) => all.some((s) => s.state === st)) ?? 'idle';
  const lastError = all.find((s) => s.lastError)?.lastError;
  return {
    state, inFlight: sum('inFlight'), queued: sum('queued'), submitted: sum('submitted'), accepted: sum('accepted'), failed: sum('failed'),
    throttled: sum('throttled'), receipts: sum('receipts'), inbound: sum('inbound'), reconnects: sum('reconnects'),
    ...optional('binds'), ...optional('genericNacks'), ...(lastError ? { lastError } : {}),
  };
}
