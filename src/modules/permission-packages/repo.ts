// The only SQL of access packages (بسته).
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import type { Scope } from '../accounts/scope.ts';

export const permissions = ['send_advertising', 'use_api', 'use_smpp', 'receive', 'create_subaccounts', 'see_reports'] as const;
export type Permission = (typeof permissions)[number];

export type Package = {
  id: string;
  ownerId: string;
  name: string;
  permissions: Permission[];
  groupId: string | null;
  defaultCredit: bigint;
  maxSubaccounts: number | null;
  validityDays: number | null;
  createdAt: Date;
  updatedAt: Date;
};
export type PackageFields = Pick<Package, 'name' | 'permissions' | 'groupId' | 'defaultCredit' | 'maxSubaccounts' | 'validityDays'>;

function toPackage(r: Record<string, unknown>): Package {
  return {
    id: r.id as string,
    ownerId: r.owner_id as string,
    name: r.name as string,
    permissions: (r.permissions as Permission[]) ?? [],
    groupId: (r.group_id as string | null) ?? null,
    defaultCredit: toBigInt(r.default_credit),
    maxSubaccounts: r.max_subaccounts === null ? null : Number(r.max_subaccounts),
    validityDays: r.validity_days === null ? null : Number(r.validity_days),
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
  };
}

export function packageRepo(db: Db) {
  return {
    async insert(p: PackageFields & { id: string; ownerId: string; at: Date }): Promise<void> {
      await db.query(
        `INSERT INTO packages (id, owner_id, name, permissions, group_id, default_credit, max_subaccounts, validity_days, created_at, updated_at)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$9)`,
        [p.id, p.ownerId, p.name, p.permissions, p.groupId, p.defaultCredit, p.maxSubaccounts, p.validityDays, p.at],
      );
    },
    async update(id: string, p: PackageFields, at: Date): Promise<void> {
      await db.query(
        `UPDATE packages SET name = $2, permissions = $3, group_id = $4, default_credit = $5, max_subaccounts = $6, validity_days = $7, updated_at = $8 WHERE id = $1`,
        [id, p.name, p.permissions, p.groupId, p.defaultCredit, p.maxSubaccounts, p.validityDays, at],
      );
    },
    /** The caller's own packages. */
    async list(scope: Scope): Promise<Package[]> {
      const { rows } = await db.query('SELECT * FROM packages WHERE owner_id = $1 ORDER BY name', [scope.accountId]);
      return rows.map(toPackage);
    },
    async findOwn(scope: Scope, id: string): Promise<Package | null> {
      const { rows } = await db.query('SELECT * FROM packages WHERE id = $1 AND owner_id = $2', [id, scope.accountId]);
      return rows[0] ? toPackage(rows[0]) : null;
    },
    /** The package an account was given (for permission checks, by the account's id). */
    async findOfAccount(accountId: string): Promise<Package | null> {
      const { rows } = await db.query('SELECT p.* FROM packages p JOIN accounts a ON a.package_id = p.id WHERE a.id = $1', [accountId]);
      return rows[0] ? toPackage(rows[0]) : null;
    },
    async countMembers(id: string): Promise<number> {
      const { rows } = await db.query<{ n: bigint }>('SELECT count(*)::int8 AS n FROM accounts WHERE package_id = $1', [id]);
      return Number(rows[0].n);
    },
    async delete(id: string): Promise<void> {
      await db.query('DELETE FROM packages WHERE id = $1', [id]);
    },
    async groupOwner(groupId: string): Promise<string | null> {
      const { rows } = await db.query('SELECT owner_id FROM user_groups WHERE id = $1', [groupId]);
      return (rows[0]?.owner_id as string | undefined) ?? null;
    },
    async countChildren(accountId: string): Promise<number> {
      const { rows } = await db.query<{ n: bigint }>('SELECT count(*)::int8 AS n FROM accounts WHERE parent_id = $1', [accountId]);
      return Number(rows[0].n);
    },
  };
}
