import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { maxAttempts, retryDelaysMs } from '../../src/modules/notifications/service.ts';
import { notificationRetriesJob } from '../../src/modules/notifications/jobs.ts';

type Child = Awaited<ReturnType<typeof createChild>>;

const MINUTE = 60_000;
const DESK = 'desk@agency-r.test';

describe('e-mail notifications retried after a temporary SMTP refusal', () => {
  let t: TestChapar;
  let smtp: TestSmtp;
  let admin: string;
  let user: Child;
  const row = async (id: string) => (await t.services.notifications.listForRecipient('email', DESK, 200)).find((n) => n.id === id)!;
  const attachmentRows = async (id: string) => (await t.db.query('SELECT 1 FROM notification_attachments WHERE notification_id = $1', [id])).rows.length;
  const mailsAbout = (text: string) => smtp.mails.filter((m) => m.subject.includes(text));

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await testChapar({ clockStart: '2026-03-10T10:00:00+03:30', env: { CHAPAR_SMTP_URL: smtp.url, CHAPAR_MAIL_FROM: 'Chapar <support@chapar.test>' } });
    admin = await t.adminToken();
    const agency = await createChild(t, admin, { username: 'agency-r', kind: 'agency', mobile: '09121110011' });
    user = await createChild(t, agency.token, { username: 'user-r', kind: 'user', mobile: '09121110012' });
    await t.api({ method: 'PATCH', url: '/api/v1/me', token: agency.token, body: { email: DESK, locale: 'en', displayName: 'Agency R' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  it('keeps a ticket alert pending on 451 and delivers it exactly once when the backoff has passed', async () => {
    smtp.refuseNext(451, 451);
    const ticket = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Blip', text: 'SMTP is busy', priority: 'high' } });
    expect(ticket.status).toBe(201);
    const [first] = await t.services.notifications.listForRecipient('email', DESK, 1);
    expect(first).toMatchObject({ kind: 'ticket.created', status: 'pending', attempts: 1, error: 'smtp_451' });
    expect(first.nextAttemptAt!.getTime()).toBe(t.clock.now().getTime() + retryDelaysMs[0]);
    const outbox = await t.api({ url: '/api/v1/system/outbox?channel=email', token: admin });
    expect(outbox.body.items.find((i: { id: string }) => i.id === first.id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'smtp_451', nextAttemptAt: first.nextAttemptAt!.toISOString() });

    // Not due yet: nothing is tried.
    t.clock.advance(MINUTE - 1000);
    expect(await t.services.notifications.retryDue()).toEqual({ sent: 0, pending: 0, failed: 0 });

    t.clock.advance(1000);
    expect(await t.services.notifications.retryDue()).toEqual({ sent: 0, pending: 1, failed: 0 });
    expect(await row(first.id)).toMatchObject({ status: 'pending', attempts: 2, error: 'smtp_451' });
    expect((await row(first.id)).nextAttemptAt!.getTime()).toBe(t.clock.now().getTime() + retryDelaysMs[1]);
    expect(mailsAbout(ticket.body.id)).toHaveLength(0);

    t.clock.advance(retryDelaysMs[1]);
    // Two overlapping rounds (the job on two servers): the row is claimed by one of them only.
    const rounds = await Promise.all([t.services.notifications.retryDue(), t.services.notifications.retryDue()]);
    expect(rounds.reduce((n, r) => n + r.sent, 0)).toBe(1);
    const delivered = await row(first.id);
    expect(delivered).toMatchObject({ status: 'sent', attempts: 3, error: 'smtp_451', nextAttemptAt: null });

    t.clock.advance(24 * 3_600_000);
    await notificationRetriesJob(t.services.notifications).handler({});
    const mails = mailsAbout(ticket.body.id);
    expect(mails).toHaveLength(1);
    // The retry is the original message: the same subject, text and the brand's sender name.
    expect(mails[0].to).toEqual([DESK]);
    expect(mails[0].subject).toBe(`[Chapar] New ticket ${ticket.body.id}: Blip`);
    expect(mails[0].from).toBe('Chapar <support@chapar.test>');
    expect(mails[0].text).toContain('SMTP is busy');
    const after = await t.api({ url: '/api/v1/system/outbox?channel=email', token: admin });
    expect(after.body.items.find((i: { id: string }) => i.id === first.id)).toMatchObject({ status: 'sent', attempts: 3, lastError: 'smtp_451', nextAttemptAt: null });
  });

  it('resends the attachment it was given, kept in the database until the e-mail is sent', async () => {
    const pdf = Buffer.from('%PDF-1.4\n% a contract\n%%EOF\n');
    smtp.refuseNext(451);
    const r = await t.services.notifications.deliver({
      channel: 'email', recipient: DESK, subject: 'Agency contract R-1', body: 'Your contract is attached.', kind: 'agency.contract', fromName: 'Agency R',
      attachments: [{ filename: 'contract-R-1.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    expect(r.status).toBe('pending');
    expect(await attachmentRows(r.id)).toBe(1);
    t.clock.advance(retryDelaysMs[0]);
    expect(await t.services.notifications.retryDue()).toMatchObject({ sent: 1 });
    const [mail] = mailsAbout('Agency contract R-1');
    expect(mail.from).toBe('Agency R <support@chapar.test>');
    const attached = mail.raw.match(/Content-Type: application\/pdf[\s\S]*?\r\n\r\n([A-Za-z0-9+/=\r\n]+)/);
    expect(Buffer.from(attached![1].replace(/\s+/g, ''), 'base64').equals(pdf)).toBe(true);
    expect(await attachmentRows(r.id)).toBe(0);
  });

  it('fails at once on 550, with no retry', async () => {
    smtp.refuseNext(550);
    const ticket = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Bounce', text: 'no such mailbox', priority: 'normal' } });
    const [n] = await t.services.notifications.listForRecipient('email', DESK, 1);
    expect(n).toMatchObject({ status: 'failed', attempts: 1, error: 'smtp_550', nextAttemptAt: null });
    t.clock.advance(7 * 3_600_000);
    expect(await t.services.notifications.retryDue()).toEqual({ sent: 0, pending: 0, failed: 0 });
    expect(mailsAbout(ticket.body.id)).toHaveLength(0);
    expect(await row(n.id)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('fails for good after the last attempt: 1 min, 5 min, 30 min, 2 h, 6 h apart', async () => {
    smtp.refuseNext(...Array.from({ length: maxAttempts }, () => 451));
    const ticket = await t.api({ url: '/api/v1/support/tickets', token: user.token, body: { subject: 'Outage', text: 'down all day', priority: 'normal' } });
    const [n] = await t.services.notifications.listForRecipient('email', DESK, 1);
    expect(n).toMatchObject({ status: 'pending', attempts: 1 });
    for (const [i, delay] of retryDelaysMs.entries()) {
      t.clock.advance(delay);
      const round = await t.services.notifications.retryDue();
      const last = i === retryDelaysMs.length - 1;
      expect(round).toEqual({ sent: 0, pending: last ? 0 : 1, failed: last ? 1 : 0 });
      expect(await row(n.id)).toMatchObject({ attempts: i + 2, status: last ? 'failed' : 'pending' });
    }
    expect(maxAttempts).toBe(6);
    expect(await row(n.id)).toMatchObject({ status: 'failed', error: 'smtp_451', nextAttemptAt: null });
    t.clock.advance(24 * 3_600_000);
    expect(await t.services.notifications.retryDue()).toEqual({ sent: 0, pending: 0, failed: 0 });
    expect(mailsAbout(ticket.body.id)).toHaveLength(0);
  });

  it('takes over a row whose attempt never finished (the process died mid-send)', async () => {
    const id = await t.services.notifications.send({ channel: 'email', recipient: DESK, subject: 'Crash R-2', body: 'lost?', kind: 'test' });
    // As if the server had died after writing the row: pending, the first attempt's lease running.
    await t.db.query("UPDATE notifications SET status = 'pending', attempts = 0, next_attempt_at = $2 WHERE id = $1", [id, new Date(t.clock.now().getTime() + 10 * MINUTE)]);
    expect(await t.services.notifications.retryDue()).toEqual({ sent: 0, pending: 0, failed: 0 });
    t.clock.advance(10 * MINUTE);
    expect(await t.services.notifications.retryDue()).toMatchObject({ sent: 1 });
    expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});
