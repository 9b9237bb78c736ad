import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../lib/app-error.ts';
import { errorMessage } from '../../http/errors.ts';
import type { Account } from '../accounts/types.ts';
import { ledgerProblems, moneyWorld } from './testing.ts';

type World = Awaited<ReturnType<typeof moneyWorld>>;

const mciPersian2 = { operator: 'mci', lineType: '3000', messageClass: 'service', alphabet: 'ucs2' as const, parts: 2 };
const irancellLatin1 = { operator: 'irancell', lineType: '3000', messageClass: 'service', alphabet: 'gsm7' as const, parts: 1 };

describe('cascading charges on a four-level chain', () => {
  let w: World;
  let agency: Account;
  let sub: Account;
  let user: Account;
  const balances = async () => {
    const s = await Promise.all([w.platform, agency, sub, user].map((a) => w.billing.getWallet({ accountId: a.id, path: a.path } as never)));
    return s.map((x) => [x.balance, x.reserved]);
  };

  beforeAll(async () => {
    w = await moneyWorld();
    agency = await w.child(w.platform, 'agency');
    sub = await w.child(agency, 'agency');
    user = await w.child(sub, 'user');
    const [pg] = await w.billing.listGroups({ accountId: w.platform.id, path: w.platform.path } as never);
    await w.billing.updateGroup(w.platform, pg.id, { basePrice: 100n });
    const [ag] = await w.billing.listGroups({ accountId: agency.id, path: agency.path } as never);
    await w.billing.updateGroup(agency, ag.id, { basePrice: 150n });
    const sg = await w.billing.createGroup(sub, { name: 'retail', basePrice: 200n, coefficients: { alphabet: { gsm7: 25000 }, operator: { mci: 10500 } } });
    await w.billing.setGroup(sub, user.id, sg.id);
    await w.billing.transfer(w.platform, agency.id, 1_000_000n, 'opening');
    await w.billing.transfer(agency, sub.id, 500_000n, 'opening');
    await w.billing.transfer(sub, user.id, 100_000n, 'opening');
  });
  afterEach(async () => expect(await ledgerProblems(w.db)).toEqual([]));
  afterAll(() => w.close());

  it('charges every level its own price, each at its parent’s list, and the preview said so', async () => {
    const cells = [{ ...mciPersian2, count: 3 }, { ...irancellLatin1, count: 5 }];
    const preview = await w.billing.preview(w.platform, { accountId: user.id, lineType: '3000', messageClass: 'service', counts: cells.map(({ lineType: _l, messageClass: _m, ...c }) => c) });
    const r = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-1', cells }));
    // user: 2 parts × 200 × 1.05 = 420 (×3) and 1 × 200 × 2.5 = 500 (×5); sub: 300, 150; agency: 200, 100
    expect(r.unitPrices).toEqual([420n, 500n]);
    expect(r.levels.map((l) => [l.accountId, l.amount])).toEqual([[user.id, 3760n], [sub.id, 1650n], [agency.id, 1100n]]);
    expect(preview.levels.map((l) => [l.accountId, l.amount])).toEqual(r.levels.map((l) => [l.accountId, l.amount]));
    expect(await balances()).toEqual([[-1_000_000n, 0n], [500_000n - 1100n, 1100n], [400_000n - 1650n, 1650n], [100_000n - 3760n, 3760n]]);

    await w.db.transaction(async (tx) => {
      await w.billing.settle(tx, r.reservationId, [{ ...mciPersian2, count: 2 }]);
      await w.billing.release(tx, r.reservationId, [{ ...mciPersian2, count: 1 }, { ...irancellLatin1, count: 5 }]);
    });
    // two Persian messages went out: the user paid 840 to sub, sub 600 to agency, agency 400 to the platform
    expect(await balances()).toEqual([[-1_000_000n + 400n, 0n], [500_000n + 600n - 400n, 0n], [400_000n + 840n - 600n, 0n], [100_000n - 840n, 0n]]);
  });

  it('returns the same reservation for the same key and never charges twice', async () => {
    const cells = [{ ...irancellLatin1, count: 1 }];
    const a = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-2', cells }));
    const before = await balances();
    const b = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-2', cells }));
    expect(b.reservationId).toBe(a.reservationId);
    expect(b.unitPrices).toEqual(a.unitPrices);
    expect(await balances()).toEqual(before);
    await w.db.transaction((tx) => w.billing.release(tx, a.reservationId, cells));
  });

  it('refuses to settle or refund more messages than were reserved', async () => {
    const cells = [{ ...irancellLatin1, count: 2 }];
    const r = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-3', cells }));
    await w.db.transaction((tx) => w.billing.settle(tx, r.reservationId, [{ ...irancellLatin1, count: 1 }]));
    await expect(w.db.transaction((tx) => w.billing.release(tx, r.reservationId, cells))).rejects.toThrow(/closing 2 of 1 open/);
    await w.db.transaction((tx) => w.billing.release(tx, r.reservationId, [{ ...irancellLatin1, count: 1 }]));
  });

  it('closes several reservations in one call as it closes them one by one, settled and released of one cell together', async () => {
    const before = await balances();
    const a = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-many-a', cells: [{ ...mciPersian2, count: 3 }] }));
    const b = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-many-b', cells: [{ ...irancellLatin1, count: 2 }] }));
    await w.db.transaction((tx) => w.billing.closeMany(tx, [
      { reservationId: a.reservationId, cells: [{ ...mciPersian2, count: 2 }], mode: 'settle' },
      { reservationId: a.reservationId, cells: [{ ...mciPersian2, count: 1 }], mode: 'release' },
      { reservationId: b.reservationId, cells: [{ ...irancellLatin1, count: 2 }], mode: 'release' },
    ]));
    // as in the first test: two Persian messages went out (840 / 600 / 400), the rest came back
    const [p, ag, sb, us] = before;
    expect(await balances()).toEqual([[p[0] + 400n, 0n], [ag[0] + 600n - 400n, 0n], [sb[0] + 840n - 600n, 0n], [us[0] - 840n, 0n]]);
    // every message of both is closed: one more is refused, in one call as alone
    await expect(w.db.transaction((tx) => w.billing.closeMany(tx, [{ reservationId: a.reservationId, cells: [{ ...mciPersian2, count: 1 }], mode: 'settle' }]))).rejects.toThrow(/closing 1 of 0 open/);
  });

  it('refuses in one call what exceeds a cell across its closings, and closes nothing', async () => {
    const before = await balances();
    const r = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-many-c', cells: [{ ...irancellLatin1, count: 2 }] }));
    const twice = [{ reservationId: r.reservationId, cells: [{ ...irancellLatin1, count: 2 }], mode: 'settle' as const }, { reservationId: r.reservationId, cells: [{ ...irancellLatin1, count: 1 }], mode: 'release' as const }];
    await expect(w.db.transaction((tx) => w.billing.closeMany(tx, twice))).rejects.toThrow(/closing more than is open/);
    await w.db.transaction((tx) => w.billing.closeMany(tx, [{ reservationId: r.reservationId, cells: [{ ...irancellLatin1, count: 2 }], mode: 'release' }]));
    expect(await balances()).toEqual(before);
  });

  it('rejects the whole send naming the agency when an ancestor is short, and charges nobody', async () => {
    const before = await balances();
    const cells = [{ ...mciPersian2, count: 2000 }]; // 1.68M rials: more than the user has
    // 400 messages: the user can pay 336k, but its sub-agency (≈100k left) cannot pay its 240k
    await w.billing.transfer(sub, user.id, 300_000n, 'more');
    const err = await w.db
      .transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-4', cells: [{ ...mciPersian2, count: 400 }] }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('INSUFFICIENT_CREDIT');
    expect((err as AppError).details).toEqual({ level: 'ancestor' });
    expect(errorMessage('INSUFFICIENT_CREDIT', 'en', (err as AppError).details)).toBe('Your agency is out of credit; contact your agency.');
    expect(JSON.stringify((err as AppError).details)).not.toMatch(/\d{3,}/);
    const self = await w.db.transaction((tx) => w.billing.reserve(tx, { accountId: user.id, idempotencyKey: 'send-5', cells })).catch((e: unknown) => e);
    expect((self as AppError).details).toEqual({ level: 'self' });
    await w.billing.transfer(sub, user.id, -300_000n, 'back');
    expect(await balances()).toEqual(before);
  });
});
