// Canned replies: an agency's (or the platform's) ready answers, used by its staff when replying.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import { supportRepo, type CannedReply } from './repo.ts';

export function createCannedReplyService(deps: { db: Db; clock: Clock }) {
  const repo = supportRepo(deps.db);

  /** Only those who answer tickets keep canned replies. */
  function supportScope(caller: Account) {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    return scopeOf(caller);
  }

  async function update(caller: Account, id: string, patch: { title?: string; body?: string }): Promise<CannedReply> {
    const updated = await repo.updateCanned(supportScope(caller), id, { ...patch, at: deps.clock.now() });
    if (!updated) throw new AppError('NOT_FOUND');
    return updated;
  }

  async function remove(caller: Account, id: string): Promise<void> {
    if (!(await repo.deleteCanned(supportScope(caller), id))) throw new AppError('NOT_FOUND');
  }

  return {
    list: (caller: Account) => repo.listCanned(supportScope(caller)),
    create: (caller: Account, c: { title: string; body: string }) => {
      supportScope(caller);
      return repo.insertCanned({ id: newId('cnd'), accountId: caller.id, title: c.title, body: c.body, at: deps.clock.now() });
    },
    update,
    remove,
  };
}

export type CannedReplyService = ReturnType<typeof createCannedReplyService>;
