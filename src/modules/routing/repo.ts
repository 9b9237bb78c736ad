import { toBigInt, type Db } from '../../db/driver.ts';
import type { UpstreamKind } from '../../upstreams/upstream.ts';

/** binds: sessions with the SMSC all processes together may hold (HTTP connectors hold none). */
export type Connector = { id: string; name: string; kind: UpstreamKind; settings: Record<string, unknown>; enabled: boolean; binds: number };
export type Lease = { connectorId: string; slot: number };
export type Route = { id: string; priority: number; operator: string | null; lineType: string | null; messageClass: string | null; connectorId: string };

const toConnector = (r: Record<string, unknown>): Connector => ({
  id: r.id as string,
  name: r.name as string,
  kind: r.kind as UpstreamKind,
  settings: (r.settings as Record<string, unknown>) ?? {},
  enabled: Boolean(r.enabled),
  binds: Number(r.binds ?? 1),
});
const toRoute = (r: Record<string, unknown>): Route => ({
  id: r.id as string,
  priority: Number(r.priority),
  operator: (r.operator as string) ?? null,
  lineType: (r.line_type as string) ?? null,
  messageClass: (r.message_class as string) ?? null,
  connectorId: r.connector_id as string,
});

export function routingRepo(db: Db) {
  return {
    async listConnectors(): Promise<Connector[]> {
      return (await db.query('SELECT * FROM connectors ORDER BY created_at, name')).rows.map(toConnector);
    },
    async findConnector(id: string): Promise<Connector | null> {
      const { rows } = await db.query('SELECT * FROM connectors WHERE id = $1', [id]);
      return rows[0] ? toConnector(rows[0]) : null;
    },
    async insertConnector(c: Connector): Promise<void> {
      await db.query('INSERT INTO connectors (id, name, kind, settings, enabled, binds) VALUES ($1,$2,$3,$4,$5,$6)', [c.id, c.name, c.kind, JSON.stringify(c.settings), c.enabled, c.binds]);
    },
    async updateConnector(id: string, p: { name?: string; settings?: Record<string, unknown>; enabled?: boolean; binds?: number }): Promise<void> {
      await db.query(
        'UPDATE connectors SET name = COALESCE($2, name), settings = COALESCE($3::jsonb, settings), enabled = COALESCE($4, enabled), binds = COALESCE($5, binds), updated_at = now() WHERE id = $1',
        [id, p.name ?? null, p.settings ? JSON.stringify(p.settings) : null, p.enabled ?? null, p.binds ?? null],
      );
    },
    async deleteConnector(id: string): Promise<void> {
      await db.query('DELETE FROM connectors WHERE id = $1', [id]);
    },
    async listRoutes(): Promise<Route[]> {
      return (await db.query('SELECT * FROM routes ORDER BY priority, created_at')).rows.map(toRoute);
    },
    async insertRoute(r: Route): Promise<void> {
      await db.query('INSERT INTO routes (id, priority, operator, line_type, message_class, connector_id) VALUES ($1,$2,$3,$4,$5,$6)', [
        r.id, r.priority, r.operator, r.lineType, r.messageClass, r.connectorId,
      ]);
    },
    async deleteRoute(id: string): Promise<boolean> {
      return (await db.query('DELETE FROM routes WHERE id = $1', [id])).rowCount > 0;
    },
    /** Adds receipts given up unmatched to their connectors' counts. */
    async addUnmatchedReceipts(rows: { connectorId: string; count: number; lastUpstreamId: string }[], at: Date): Promise<void> {
      if (!rows.length) return;
      await db.query(
        `INSERT INTO connector_unmatched_receipts (connector_id, count, last_upstream_id, last_at)
         SELECT c, n, u, $4 FROM unnest($1::text[], $2::int8[], $3::text[]) AS t(c, n, u)
         ON CONFLICT (connector_id) DO UPDATE SET count = connector_unmatched_receipts.count + excluded.count, last_upstream_id = excluded.last_upstream_id, last_at = excluded.last_at`,
        [rows.map((r) => r.connectorId), rows.map((r) => String(r.count)), rows.map((r) => r.lastUpstreamId), at],
      );
    },
    async unmatchedReceipts(): Promise<Map<string, { count: number; lastUpstreamId: string | null; lastAt: Date | null }>> {
      const { rows } = await db.query('SELECT connector_id, count, last_upstream_id, last_at FROM connector_unmatched_receipts');
      return new Map(rows.map((r) => [r.connector_id as string, { count: Number(r.count), lastUpstreamId: (r.last_upstream_id as string) ?? null, lastAt: r.last_at ? new Date(r.last_at as string) : null }]));
    },
    /** Bumped (and notified) by a trigger on every change to connectors or routes (migration 0040). */
    async routingVersion(): Promise<bigint> {
      const { rows } = await db.query('SELECT version FROM routing_version');
      return toBigInt(rows[0]?.version);
    },

    /**
     * One lease round for this holder, on the database's clock: gives back the slots that no
     * longer exist (connector disabled, removed, fewer binds), renews the rest, and takes at most
     * one more slot per connector that is free or whose lease ran out. Returns the slots held.
     * Two processes taking one slot at once: the second's ON CONFLICT waits for the first and
     * then finds a live lease, so it takes nothing.
     */
    async leaseRound(holder: string, leaseMs: number): Promise<Lease[]> {
      await db.query(
        `DELETE FROM connector_binds b WHERE b.holder = $1
           AND NOT EXISTS (SELECT 1 FROM connectors c WHERE c.id = b.connector_id AND c.enabled AND c.kind <> 'http' AND b.slot < c.binds)`,
        [holder],
      );
      await db.query("UPDATE connector_binds SET expires_at = now() + $2 * interval '1 millisecond' WHERE holder = $1", [holder, leaseMs]);
      await db.query(
        `INSERT INTO connector_binds (connector_id, slot, holder, expires_at)
         SELECT DISTINCT ON (c.id) c.id, s.slot, $1, now() + $2 * interval '1 millisecond'
         FROM connectors c CROSS JOIN LATERAL generate_series(0, c.binds - 1) AS s(slot)
         LEFT JOIN connector_binds b ON b.connector_id = c.id AND b.slot = s.slot
         WHERE c.enabled AND c.kind <> 'http' AND (b.connector_id IS NULL OR b.expires_at < now())
         ORDER BY c.id, s.slot
         ON CONFLICT (connector_id, slot) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
           WHERE connector_binds.expires_at < now()`,
        [holder, leaseMs],
      );
      const { rows } = await db.query('SELECT connector_id, slot FROM connector_binds WHERE holder = $1 ORDER BY connector_id, slot', [holder]);
      return rows.map((r) => ({ connectorId: r.connector_id as string, slot: Number(r.slot) }));
    },
    /** A stopping process gives its slots back at once, and tells the others to take them. */
    async releaseLeases(holder: string): Promise<void> {
      await db.query('DELETE FROM connector_binds WHERE holder = $1', [holder]);
      await db.query("SELECT pg_notify('chapar_routing', 'binds')");
    },
    /**
     * Of these connectors, those enabled now, their rows share-locked to the end of the caller's
     * transaction: disabling one waits for that transaction, and one disabled first is not seen.
     */
    async lockEnabled(ids: readonly string[]): Promise<Set<string>> {
      if (!ids.length) return new Set();
      const { rows } = await db.query('SELECT id FROM connectors WHERE id = ANY($1::text[]) AND enabled ORDER BY id FOR SHARE', [[...new Set(ids)]]);
      return new Set(rows.map((r) => r.id as string));
    },
  };
}
