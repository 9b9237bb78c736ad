// Connectors and routes as GET /api/v1/connectors and /api/v1/routes answer them.
export type ConnectorStats = { state: string; inFlight: number; queued: number; submitted: number; accepted: number; failed: number; throttled: number; receipts: number; inbound: number; reconnects: number; lastError?: string };
export type Connector = { id: string; name: string; kind: 'smpp' | 'http' | 'simulator'; settings: Record<string, unknown>; enabled: boolean; binds: number; stats: ConnectorStats | null;
  /** receipts that matched no message, all servers together */
  unmatchedReceipts?: { count: number; lastUpstreamId: string | null; lastAt: string | null } };
export type Route = { id: string; priority: number; operator: string | null; lineType: string | null; messageClass: string | null; connectorId: string };
