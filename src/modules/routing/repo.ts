import type { Db } from '../../db/driver.ts';
import type { UpstreamKind } from '../../upstreams/upstream.ts';

export type Connector = { id: string; name: string; kind: UpstreamKind; settings: Record<string, unknown>; enabled: boolean };
export type Route = { id: string; priority: number; operator: string | null; lineType: string | null; messageClass: string | null; connectorId: string };

const toConnector = (r: Record<string, unknown>): Connector => ({
  id: r.id as string,
  name: r.name as string,
  kind: r.kind as UpstreamKind,
  settings: (r.settings as Record<string, unknown>) ?? {},
  enabled: Boolean(r.enabled),
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
      await db.query('INSERT INTO connectors (id, name, kind, settings, enabled) VALUES ($1,$2,$3,$4,$5)', [c.id, c.name, c.kind, JSON.stringify(c.settings), c.enabled]);
    },
    async updateConnector(id: string, p: { name?: string; settings?: Record<string, unknown>; enabled?: boolean }): Promise<void> {
      await db.query(
        'UPDATE connectors SET name = COALESCE($2, name), settings = COALESCE($3::jsonb, settings), enabled = COALESCE($4, enabled), updated_at = now() WHERE id = $1',
        [id, p.name ?? null, p.settings ? JSON.stringify(p.settings) : null, p.enabled ?? null],
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
  };
}
