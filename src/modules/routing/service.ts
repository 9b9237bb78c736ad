// Connectors (upstream links) and routes, managed by the platform; the live upstream objects they
// describe; and the routing decision the dispatcher asks for each message.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/repo.ts';
import type { DeliveryReceipt, InboundPart, Upstream, UpstreamStats } from '../../upstreams/upstream.ts';
import type { ConnectorRouter, RoutedConnector } from '../messages/dispatcher.ts';
import { routingRepo, type Connector, type Route } from './repo.ts';

export type UpstreamFactory = (c: Connector) => Upstream;

export const SECRET_SETTING = /password|secret|token|api_?key/i;
export const SECRET_MASK = '••••';

function keepSecrets(current: Record<string, unknown>, next: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...next };
  for (const [k, v] of Object.entries(current)) {
    if (!SECRET_SETTING.test(k)) continue;
    if (!(k in next) || next[k] === SECRET_MASK) merged[k] = v;
  }
  return merged;
}

export function createRoutingService(deps: {
  db: Db;
  log: Logger;
  factory: UpstreamFactory;
  /** May return a promise: the connector acknowledges the PDU once it resolves. */
  onReceipt: (connectorId: string, r: DeliveryReceipt) => void | Promise<void>;
  onInbound: (connectorId: string, m: InboundPart) => void | Promise<void>;
  /** false in a process that must not bind (CHAPAR_ROLE=api, smpp): reload reads the routes only */
  connectors?: boolean;
}) {
  const repo = routingRepo(deps.db);
  const live = new Map<string, { connector: Connector; upstream: Upstream }>();
  let routes: Route[] = [];

  async function startConnector(c: Connector) {
    const upstream = deps.factory(c);
    upstream.onReceipt((r) => deps.onReceipt(c.id, r));
    upstream.onInbound((m) => deps.onInbound(c.id, m));
    live.set(c.id, { connector: c, upstream });
    await upstream.start().catch((err: unknown) => deps.log.warn({ err, connector: c.name }, 'connector did not start; it keeps retrying'));
  }

  async function stopConnector(id: string) {
    const l = live.get(id);
    live.delete(id);
    await l?.upstream.stop();
  }

  /** Brings the live connectors and the route table in line with the database. */
  async function reload() {
    const connectors = deps.connectors === false ? [] : await repo.listConnectors();
    for (const id of [...live.keys()]) {
      const c = connectors.find((x) => x.id === id);
      if (!c || !c.enabled || JSON.stringify(c.settings) !== JSON.stringify(live.get(id)!.connector.settings)) await stopConnector(id);
    }
    for (const c of connectors) if (c.enabled && !live.has(c.id)) await startConnector(c);
    routes = await repo.listRoutes();
  }

  // Routes of equal priority share the load (round robin across binds); lower priorities are the
  // failover for higher ones.
  let turn = 0;
  const router: ConnectorRouter = {
    candidates(m) {
      const out: RoutedConnector[] = [];
      let i = 0;
      while (i < routes.length) {
        const tier: RoutedConnector[] = [];
        const priority = routes[i].priority;
        for (; i < routes.length && routes[i].priority === priority; i++) {
          const r = routes[i];
          if (r.operator && r.operator !== m.operator) continue;
          if (r.lineType && r.lineType !== m.lineType) continue;
          if (r.messageClass && r.messageClass !== m.messageClass) continue;
          const l = live.get(r.connectorId);
          if (l && !out.some((o) => o.id === r.connectorId) && !tier.some((o) => o.id === r.connectorId)) tier.push({ id: r.connectorId, upstream: l.upstream });
        }
        if (tier.length > 1) {
          const k = turn++ % tier.length;
          out.push(...tier.slice(k), ...tier.slice(0, k));
        } else out.push(...tier);
      }
      return out;
    },
  };

  function requirePlatform(caller: Account) {
    if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
  }

  return {
    router,
    reload,
    async stop() {
      for (const id of [...live.keys()]) await stopConnector(id);
    },
    /** The live upstream of a connector (the simulator's SMSC for demo injections and tests). */
    upstream: (connectorId: string): Upstream | null => live.get(connectorId)?.upstream ?? null,
    settings: (connectorId: string): Record<string, unknown> | null => live.get(connectorId)?.connector.settings ?? null,
    stats(): Record<string, UpstreamStats> {
      return Object.fromEntries([...live.entries()].map(([id, l]) => [id, l.upstream.stats()]));
    },
    async listConnectors(caller: Account) {
      requirePlatform(caller);
      return repo.listConnectors();
    },
    async createConnector(caller: Account, c: Omit<Connector, 'id'>) {
      requirePlatform(caller);
      const connector = { ...c, id: newId('con') };
      await repo.insertConnector(connector);
      await reload();
      return connector;
    },
    async updateConnector(caller: Account, id: string, p: { name?: string; settings?: Record<string, unknown>; enabled?: boolean }) {
      requirePlatform(caller);
      const current = await repo.findConnector(id);
      if (!current) throw new AppError('NOT_FOUND');
      // Secrets are shown masked; an edit that sends the mask back (or leaves a secret out) keeps it.
      const settings = p.settings && keepSecrets(current.settings, p.settings);
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
      await repo.insertConnector({ id, name: 'simulator', kind: 'simulator', settings: simulatorSettings, enabled: true });
      await repo.insertRoute({ id: newId('rte'), priority: 1000, operator: null, lineType: null, messageClass: null, connectorId: id });
    },
  };
}

export type RoutingService = ReturnType<typeof createRoutingService>;
