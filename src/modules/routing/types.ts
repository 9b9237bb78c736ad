// What the dispatcher asks of routing (routing/service.ts answers it): the connectors to try for a
// message, in order, among those with a session in this process.
import type { Upstream } from '../../upstreams/upstream.ts';

/** window: the session's SMPP window (submit-gate.ts holds twice it from mark to record). */
export type RoutedConnector = { id: string; upstream: Upstream; window?: number };
export type RouteKey = { operator: string; lineType: string; messageClass: string };

export type ConnectorRouter = {
  /** Connectors with a session in this process, in the order to try them. */
  candidates(m: RouteKey): RoutedConnector[];
  /** A route matches an enabled connector whose binds other processes hold. */
  heldElsewhere?(m: RouteKey): boolean;
  /** false: this process holds no bind while some connector is enabled; others send. */
  ready?(): boolean;
};
