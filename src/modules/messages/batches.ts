// Reading and cancelling sends, scoped to the caller's subtree (owner or ancestors).
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf, type Scope } from '../accounts/scope.ts';
import { messageRepo, type Batch } from './repo.ts';
import type { Settlement } from './settlement.ts';

export function createBatchService(deps: { db: Db; clock: Clock; settlement: Settlement }) {
  const repo = messageRepo(deps.db);

  async function getBatch(scope: Scope, id: string): Promise<Batch & { counts: Record<string, number>; held: { reason: 'moderation' | 'sending_hours'; until: Date | null } | null }> {
    // status and counts from one snapshot: a batch never shows every message delivered yet not done
    const batch = await repo.findBatchWithCounts(scope, id);
    if (!batch) throw new AppError('NOT_FOUND');
    return { ...batch, held: batch.status === 'held' ? await repo.heldInfo(id) : null };
  }

  async function listRecipients(scope: Scope, id: string, f: { status?: string; q?: string; limit: number; cursor?: string }) {
    if (!(await repo.findBatch(scope, id))) throw new AppError('NOT_FOUND');
    const items = await repo.listRecipients(id, { status: f.status, q: f.q, limit: f.limit, afterId: f.cursor ? BigInt(f.cursor) : undefined });
    return { items, nextCursor: items.length === f.limit ? items[items.length - 1].id.toString() : null };
  }

  /** A scheduled send can be cancelled until it starts; its whole reservation goes back. */
  async function cancelBatch(caller: Account, id: string): Promise<Batch> {
    const now = deps.clock.now();
    const finals = await deps.db.transaction(async (tx) => {
      const r = messageRepo(tx);
      const batch = await r.findBatchForUpdate(id);
      if (!batch || !batch.accountPath.startsWith(caller.path)) throw new AppError('NOT_FOUND');
      if (batch.status !== 'scheduled' && batch.status !== 'held') throw new AppError('BATCH_NOT_CANCELLABLE');
      await r.setBatchStatus(id, 'cancelled', now);
      const ids = await r.unsettledOfBatch(id, ['scheduled', 'held']);
      return deps.settlement.finalise(tx, ids.map((m) => ({ id: m, status: 'cancelled' as const, errorCode: null, neverSent: true })), now);
    });
    deps.settlement.counted(finals);
    return (await repo.findBatch(scopeOf(caller), id))!;
  }

  return { getBatch, listRecipients, cancelBatch, listBatches: repo.listBatches };
}

export type BatchService = ReturnType<typeof createBatchService>;
