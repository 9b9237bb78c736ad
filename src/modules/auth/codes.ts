// One-time codes sent by SMS: 6 digits, 5 minutes, single use, 5 tries, rate-limited per mobile.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import { authRepo, type VerificationCode } from './repo.ts';

export const CODE_TTL_MS = 5 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
const RESEND_AFTER_MS = 60_000;
const MAX_PER_HOUR = 5;

function hashCode(id: string, code: string): string {
  return createHmac('sha256', id).update(code).digest('hex');
}

export function createCodeService(deps: { db: Db; clock: Clock }) {
  /**
   * `payload` may be a function: its work (a password's argon2) runs only once the limits allow the
   * code. The limits are checked and the code's row written under a lock per (mobile, purpose), so
   * requests arriving together cannot all pass the check before any of them is counted; the payload
   * is filled in after the lock is released, and nobody knows the code until it is returned.
   */
  async function issue(c: { purpose: VerificationCode['purpose']; mobile: string; accountId: string | null; brandId: string | null; payload?: Record<string, unknown> | (() => Promise<Record<string, unknown>>) }) {
    const id = newId('vc');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = await deps.db.transaction(async (tx) => {
      const repo = authRepo(tx);
      await repo.lockCodeSlot(c.mobile, c.purpose);
      const now = deps.clock.now();
      const recent = await repo.countRecentCodes(c.mobile, c.purpose, new Date(now.getTime() - 3_600_000));
      if (recent.latest && now.getTime() - recent.latest.getTime() < RESEND_AFTER_MS) {
        const retryAfterSeconds = Math.ceil((RESEND_AFTER_MS - (now.getTime() - recent.latest.getTime())) / 1000);
        throw new AppError('TOO_MANY_REQUESTS', { retryAfterSeconds });
      }
      if (recent.count >= MAX_PER_HOUR) throw new AppError('TOO_MANY_REQUESTS', { retryAfterSeconds: 3600 });
      const expires = new Date(now.getTime() + CODE_TTL_MS);
      const payload = typeof c.payload === 'function' ? {} : (c.payload ?? {});
      await repo.insertCode({ id, purpose: c.purpose, mobile: c.mobile, codeHash: hashCode(id, code), accountId: c.accountId, brandId: c.brandId, payload, expiresAt: expires });
      return expires;
    });
    if (typeof c.payload === 'function') await authRepo(deps.db).setCodePayload(id, await c.payload());
    return { id, code, expiresAt };
  }

  /**
   * Checks and consumes a code, then runs fn in the same transaction (the account it creates or
   * the password it sets commits together with the code's use). A wrong code costs one try; the
   * try is recorded after the rollback so it is not undone with it. A code is good only on the
   * brand (host) that sent it: anywhere else it does not exist, and costs no try.
   */
  async function redeem<T>(id: string, code: string, purpose: VerificationCode['purpose'], brandId: string, fn: (tx: Db, row: VerificationCode) => Promise<T>): Promise<T> {
    let wrong = false;
    try {
      return await deps.db.transaction(async (tx) => {
        const repo = authRepo(tx);
        const row = await repo.findCodeForUpdate(id);
        if (!row || row.purpose !== purpose || row.brandId !== brandId || row.consumedAt) throw new AppError('CODE_INVALID');
        if (row.expiresAt <= deps.clock.now() || row.attempts >= CODE_MAX_ATTEMPTS) throw new AppError('CODE_EXPIRED');
        const expected = Buffer.from(row.codeHash, 'hex');
        const given = Buffer.from(hashCode(id, code.trim()), 'hex');
        if (!timingSafeEqual(expected, given)) {
          wrong = true;
          throw new AppError('CODE_INVALID', { attemptsLeft: CODE_MAX_ATTEMPTS - row.attempts - 1 });
        }
        await repo.consumeCode(id, deps.clock.now());
        return fn(tx, row);
      });
    } finally {
      if (wrong) await authRepo(deps.db).recordCodeAttempt(id);
    }
  }

  return { issue, redeem };
}

export type CodeService = ReturnType<typeof createCodeService>;
