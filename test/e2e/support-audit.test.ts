import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

describe('the audit log', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Child;
  let sibling: Child;
  let user: Child;
  let ticketId: string;
  const ip = '198.51.100.7';

  beforeAll(async () => {
    t = await testChapar({ clockStart: '2026-05-01T09:00:00Z' });
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency-x', kind: 'agency' });
    sibling = await createChild(t, admin, { username: 'agency-y', kind: 'agency' });
    user = await createChild(t, agency.token, { username: 'user-x', kind: 'user' });
    await createChild(t, sibling.token, { username: 'user-y', kind: 'user' });

    t.clock.set('2026-05-02T09:00:00Z');
    const opened = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Audit me', text: 'hello', priority: 'urgent' }, remoteAddress: ip });
    ticketId = opened.body.id;
    t.clock.set('2026-05-02T10:00:00Z');
    await t.api({ url: `/api/v1/support/tickets/${ticketId}/forward`, token: agency.token, body: {}, remoteAddress: ip });
    await t.api({ url: `/api/v1/support/tickets/${ticketId}/messages`, token: admin, body: { text: 'done' }, remoteAddress: ip });
    await t.api({ url: `/api/v1/support/tickets/${ticketId}/close`, token: user.token, body: {}, remoteAddress: ip });
    t.clock.set('2026-05-03T09:00:00Z');
    await t.api({ url: `/api/v1/support/tickets/${ticketId}/messages`, token: user.token, body: { text: 'again' }, remoteAddress: ip });
  });
  afterAll(() => t.close());

  const search = (token: string, query = '') => t.api({ url: `/api/v1/audit${query}`, token });

  it('records every ticket action with who, when, from where and what changed', async () => {
    const { body } = await search(admin, '?action=ticket.*');
    const byAction = body.items.map((e: { action: string; actor: { username: string }; ip: string; details: Record<string, unknown>; subject: { id: string } }) => [e.action, e.actor.username, e.ip, e.subject.id]);
    expect(byAction).toEqual([
      ['ticket.reopened', 'user-x', ip, user.id],
      ['ticket.replied', 'user-x', ip, user.id],
      ['ticket.closed', 'user-x', ip, user.id],
      ['ticket.replied', 'admin', ip, user.id],
      ['ticket.forwarded', 'agency-x', ip, user.id],
      ['ticket.opened', 'user-x', ip, user.id],
    ]);
    const details = body.items.map((e: { details: Record<string, unknown> }) => e.details);
    expect(details.every((d: { ticketId: string }) => d.ticketId === ticketId)).toBe(true);
    expect(details[0]).toMatchObject({ from: 'closed', to: 'waiting_for_support' });
    expect(details[2]).toMatchObject({ from: 'answered', side: 'user' });
    expect(details[3]).toMatchObject({ from: 'forwarded', to: 'answered', side: 'support' });
    expect(details[4]).toMatchObject({ from: agency.id, previousStatus: 'waiting_for_support' });
    expect(details[5]).toMatchObject({ assigneeId: agency.id, priority: 'urgent' });
    expect(body.items[5].at).toBe('2026-05-02T09:00:00.000Z');
    // The ticket's words stay out of the log: ancestors off the ticket's path can read the log.
    expect(JSON.stringify(body)).not.toContain('Audit me');
  });

  it('filters by actor, subject, action and time, and pages', async () => {
    const byActor = await search(admin, `?actorId=${agency.id}&action=ticket.*`);
    expect(byActor.body.items.map((e: { action: string }) => e.action)).toEqual(['ticket.forwarded']);
    const day2 = await search(admin, `?action=ticket.*&from=${encodeURIComponent('2026-05-02T00:00:00Z')}&to=${encodeURIComponent('2026-05-03T00:00:00Z')}`);
    expect(day2.body.total).toBe(4);
    const exact = await search(admin, '?action=ticket.closed');
    expect(exact.body.total).toBe(1);
    const page = await search(admin, `?subjectId=${user.id}&pageSize=2&page=2`);
    expect(page.body).toMatchObject({ page: 2, pageSize: 2 });
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThan(4);
    expect((await search(admin, '?from=yesterday')).status).toBe(400);
  });

  it('shows each account only events about its own subtree', async () => {
    const forAgency = await search(agency.token);
    const subjects = new Set(forAgency.body.items.map((e: { subject: { id: string } }) => e.subject.id));
    expect([...subjects].sort()).toEqual([agency.id, user.id].sort());
    expect(forAgency.body.items.some((e: { action: string }) => e.action === 'ticket.opened')).toBe(true);

    const forSibling = await search(sibling.token, '?action=ticket.*');
    expect(forSibling.body).toMatchObject({ items: [], total: 0 });
    expect((await search(sibling.token, `?subjectId=${user.id}`)).body.total).toBe(0);
    const siblingAll = await search(sibling.token);
    expect(siblingAll.body.items.every((e: { subject: { username: string } }) => ['agency-y', 'user-y'].includes(e.subject.username))).toBe(true);

    // A user sees what happened to itself only: its sign-ins, its ticket.
    const forUser = await search(user.token);
    expect(forUser.body.items.every((e: { subject: { id: string } }) => e.subject.id === user.id)).toBe(true);
    expect(forUser.body.items.map((e: { action: string }) => e.action)).toContain('account.created');
  });
});
