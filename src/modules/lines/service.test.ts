import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { parseConfig } from '../../config.ts';
import { fakeClock } from '../../lib/clock.ts';
import { createServices } from '../../services.ts';
import { freshDb, type TestDb } from '../../../test/helpers/db.ts';
import type { Account } from '../accounts/types.ts';
import { createLineService } from './service.ts';

describe('lines', () => {
  let db: TestDb;
  let lines: ReturnType<typeof createLineService>;
  let platform: Account;
  let agency: Account;
  let sibling: Account;
  let user: Account;

  beforeAll(async () => {
    db = await freshDb();
    const services = createServices({ db, clock: fakeClock(), config: parseConfig({ NODE_ENV: 'test' }), log: pino({ level: 'silent' }) });
    await services.accounts.bootstrapPlatform({ username: 'admin', password: 'admin-pass-1', mobile: '09120000000' });
    platform = (await services.accounts.findByUsernameForAuth('admin'))!;
    agency = await services.accounts.createChild(platform, { username: 'agency', password: 'agency-pass-1', mobile: '09121110000', kind: 'agency' }, null);
    sibling = await services.accounts.createChild(platform, { username: 'sibling', password: 'sibling-pass-1', mobile: '09121110001', kind: 'agency' }, null);
    user = await services.accounts.createChild(agency, { username: 'user', password: 'user-pass-1', mobile: '09121110002', kind: 'user' }, null);
    lines = createLineService({ db, accounts: services.accounts });
  });
  afterAll(() => db.close());

  it('are created by the platform only, with unique numbers in Latin digits', async () => {
    await expect(lines.createLine(agency, { number: '3000123', lineType: '3000' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const l = await lines.createLine(platform, { number: '۳۰۰۰ ۱۲۳', lineType: '3000', canReceive: true });
    expect(l.number).toBe('3000123');
    await expect(lines.createLine(platform, { number: '3000123', lineType: '3000' })).rejects.toMatchObject({ code: 'LINE_NUMBER_TAKEN' });
  });

  it('flow down the tree: platform → agency → its user, never to a sibling’s user', async () => {
    const l = await lines.createLine(platform, { number: '3000200', lineType: '3000', canReceive: true });
    await expect(lines.assignLine(agency, l.id, user.id, { canSend: true, canReceive: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await lines.assignLine(platform, l.id, agency.id, { canSend: true, canReceive: true });
    await lines.assignLine(agency, l.id, user.id, { canSend: true, canReceive: false });
    await expect(lines.assignLine(sibling, l.id, user.id, { canSend: true, canReceive: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const mine = await lines.listLines(user);
    expect(mine.find((x) => x.id === l.id)).toMatchObject({ maySend: true, mayReceive: false });
    expect((await lines.resolveSendLine(user, '3000200')).id).toBe(l.id);
    expect((await lines.findReceiver(l.id))?.accountId).toBe(agency.id);
  });

  it('send from the default line, a shared line, or the one named — never from a line not given', async () => {
    const shared = await lines.createLine(platform, { number: '10009999', lineType: 'public' });
    const other = await lines.createLine(platform, { number: '2000777', lineType: '2000' });
    await expect(lines.resolveSendLine(user, '2000777')).rejects.toMatchObject({ code: 'LINE_NOT_ALLOWED' });
    expect((await lines.resolveSendLine(sibling, '10009999')).id).toBe(shared.id);
    await lines.setDefaultLine(sibling, shared.id);
    expect((await lines.resolveSendLine(sibling, undefined)).id).toBe(shared.id);
    expect((await lines.resolveSendLine(platform, '2000777')).id).toBe(other.id);
  });

  it('taken back from an agency are taken from its whole subtree', async () => {
    const l = await lines.createLine(platform, { number: '5000100', lineType: '5000' });
    await lines.assignLine(platform, l.id, agency.id, { canSend: true, canReceive: false });
    await lines.assignLine(agency, l.id, user.id, { canSend: true, canReceive: false });
    await lines.unassignLine(platform, l.id, agency.id);
    await expect(lines.resolveSendLine(user, '5000100')).rejects.toMatchObject({ code: 'LINE_NOT_ALLOWED' });
  });
});
