import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { startSmtp } from '../helpers/smtp.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

// Tehran is UTC+03:30 all year: 10:00 and 02:00 there.
const DAY = '2026-03-10T10:00:00+03:30';
const NIGHT = '2026-03-11T02:00:00+03:30';

describe('ticket alerts by e-mail, SMS and panel', () => {
  let t: TestChapar;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;
  let agency: Child;
  let user: Child;
  const agencyMobile = '+989121110001';
  const userMobile = '+989121110002';
  const sms = (to: string) => t.services.notifications.listForRecipient('sms', to, 100);

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await testChapar({ clockStart: DAY, env: { CHAPAR_SMTP_URL: smtp.url, CHAPAR_MAIL_FROM: 'Chapar <support@chapar.test>' } });
    admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'agency-n', kind: 'agency', mobile: '09121110001' });
    user = await createChild(t, agency.token, { username: 'user-n', kind: 'user', mobile: '09121110002' });
    await t.api({ method: 'PATCH', url: '/api/v1/me', token: agency.token, body: { email: 'desk@agency-n.test', locale: 'en', displayName: 'Agency N' } });
    await t.api({ method: 'PATCH', url: '/api/v1/me', token: user.token, body: { email: 'user@shop.test', displayName: 'Shop' } });
    const brand = await t.services.brands.findByAccount(agency.id);
    await t.services.brands.addActiveHost(brand!.id, 'panel.agency-n.test');
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('e-mails the agency about a new ticket through a real SMTP server', async () => {
    const { body } = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'No delivery', text: 'Messages stay queued.', priority: 'high', category: 'technical' } });
    const mail = smtp.mails.find((m) => m.subject.includes(body.id));
    expect(mail).toBeDefined();
    expect(mail!.to).toEqual(['desk@agency-n.test']);
    // The agency is the platform's customer and reads English: the platform brand's English default.
    expect(mail!.subject).toBe(`[Chapar] New ticket ${body.id}: No delivery`);
    expect(mail!.from).toBe('Chapar <support@chapar.test>');
    expect(mail!.text).toContain('From: Shop');
    expect(mail!.text).toContain('Priority: high');
    expect(mail!.text).toContain('Messages stay queued.');
    const [row] = await t.services.notifications.listForRecipient('email', 'desk@agency-n.test', 1);
    expect(row.status).toBe('sent');
  });

  it('sends the SMS alert to the simulator handset, readable in the platform’s outbox', async () => {
    const { body } = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Sender id', text: 'Register it', priority: 'normal' } });
    const [last] = await sms(agencyMobile);
    expect(last.body).toBe(`Chapar: new normal ticket ${body.id}: Sender id`);
    expect(last.status).toBe('sent');
    const outbox = await t.api({ url: `/api/v1/system/outbox?channel=sms&recipient=${encodeURIComponent(agencyMobile)}`, token: admin });
    expect(outbox.body.items[0].body).toContain(body.id);
  });

  it('holds back SMS at night below the agency’s minimum priority, but never e-mail or panel', async () => {
    const rule = await t.api({ method: 'PUT', url: '/api/v1/notifications/rules', token: agency.token, body: { smsWindowStart: '08:00', smsWindowEnd: '22:00', minPriorityOutside: 'urgent' } });
    expect(rule.status).toBe(200);
    expect((await t.api({ url: '/api/v1/notifications/rules', token: agency.token })).body).toMatchObject({ minPriorityOutside: 'urgent', custom: true, timeZone: 'Asia/Tehran' });
    t.clock.set(NIGHT);
    try {
      const before = (await sms(agencyMobile)).length;
      const normal = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Night, normal', text: 'can wait', priority: 'normal' } });
      expect(await sms(agencyMobile)).toHaveLength(before);
      expect(smtp.mails.some((m) => m.subject.includes(normal.body.id))).toBe(true);
      const panel = await t.api({ url: '/api/v1/notifications', token: agency.token });
      expect(panel.body.items[0].data).toEqual({ ticketId: normal.body.id });

      const urgent = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Night, urgent', text: 'all sends fail', priority: 'urgent' } });
      const after = await sms(agencyMobile);
      expect(after).toHaveLength(before + 1);
      expect(after[0].body).toContain(urgent.body.id);
    } finally {
      t.clock.set(DAY);
    }
    // By day every priority gets its SMS again.
    const low = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Day, low', text: 'fyi', priority: 'low' } });
    expect((await sms(agencyMobile))[0].body).toContain(low.body.id);
  });

  it('alerts the opener of a reply in its language, worded by its agency’s own template', async () => {
    const { body } = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Invoice', text: 'Need one' } });
    // Persian default from the agency's brand (the user's locale is fa).
    await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: agency.token, body: { text: 'Sent to your e-mail.' } });
    expect((await sms(userMobile))[0].body).toBe(`agency-n: پاسخ تازه در تیکت ${body.id}: Invoice`);
    const fa = smtp.mails.filter((m) => m.to.includes('user@shop.test')).at(-1)!;
    expect(fa.subject).toBe(`[agency-n] پاسخ تازه در تیکت ${body.id}: Invoice`);
    expect(fa.text).toContain('پشتیبانی');
    expect(fa.text).toContain('Sent to your e-mail.');
    expect(fa.from).toMatch(/^"?agency-n"? <support@chapar\.test>$/);

    const put = await t.api({
      method: 'PUT',
      url: '/api/v1/notifications/templates/ticket.replied/fa',
      token: agency.token,
      body: { subject: 'پاسخ {{brandName}} به تیکت {{ticketId}}', body: 'پاسخ شما رسید:\n{{excerpt}}', sms: 'تیکت {{ticketId}} پاسخ دارد. {{brandName}}' },
    });
    expect(put.status).toBe(200);
    const typo = await t.api({ method: 'PUT', url: '/api/v1/notifications/templates/ticket.replied/fa', token: agency.token, body: { subject: '{{ticketID}}', body: 'x', sms: 'y' } });
    expect(typo.body.error.code).toBe('VALIDATION_FAILED');
    expect((await t.api({ method: 'PUT', url: '/api/v1/notifications/templates/ticket.replied/fa', token: user.token, body: { subject: 'a', body: 'b', sms: 'c' } })).status).toBe(403);

    await t.api({ url: `/api/v1/support/tickets/${body.id}/messages`, token: agency.token, body: { text: 'Second answer' } });
    expect((await sms(userMobile))[0].body).toBe(`تیکت ${body.id} پاسخ دارد. agency-n`);
    const custom = smtp.mails.filter((m) => m.to.includes('user@shop.test')).at(-1)!;
    expect(custom.subject).toBe(`پاسخ agency-n به تیکت ${body.id}`);
    expect(custom.text).toBe('پاسخ شما رسید:\nSecond answer');
    const listed = await t.api({ url: '/api/v1/notifications/templates', token: agency.token });
    expect(listed.body.items.find((x: { kind: string; lang: string }) => x.kind === 'ticket.replied' && x.lang === 'fa').custom).toBe(true);
    expect(listed.body.variables).toContain('ticketId');
    await t.api({ method: 'DELETE', url: '/api/v1/notifications/templates/ticket.replied/fa', token: agency.token });
    expect((await t.api({ url: '/api/v1/notifications/templates', token: agency.token })).body.items.every((x: { custom: boolean }) => !x.custom)).toBe(true);
  });

  it('keeps a notification centre per account with unread counts', async () => {
    await t.api({ url: '/api/v1/notifications/read-all', token: agency.token, body: {} });
    expect((await t.api({ url: '/api/v1/notifications/unread-count', token: agency.token })).body.unread).toBe(0);
    const a = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'One', text: '1' } });
    await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Two', text: '2' } });
    expect((await t.api({ url: '/api/v1/notifications/unread-count', token: agency.token })).body.unread).toBe(2);
    const list = await t.api({ url: '/api/v1/notifications?unread=true', token: agency.token });
    expect(list.body).toMatchObject({ total: 2, unread: 2 });
    const first = list.body.items.find((n: { data: { ticketId: string } }) => n.data.ticketId === a.body.id);
    expect(first).toMatchObject({ kind: 'ticket.created', read: false });
    expect(first.title).toContain('One');
    // Somebody else's notification is not found, not marked.
    expect((await t.api({ url: `/api/v1/notifications/${first.id}/read`, token: user.token, body: {} })).status).toBe(404);
    await t.api({ url: `/api/v1/notifications/${first.id}/read`, token: agency.token, body: {} });
    expect((await t.api({ url: '/api/v1/notifications/unread-count', token: agency.token })).body.unread).toBe(1);
    expect((await t.api({ url: '/api/v1/notifications/read-all', token: agency.token, body: {} })).body.marked).toBe(1);
    // The opener's centre has its own rows only.
    const mine = await t.api({ url: '/api/v1/notifications', token: user.token });
    expect(mine.body.items.every((n: { kind: string }) => n.kind === 'ticket.replied')).toBe(true);
  });
});

describe('e-mail without SMTP', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar();
  });
  afterAll(() => t.close());

  it('keeps the message in the outbox the platform admin reads', async () => {
    const admin = await t.adminToken();
    const agency = await createChild(t, admin, { username: 'agency-o', kind: 'agency' });
    const user = await createChild(t, agency.token, { username: 'user-o', kind: 'user' });
    await t.api({ method: 'PATCH', url: '/api/v1/me', token: agency.token, body: { email: 'desk@agency-o.test' } });
    const { body } = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Hello', text: 'outbox please' } });
    const outbox = await t.api({ url: '/api/v1/system/outbox?channel=email', token: admin });
    expect(outbox.body.items[0]).toMatchObject({ channel: 'email', recipient: 'desk@agency-o.test', kind: 'ticket.created' });
    expect(outbox.body.items[0].subject).toContain(body.id);
    expect(outbox.body.items[0].body).toContain('outbox please');
    expect((await t.api({ url: '/api/v1/system/outbox?channel=email', token: agency.token })).status).toBe(403);
  });
});
