import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { fixtures, postForm } from '../helpers/multipart.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

describe('support tickets across the tree', () => {
  let t: TestChapar;
  let admin: string;
  let agency: Child;
  let user: Child;
  let otherUser: Child;
  let sibling: Child;
  let subAgency: Child;
  let subUser: Child;

  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency-a', kind: 'agency' });
    sibling = await createChild(t, admin, { username: 'agency-b', kind: 'agency' });
    user = await createChild(t, agency.token, { username: 'user-a', kind: 'user' });
    otherUser = await createChild(t, agency.token, { username: 'user-a2', kind: 'user' });
    subAgency = await createChild(t, agency.token, { username: 'sub-a', kind: 'agency' });
    subUser = await createChild(t, subAgency.token, { username: 'user-sub', kind: 'user' });
  });
  afterAll(() => t.close());

  const get = (token: string, id: string) => t.api({ url: `/api/v1/support/tickets/${id}`, token });

  it('goes user → agency → platform and back, closes, and reopens on the user’s reply', async () => {
    const opened = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { category: 'technical', priority: 'high', subject: 'Delivery reports missing', text: 'Since yesterday no DLRs arrive.' } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'waiting_for_support', side: 'user', priority: 'high', category: 'technical', assignee: null, unread: 0 });
    const id = opened.body.id as string;
    expect(id).toMatch(/^tkt_/);

    // The agency sees it in its support box, unread, with the opener attributed.
    const box = await t.api({ url: '/api/v1/support/tickets?box=support', token: agency.token });
    expect(box.body.items).toHaveLength(1);
    expect(box.body.items[0]).toMatchObject({ id, side: 'support', unread: 1, opener: { username: 'user-a' }, assignee: { username: 'agency-a' } });
    expect((await t.api({ url: '/api/v1/support/unread', token: agency.token })).body.support).toEqual({ tickets: 1, messages: 1 });

    // The platform does not see it until it is forwarded.
    expect((await get(admin, id)).status).toBe(404);
    const fwd = await t.api({ url: `/api/v1/support/tickets/${id}/forward`, token: agency.token, body: { note: 'Upstream issue, please check the SMSC.' } });
    expect(fwd.status).toBe(200);
    expect(fwd.body).toMatchObject({ status: 'forwarded', assignee: { username: 'admin' } });
    expect(fwd.body.forwards).toEqual([expect.objectContaining({ from: expect.objectContaining({ username: 'agency-a' }), to: expect.objectContaining({ username: 'admin' }), note: 'Upstream issue, please check the SMSC.' })]);

    // The platform sees it with the path it took, and answers.
    const onPlatform = await get(admin, id);
    expect(onPlatform.status).toBe(200);
    expect(onPlatform.body.side).toBe('support');
    expect(onPlatform.body.pathIds).toEqual([agency.id, (await t.api({ url: '/api/v1/me', token: admin })).body.id]);
    expect(onPlatform.body.unread).toBe(1);
    const answer = await t.api({ url: `/api/v1/support/tickets/${id}/messages`, token: admin, body: { text: 'Fixed: the SMSC link was down.' } });
    expect(answer.status).toBe(201);
    expect(answer.body.status).toBe('answered');
    // Only the current handler forwards, and the platform has nobody above it.
    expect((await t.api({ url: `/api/v1/support/tickets/${id}/forward`, token: agency.token, body: {} })).body.error.code).toBe('TICKET_NOT_FORWARDABLE');
    expect((await t.api({ url: `/api/v1/support/tickets/${id}/forward`, token: admin, body: {} })).body.error.code).toBe('TICKET_NOT_FORWARDABLE');

    // The user sees the reply, attributed only to "support": not the agency above its own, not the path.
    expect((await t.api({ url: '/api/v1/support/unread', token: user.token })).body.opened).toEqual({ tickets: 1, messages: 1 });
    const seen = await get(user.token, id);
    expect(seen.body).toMatchObject({ status: 'answered', unread: 1, pathIds: [], forwards: [], assignee: null });
    expect(seen.body.messages.map((m: { side: string; text: string }) => [m.side, m.text])).toEqual([
      ['user', 'Since yesterday no DLRs arrive.'],
      ['support', 'Fixed: the SMSC link was down.'],
    ]);
    expect(seen.body.messages[0].author.username).toBe('user-a');
    expect(seen.body.messages[1].author).toBeNull();
    expect(seen.body.messages.every((m: { createdAt: string }) => !Number.isNaN(Date.parse(m.createdAt)))).toBe(true);
    expect(JSON.stringify(seen.body)).not.toContain('admin');
    // Reading marked it read.
    expect((await t.api({ url: '/api/v1/support/unread', token: user.token })).body.opened).toEqual({ tickets: 0, messages: 0 });
    // The agency on the path sees the platform's answer by name, as unread.
    const forAgency = await get(agency.token, id);
    expect(forAgency.body.unread).toBe(1);
    expect(forAgency.body.messages[1].author.username).toBe('admin');

    const closed = await t.api({ url: `/api/v1/support/tickets/${id}/close`, token: user.token, body: {} });
    expect(closed.body.status).toBe('closed');
    expect(closed.body.closedAt).not.toBeNull();
    expect((await t.api({ url: `/api/v1/support/tickets/${id}/messages`, token: admin, body: { text: 'One more thing' } })).body.error.code).toBe('TICKET_CLOSED');

    const reopened = await t.api({ url: `/api/v1/support/tickets/${id}/messages`, token: user.token, body: { text: 'It happened again today.' } });
    expect(reopened.body).toMatchObject({ status: 'waiting_for_support', closedAt: null });
    expect(reopened.body.messages).toHaveLength(3);
    const platformBox = await t.api({ url: '/api/v1/support/tickets?box=support&status=waiting_for_support', token: admin });
    expect(platformBox.body.items.map((x: { id: string }) => x.id)).toEqual([id]);
  });

  it('lets support ask the user for more, and keeps a forwarded ticket forwarded when the user adds to it', async () => {
    const { body } = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Invoice', text: 'Need an invoice.', category: 'billing' } });
    expect(body.priority).toBe('normal');
    const ask = await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: agency.token, body: { text: 'Which month?', status: 'waiting_for_user' } });
    expect(ask.body.status).toBe('waiting_for_user');
    expect((await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: user.token, body: { text: 'March' } })).body.status).toBe('waiting_for_support');
    await t.api({ url: `/api/v1/support/tickets/${body.id}/forward`, token: agency.token, body: {} });
    expect((await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: user.token, body: { text: 'And April' } })).body.status).toBe('forwarded');
  });

  it('shows a ticket to nobody outside its path, through any endpoint', async () => {
    const { body } = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Private', text: 'secret details' } });
    const id = body.id as string;
    const attId = (await postForm(t, { url: `/api/v1/support/tickets/${id}/messages`, token: user.token, fields: { text: 'screenshot' }, files: [{ filename: 'shot.png', data: fixtures.png }] })).body.messages[1].attachments[0].id;
    await t.api({ url: `/api/v1/support/tickets/${id}/forward`, token: agency.token, body: {} });

    // A sibling agency, another user of the same agency, a sub-agency of the handling agency: none is on the path.
    for (const outsider of [sibling, otherUser, subAgency, subUser]) {
      const tok = outsider.token;
      expect((await get(tok, id)).status).toBe(404);
      expect((await t.api({ url: `/api/v1/support/tickets/${id}/attachments/${attId}`, token: tok })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/support/tickets/${id}/messages`, token: tok, body: { text: 'hi' } })).status).toBe(404);
      expect((await postForm(t, { url: `/api/v1/support/tickets/${id}/messages`, token: tok, fields: { text: 'hi' } })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/support/tickets/${id}/forward`, token: tok, body: {} })).status).toBe(404);
      expect((await t.api({ url: `/api/v1/support/tickets/${id}/close`, token: tok, body: {} })).status).toBe(404);
      const lists = await Promise.all(['all', 'opened', 'support'].map((box) => t.api({ url: `/api/v1/support/tickets?box=${box}&q=${id}`, token: tok })));
      for (const l of lists) expect(l.body.items).toEqual([]);
    }
    // Those on the path all read it and its attachment.
    for (const reader of [user.token, agency.token, admin]) {
      expect((await get(reader, id)).status).toBe(200);
      expect((await t.api({ url: `/api/v1/support/tickets/${id}/attachments/${attId}`, token: reader })).status).toBe(200);
    }
    // The attachment id does not open under another ticket id either.
    const other = await t.api({ url: '/api/v1/support/tickets', token: otherUser.token, body: { subject: 'Mine', text: 'x' } });
    expect((await t.api({ url: `/api/v1/support/tickets/${other.body.id}/attachments/${attId}`, token: otherUser.token })).status).toBe(404);
  });

  it('keeps a sub-agency’s ticket from the agency above until the sub-agency forwards it', async () => {
    const { body } = await t.api({ url: '/api/v1/support/tickets', token: subUser.token, body: { subject: 'Sender id', text: 'Please register my sender id.', priority: 'low' } });
    // The agency above is an ancestor of the opener but not on the path.
    expect((await get(agency.token, body.id)).status).toBe(404);
    expect((await t.api({ url: '/api/v1/support/tickets', token: agency.token })).body.items.map((x: { id: string }) => x.id)).not.toContain(body.id);
    expect((await get(subAgency.token, body.id)).status).toBe(200);
    await t.api({ url: `/api/v1/support/tickets/${body.id}/forward`, token: subAgency.token, body: {} });
    expect((await get(agency.token, body.id)).body.pathIds).toEqual([subAgency.id, agency.id]);
    expect((await get(admin, body.id)).status).toBe(404);
  });

  it('stores attachments of the allowed types and serves them back with the sniffed type', async () => {
    const res = await postForm(t, {
      url: '/api/v1/support/tickets',
      token: user.token,
      fields: { subject: 'Files', text: 'see attached', category: 'other', priority: 'normal' },
      files: [
        { filename: 'a.png', data: fixtures.png, contentType: 'image/png' },
        { filename: 'photo.jpg', data: fixtures.jpeg },
        { filename: 'contract.pdf', data: fixtures.pdf },
        { filename: 'گزارش.txt', data: fixtures.text },
      ],
    });
    expect(res.status).toBe(201);
    const files = res.body.messages[0].attachments;
    expect(files.map((f: { contentType: string }) => f.contentType)).toEqual(['image/png', 'image/jpeg', 'application/pdf', 'text/plain; charset=utf-8']);
    const dl = await t.app.inject({ method: 'GET', url: files[3].url, headers: { host: 'platform.test', authorization: `Bearer ${agency.token}` } });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(dl.headers['content-disposition']).toContain(`filename*=UTF-8''${encodeURIComponent('گزارش.txt')}`);
    expect(dl.rawPayload.equals(fixtures.text)).toBe(true);
    const png = await t.app.inject({ method: 'GET', url: files[0].url, headers: { host: 'platform.test', authorization: `Bearer ${user.token}` } });
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.rawPayload.equals(fixtures.png)).toBe(true);
  });

  it('refuses an executable renamed .png, a file over 5 MB and a sixth file, storing nothing', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM tickets');
    const exe = await postForm(t, { url: '/api/v1/support/tickets', token: user.token, fields: { subject: 'x', text: 'y' }, files: [{ filename: 'invoice.png', data: fixtures.exe, contentType: 'image/png' }] });
    expect(exe.status).toBe(415);
    expect(exe.body.error).toMatchObject({ code: 'ATTACHMENT_TYPE_NOT_ALLOWED', details: { filename: 'invoice.png' } });

    const big = Buffer.concat([fixtures.png, Buffer.alloc(5 * 1024 * 1024, 1)]);
    const tooBig = await postForm(t, { url: '/api/v1/support/tickets', token: user.token, fields: { subject: 'x', text: 'y' }, files: [{ filename: 'big.png', data: big }] });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.error.code).toBe('ATTACHMENT_TOO_LARGE');

    const six = Array.from({ length: 6 }, (_, i) => ({ filename: `f${i}.txt`, data: fixtures.text }));
    const tooMany = await postForm(t, { url: '/api/v1/support/tickets', token: user.token, fields: { subject: 'x', text: 'y' }, files: six });
    expect(tooMany.body.error.code).toBe('TOO_MANY_ATTACHMENTS');
    expect((await t.db.query('SELECT count(*)::int AS n FROM tickets')).rows).toEqual(before.rows);
  });

  it('answers with an agency’s canned reply, which only its own staff can use', async () => {
    const created = await t.api({ url: '/api/v1/support/canned-replies', token: agency.token, body: { title: 'Thanks', body: 'Thank you, we are on it.' } });
    expect(created.status).toBe(201);
    const patched = await t.api({ method: 'PATCH', url: `/api/v1/support/canned-replies/${created.body.id}`, token: agency.token, body: { body: 'Thank you; we are on it.' } });
    expect(patched.body.body).toBe('Thank you; we are on it.');
    expect((await t.api({ url: '/api/v1/support/canned-replies', token: agency.token })).body.items).toHaveLength(1);
    expect((await t.api({ url: '/api/v1/support/canned-replies', token: sibling.token })).body.items).toEqual([]);
    expect((await t.api({ url: '/api/v1/support/canned-replies', token: user.token })).status).toBe(403);

    const { body } = await t.api({ url: '/api/v1/support/tickets', token: otherUser.token, body: { subject: 'Slow', text: 'Sending is slow' } });
    const used = await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: agency.token, body: { cannedReplyId: created.body.id } });
    expect(used.body.messages[1].text).toBe('Thank you; we are on it.');
    expect((await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: otherUser.token, body: { cannedReplyId: created.body.id } })).status).toBe(403);
    const foreign = await t.api({ url: '/api/v1/support/canned-replies', token: admin, body: { title: 'x', body: 'platform text' } });
    expect((await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: agency.token, body: { cannedReplyId: foreign.body.id } })).status).toBe(404);
    expect((await t.api({ method: 'DELETE', url: `/api/v1/support/canned-replies/${created.body.id}`, token: sibling.token })).status).toBe(404);
    expect((await t.api({ method: 'DELETE', url: `/api/v1/support/canned-replies/${created.body.id}`, token: agency.token })).status).toBe(200);
  });

  it('does not let the platform open a ticket: it has nobody above it', async () => {
    expect((await t.api({ url: '/api/v1/support/tickets', token: admin, body: { subject: 'x', text: 'y' } })).status).toBe(403);
  });
});
