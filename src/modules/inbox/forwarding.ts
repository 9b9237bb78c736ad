// Forwarding rules per line: every message received on the line also goes to a URL (a signed POST,
// retried), an e-mail address, or another mobile (sent from the same line, charged to its owner).
import type { Db } from '../../db/driver.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseIranMobile, toLocalMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import type { LineService } from '../lines/service.ts';
import type { WebhookService } from '../webhooks/service.ts';
import type { ReceivePermission } from './service.ts';
import { inboxRepo, type ForwardingRule, type ForwardKind } from './repo.ts';


const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function createForwarding(deps: { db: Db; lines: Pick<LineService, 'findReceiver'>; webhooks: Pick<WebhookService, 'assertAllowed' | 'createForwardEndpoint' | 'removeForwardEndpoint'>; permissions?: ReceivePermission }) {
  /** Only the account that receives on the line, with a package that allows receiving, sets where its messages go. */
  async function requireReceiver(caller: Account, lineId: string) {
    await deps.permissions?.(deps.db, caller.id, 'receive');
    const receiver = await deps.lines.findReceiver(lineId);
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
      const rule = { id, lineId, kind: input.kind, target, endpointId };
      await inboxRepo(tx).insertRule({ ...rule, accountId: caller.id });
      return rule;
    });
  }

  async function remove(caller: Account, lineId: string, id: string): Promise<void> {
    await deps.db.transaction(async (tx) => {
      const gone = await inboxRepo(tx).deleteRule(id, lineId, caller.id);
      if (!gone) throw new AppError('NOT_FOUND');
      // the rule's own endpoint goes with it (the webhooks module owns that table)
      if (gone.endpointId) await deps.webhooks.removeForwardEndpoint(tx, gone.endpointId);
    });
  }

  return { list, add, remove };
}

export function rulesFor(db: Db, lineId: string, accountId: string): Promise<ForwardingRule[]> {
  return inboxRepo(db).rulesFor(lineId, accountId);
}

/** The forwarded text: who sent it, then what they wrote. */
export const forwardedText = (from: string, body: string) => `${toLocalMobile(from)}: ${body}`;
