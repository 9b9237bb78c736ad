// Forwarding rules per line: every message received on the line also goes to a URL (a signed POST,
// retried), an e-mail address, or another mobile (sent from the same line, charged to its owner).
import type { Db } from '../../db/driver.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseIranMobile, toLocalMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { lineRepo } from '../lines/repo.ts';
import type { WebhookService } from '../webhooks/service.ts';
import type { ReceivePermission } from './service.ts';

export type ForwardKind = 'url' | 'email' | 'sms';
export type ForwardingRule = { id: string; lineId: string; kind: ForwardKind; target: string; endpointId: string | null };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function createForwarding(deps: { db: Db; webhooks: Pick<WebhookService, 'assertAllowed' | 'createForwardEndpoint'>; permissions?: ReceivePermission }) {
  /** Only the account that receives on the line, with a package that allows receiving, sets where its messages go. */
  async function requireReceiver(caller: Account, lineId: string) {
    await deps.permissions?.(deps.db, caller.id, 'receive');
    const receiver = await lineRepo(deps.db).findReceiver(lineId);
    if (!receiver || receiver.accountId !== caller.id) throw new AppError('NOT_FOUND');
  }

  async function list(caller: Account, lineId: string): Promise<ForwardingRule[]> {
    await requireReceiver(caller, lineId);
    return rulesFor(deps.db, lineId, caller.id);
  }

  async function add(caller: Account, lineId: string, input: { kind: ForwardKind; target: string }): Promise<ForwardingRule> {
    await requireReceiver(caller, lineId);
    let target = input.target.trim();
    if (input.kind === 'email' && !EMAIL.test(target)) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'target', message: 'email' }] });
    if (input.kind === 'sms') {
      const e164 = normaliseIranMobile(target);
      if (!e164) throw new AppError('INVALID_MOBILE', { fields: [{ path: 'target' }] });
      target = e164;
    }
    // Resolved before the transaction: a slow DNS answer must not hold the database.
    if (input.kind === 'url') await deps.webhooks.assertAllowed(target, 'target');
    const id = newId('in');
    return deps.db.transaction(async (tx) => {
      const endpointId = input.kind === 'url' ? await deps.webhooks.createForwardEndpoint(tx, caller.id, target) : null;
      await tx.query('INSERT INTO forwarding_rules (id, line_id, account_id, kind, target, endpoint_id) VALUES ($1,$2,$3,$4,$5,$6)', [id, lineId, caller.id, input.kind, target, endpointId]);
      return { id, lineId, kind: input.kind, target, endpointId };
    });
  }

  async function remove(caller: Account, lineId: string, id: string): Promise<void> {
    const { rows } = await deps.db.query('DELETE FROM forwarding_rules WHERE id = $1 AND line_id = $2 AND account_id = $3 RETURNING endpoint_id', [id, lineId, caller.id]);
    if (!rows.length) throw new AppError('NOT_FOUND');
    if (rows[0].endpoint_id) await deps.db.query('DELETE FROM webhook_endpoints WHERE id = $1', [rows[0].endpoint_id]);
  }

  return { list, add, remove };
}

export async function rulesFor(db: Db, lineId: string, accountId: string): Promise<ForwardingRule[]> {
  const { rows } = await db.query('SELECT * FROM forwarding_rules WHERE line_id = $1 AND account_id = $2 ORDER BY created_at', [lineId, accountId]);
  return rows.map((r) => ({ id: r.id as string, lineId: r.line_id as string, kind: r.kind as ForwardKind, target: r.target as string, endpointId: (r.endpoint_id as string) ?? null }));
}

/** The forwarded text: who sent it, then what they wrote. */
export const forwardedText = (from: string, body: string) => `${toLocalMobile(from)}: ${body}`;
