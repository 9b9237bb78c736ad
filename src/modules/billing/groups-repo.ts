// SQL for user groups and their price lists. A group belongs to the account that defines it (an
// agency or the platform); reads take the caller's scope and see only the caller's own groups.
import type { Db, Row } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';
import type { Alphabet, Coefficients, Override, PriceCeiling, PriceList } from './pricing.ts';

export type UserGroup = PriceList & { id: string; ownerId: string; name: string; isDefault: boolean; members: number; createdAt: Date; updatedAt: Date };

const columns = `g.id, g.owner_id, g.name, g.is_default, g.base_price, g.receive_price, g.coefficients, g.created_at, g.updated_at,
  (SELECT count(*) FROM wallets w WHERE w.group_id = g.id)::int8 AS members`;

function toGroup(r: Row, overrides: Override[]): UserGroup {
  return {
    id: r.id as string, ownerId: r.owner_id as string, name: r.name as string, isDefault: Boolean(r.is_default),
    basePrice: toBigInt(r.base_price), receivePrice: toBigInt(r.receive_price),
    coefficients: (typeof r.coefficients === 'string' ? JSON.parse(r.coefficients) : r.coefficients) as Coefficients,
    overrides, members: Number(r.members), createdAt: toDate(r.created_at)!, updatedAt: toDate(r.updated_at)!,
  };
}

const toCeiling = (r: Row | undefined): PriceCeiling => ({
  multiple: r ? Number(r.price_ceiling_multiple) : 100,
  reference: r ? toBigInt(r.price_ceiling_reference) : 1000n,
});

export type GroupChanges = { name?: string; basePrice?: bigint; receivePrice?: bigint; coefficients?: Coefficients; overrides?: Override[] };

export function groupRepo(db: Db) {
  async function overridesOf(ids: string[]): Promise<Map<string, Override[]>> {
    const map = new Map<string, Override[]>(ids.map((id) => [id, []]));
    if (!ids.length) return map;
    const { rows } = await db.query('SELECT * FROM price_overrides WHERE group_id = ANY($1) ORDER BY operator, line_type, message_class, alphabet', [ids]);
    for (const r of rows)
      map.get(r.group_id as string)!.push({
        operator: r.operator as string, lineType: r.line_type as string, messageClass: r.message_class as string, alphabet: r.alphabet as Alphabet, price: toBigInt(r.price),
      });
    return map;
  }

  async function replaceOverrides(groupId: string, overrides: Override[]): Promise<void> {
    await db.query('DELETE FROM price_overrides WHERE group_id = $1', [groupId]);
    if (!overrides.length) return;
    await db.query(
      `INSERT INTO price_overrides (group_id, operator, line_type, message_class, alphabet, price)
       SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])`,
      [groupId, overrides.map((o) => o.operator), overrides.map((o) => o.lineType), overrides.map((o) => o.messageClass), overrides.map((o) => o.alphabet), overrides.map((o) => o.price.toString())],
    );
  }

  return {
    async insert(g: { id: string; ownerId: string; name: string; isDefault: boolean } & GroupChanges): Promise<void> {
      await db.query(
        `INSERT INTO user_groups (id, owner_id, name, is_default, base_price, receive_price, coefficients) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
        [g.id, g.ownerId, g.name, g.isDefault, (g.basePrice ?? 0n).toString(), (g.receivePrice ?? 0n).toString(), JSON.stringify(g.coefficients ?? {})],
      );
      if (g.overrides?.length) await replaceOverrides(g.id, g.overrides);
    },

    async update(groupId: string, c: GroupChanges): Promise<void> {
      await db.query(
        `UPDATE user_groups SET name = COALESCE($2, name), base_price = COALESCE($3::int8, base_price), receive_price = COALESCE($4::int8, receive_price),
           coefficients = COALESCE($5::jsonb, coefficients), updated_at = now() WHERE id = $1`,
        [groupId, c.name ?? null, c.basePrice?.toString() ?? null, c.receivePrice?.toString() ?? null, c.coefficients ? JSON.stringify(c.coefficients) : null],
      );
      if (c.overrides) await replaceOverrides(groupId, c.overrides);
    },

    async delete(groupId: string): Promise<void> {
      await db.query('DELETE FROM user_groups WHERE id = $1', [groupId]);
    },

    /** The caller's own groups. */
    async list(scope: Scope): Promise<UserGroup[]> {
      const { rows } = await db.query(`SELECT ${columns} FROM user_groups g WHERE g.owner_id = $1 ORDER BY g.is_default DESC, g.name`, [scope.accountId]);
      const o = await overridesOf(rows.map((r) => r.id as string));
      return rows.map((r) => toGroup(r, o.get(r.id as string)!));
    },

    /** One of the caller's own groups. */
    async find(scope: Scope, groupId: string): Promise<UserGroup | null> {
      const { rows } = await db.query(`SELECT ${columns} FROM user_groups g WHERE g.id = $1 AND g.owner_id = $2`, [groupId, scope.accountId]);
      if (!rows[0]) return null;
      return toGroup(rows[0], (await overridesOf([groupId])).get(groupId)!);
    },

    async findDefaultId(ownerId: string): Promise<string | null> {
      const { rows } = await db.query('SELECT id FROM user_groups WHERE owner_id = $1 AND is_default', [ownerId]);
      return (rows[0]?.id as string | undefined) ?? null;
    },

    async ownerOf(groupId: string): Promise<string | null> {
      const { rows } = await db.query('SELECT owner_id FROM user_groups WHERE id = $1', [groupId]);
      return (rows[0]?.owner_id as string | undefined) ?? null;
    },

    /**
     * Price lists by group id, for pricing a chain (no scope: the chain is the sender's own), with
     * the platform's price ceiling read in the same statement.
     */
    async priceLists(groupIds: string[]): Promise<{ lists: Map<string, PriceList>; ceiling: PriceCeiling }> {
      const ids = [...new Set(groupIds)];
      const { rows } = await db.query(
        `SELECT ${columns}, s.price_ceiling_multiple, s.price_ceiling_reference FROM billing_settings s LEFT JOIN user_groups g ON g.id = ANY($1)`,
        [ids],
      );
      const o = await overridesOf(ids);
      const lists = new Map(rows.filter((r) => r.id !== null).map((r) => [r.id as string, toGroup(r, o.get(r.id as string)!)]));
      return { lists, ceiling: toCeiling(rows[0]) };
    },

    async ceiling(): Promise<PriceCeiling> {
      const { rows } = await db.query('SELECT price_ceiling_multiple, price_ceiling_reference FROM billing_settings');
      return toCeiling(rows[0]);
    },

    async setCeiling(c: PriceCeiling): Promise<void> {
      await db.query('UPDATE billing_settings SET price_ceiling_multiple = $1, price_ceiling_reference = $2, updated_at = now()', [c.multiple, c.reference.toString()]);
    },
  };
}
