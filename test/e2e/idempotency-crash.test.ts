// A process killed between claiming an Idempotency-Key and storing its answer leaves the key's row
// in progress. These tests write the state such a kill leaves, then retry as a client would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSender, testChapar, type TestChapar } from '../helpers/app.ts';

type Sender = Awaited<ReturnType<typeof openSender>>;

describe('Idempotency-Key after a crash', () => {
  let t: TestChapar;
  let user: Sender;
  const balance = async () => (await t.api({ url: '/api/v1/balance', token: user.token })).body.balance as string;
  /** What a kill between the claim and the answer leaves: the row in progress, its owner gone. */
  const crashedWhileAnswering = (key: string) =>
    t.db.query("UPDATE idempotency_keys SET status_code = NULL, response = NULL, owner = 'prc_killed', locked_until = now() - interval '1 second' WHERE key = $1", [key]);
  const ownerOfThisProcess = async () => {
    await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'owner-probe' }, headers: { 'idempotency-key': 'owner-probe' } });
    const { rows } = await t.db.query("SELECT owner FROM idempotency_keys WHERE key = 'owner-probe'");
    return rows[0].owner as string;
  };

  beforeAll(async () => {
    t = await testChapar();
    user = await openSender(t, 'crash_sender', '1000000');
  });
  afterAll(() => t.close());

  it('a send that committed before the crash answers its retry with the same batch, charged once', async () => {
    const body = { to: ['09121234567', '09351234567'], text: 'after the crash', class: 'service' };
    const headers = { 'idempotency-key': 'send-crash-1' };
    const first = await t.api({ url: '/api/v1/messages', token: user.token, body, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const charged = await balance();
    await crashedWhileAnswering('send-crash-1');

    const retry = await t.api({ url: '/api/v1/messages', token: user.token, body, headers });
    expect(retry.status, JSON.stringify(retry.body)).toBe(202);
    expect(retry.body.batchId).toBe(first.body.batchId);
    expect(retry.body.accepted).toBe(2);
    expect(retry.body.cost).toBe(first.body.cost);
    expect(await balance()).toBe(charged);
    const { rows } = await t.db.query("SELECT count(*)::int AS n FROM batches WHERE idempotency_key = 'send-crash-1'");
    expect(rows[0].n).toBe(1);
    // the retry's answer is stored: the next retry is a plain replay
    const again = await t.api({ url: '/api/v1/messages', token: user.token, body, headers });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.batchId).toBe(first.body.batchId);
  });

  it('the answer read back from a committed send counts its blacklisted recipients as the first answer did', async () => {
    expect((await t.api({ url: '/api/v1/compliance/blacklist', token: user.token, body: { numbers: ['09121110000'] } })).status).toBeLessThan(300);
    const body = { to: ['09121110000', '09121110001', '09121110002'], text: 'one of three is blacklisted', class: 'service' };
    const headers = { 'idempotency-key': 'send-crash-blacklisted' };
    const first = await t.api({ url: '/api/v1/messages', token: user.token, body, headers });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect([first.body.accepted, first.body.blacklisted]).toEqual([2, 1]);
    await crashedWhileAnswering('send-crash-blacklisted');
    const retry = await t.api({ url: '/api/v1/messages', token: user.token, body, headers });
    expect(retry.status).toBe(202);
    expect({ ...retry.body, status: first.body.status }).toEqual(first.body);
  });

  it('a key whose owner died before the work committed is taken over: the retry does the work once', async () => {
    const headers = { 'idempotency-key': 'group-crash-1' };
    const first = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'crashed' }, headers });
    expect(first.status).toBe(201);
    // as if the group had not committed: only the claim survived
    await t.db.query('DELETE FROM phonebook_groups WHERE id = $1', [first.body.id]);
    await crashedWhileAnswering('group-crash-1');
    const retry = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'crashed' }, headers });
    expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const { rows } = await t.db.query("SELECT owner, status_code FROM idempotency_keys WHERE key = 'group-crash-1'");
    expect(rows[0]).toEqual({ owner: await ownerOfThisProcess(), status_code: 201 });
  });

  it('a key a live request of this process holds stays in progress', async () => {
    const owner = await ownerOfThisProcess();
    const headers = { 'idempotency-key': 'live-1' };
    await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'live' }, headers });
    await t.db.query("UPDATE idempotency_keys SET status_code = NULL, response = NULL, owner = $1, locked_until = now() + interval '1 hour' WHERE key = 'live-1'", [owner]);
    const retry = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'live' }, headers });
    expect(retry.status).toBe(409);
    expect(retry.body.error.details).toEqual({ reason: 'in_progress' });
  });

  it('a key another process holds: taken over on PGlite (one process, so its owner is gone), in progress on PostgreSQL until its lease runs out', async () => {
    const headers = { 'idempotency-key': 'other-1' };
    const first = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'other' }, headers });
    await t.db.query('DELETE FROM phonebook_groups WHERE id = $1', [first.body.id]);
    await t.db.query("UPDATE idempotency_keys SET status_code = NULL, response = NULL, owner = 'prc_elsewhere', locked_until = now() + interval '1 hour' WHERE key = 'other-1'");
    const retry = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'other' }, headers });
    if (t.db.kind === 'pglite') {
      expect(retry.status, JSON.stringify(retry.body)).toBe(201);
    } else {
      expect(retry.status).toBe(409);
      await t.db.query("UPDATE idempotency_keys SET locked_until = now() - interval '1 second' WHERE key = 'other-1'");
      expect((await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'other' }, headers })).status).toBe(201);
    }
  });

  it('a taken-over key with another body is still a conflict', async () => {
    const headers = { 'idempotency-key': 'crash-conflict' };
    await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'one' }, headers });
    await crashedWhileAnswering('crash-conflict');
    const other = await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'two' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_CONFLICT');
  });

  it('the owner that lost its key to a takeover neither answers nor releases it', async () => {
    const headers = { 'idempotency-key': 'stale-owner' };
    await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'stale' }, headers });
    await t.db.query("UPDATE idempotency_keys SET status_code = NULL, response = NULL, owner = 'prc_new_owner', locked_until = now() + interval '1 hour' WHERE key = 'stale-owner'");
    const { idempotencyRepo } = await import('../../src/http/idempotency-repo.ts');
    const repo = idempotencyRepo(t.db);
    await repo.answer('prc_old_owner', user.id, 'stale-owner', { statusCode: 201, response: {}, redacted: false });
    await repo.release('prc_old_owner', user.id, 'stale-owner');
    const { rows } = await t.db.query("SELECT owner, status_code FROM idempotency_keys WHERE key = 'stale-owner'");
    expect(rows).toEqual([{ owner: 'prc_new_owner', status_code: null }]);
  });

  it('the heartbeat moves the leases of its own keys in progress ahead, nobody else\'s', async () => {
    await t.api({ url: '/api/v1/phonebook/groups', token: user.token, body: { name: 'beat' }, headers: { 'idempotency-key': 'beat-1' } });
    await t.db.query("UPDATE idempotency_keys SET status_code = NULL, owner = 'prc_beating', locked_until = now() - interval '1 second' WHERE key = 'beat-1'");
    const { idempotencyRepo } = await import('../../src/http/idempotency-repo.ts');
    await idempotencyRepo(t.db).extend('prc_someone_else', [{ accountId: user.id, key: 'beat-1' }], 15);
    const live = async () => (await t.db.query("SELECT locked_until > now() AS live FROM idempotency_keys WHERE key = 'beat-1'")).rows[0].live;
    expect(await live()).toBe(false);
    await idempotencyRepo(t.db).extend('prc_beating', [{ accountId: user.id, key: 'beat-1' }], 15);
    expect(await live()).toBe(true);
  });
});
