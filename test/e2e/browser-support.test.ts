// Support in a real browser: a user opens a ticket with a file, its agency sees it unread and
// forwards it, the platform answers, the user reads the reply (from "support") and closes it.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensurePanelBuilt, launchChromium, startLiveChapar, type LiveChapar, openPage, field, signIn, createChild } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const AGENCY = { username: 'sina.agency', password: 'sina-pass-123', mobile: '09123456781' };
const USER = { username: 'omid', password: 'omid-pass-123', mobile: '09351234568' };
const LOG = '/tmp/chapar-ticket-log.txt';

let live: LiveChapar;
let browser: Browser;
const pageErrors: string[] = [];
const newPage = () => openPage(browser, live.baseUrl, pageErrors);

beforeAll(async () => {
  ensurePanelBuilt();
  live = await startLiveChapar(ADMIN);
  browser = await launchChromium();
  writeFileSync(LOG, 'send failed at 10:42 — خطای ارسال\n');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
});





describe('support in the panel', () => {
  it('a user opens a ticket with a file, the agency forwards it, the platform answers, the user reads it and closes it', async () => {
    const admin = await newPage();
    const agency = await newPage();
    const user = await newPage();
    try {
      await signIn(admin.page, ADMIN.username, ADMIN.password);
      await createChild(admin.page, AGENCY, 'نماینده');
      await signIn(agency.page, AGENCY.username, AGENCY.password);
      await createChild(agency.page, USER, 'کاربر');

      // The user opens a ticket with an attachment.
      await signIn(user.page, USER.username, USER.password);
      await user.page.getByRole('link', { name: 'تیکت‌های پشتیبانی' }).click();
      await user.page.getByRole('link', { name: 'تیکت تازه' }).click();
      await user.page.getByLabel(field('موضوع')).fill('پیامک‌ها نمی‌رسند');
      await user.page.getByLabel(field('متن')).fill('از صبح پیامک‌های تبلیغاتی ما ارسال نمی‌شوند.');
      await user.page.locator('input[type=file]').setInputFiles(LOG);
      await user.page.getByRole('button', { name: 'ارسال تیکت' }).click();
      await user.page.getByTestId('ticket-status').filter({ hasText: 'در انتظار پشتیبانی' }).waitFor();
      await user.page.getByRole('link', { name: /chapar-ticket-log\.txt/ }).waitFor();

      // The agency sees it unread in its list, opens it and forwards it upstream.
      await agency.page.goto('/tickets');
      const row = agency.page.getByRole('table', { name: 'تیکت‌های پشتیبانی' }).getByRole('row').filter({ hasText: 'پیامک‌ها نمی‌رسند' });
      await row.getByLabel('۱ پیام خوانده‌نشده').waitFor();
      expect(await row.innerText()).toContain('در انتظار پشتیبانی');
      await agency.page.screenshot({ path: '/tmp/chapar-tickets.png', fullPage: true });
      await row.getByRole('link', { name: 'پیامک‌ها نمی‌رسند' }).click();
      await agency.page.getByText('از صبح پیامک‌های تبلیغاتی ما ارسال نمی‌شوند.').waitFor();
      await agency.page.getByRole('button', { name: 'ارجاع به بالادستی' }).click();
      await agency.page.getByRole('dialog').getByLabel('یادداشت ارجاع (اختیاری)').fill('مشکل از خط است');
      await agency.page.getByRole('dialog').getByRole('button', { name: 'ارجاع به بالادستی' }).click();
      await agency.page.getByTestId('ticket-status').filter({ hasText: 'ارجاع شده' }).waitFor();

      // The platform answers.
      await admin.page.goto('/tickets');
      await admin.page.getByRole('link', { name: 'پیامک‌ها نمی‌رسند' }).click();
      await admin.page.getByText(/ارجاع از sina\.agency به admin/).waitFor();
      await admin.page.getByRole('textbox', { name: 'متن' }).fill('خط دوباره فعال شد؛ لطفاً دوباره امتحان کنید.');
      await admin.page.getByRole('button', { name: 'ارسال پاسخ' }).click();
      await admin.page.getByTestId('ticket-status').filter({ hasText: 'پاسخ داده شد' }).waitFor();
      await admin.page.screenshot({ path: '/tmp/chapar-ticket-support.png', fullPage: true });

      // The user sees the reply, from "support" (white-label), timestamped in Jalali, and closes it.
      await user.page.goto('/tickets');
      await user.page.getByRole('link', { name: 'پیامک‌ها نمی‌رسند' }).click();
      const reply = user.page.getByRole('listitem').filter({ hasText: 'خط دوباره فعال شد' });
      await reply.waitFor();
      const replyText = await reply.innerText();
      expect(replyText).toContain('پشتیبانی');
      expect(replyText).not.toContain('admin');
      expect(replyText).not.toMatch(/[0-9]/);
      await user.page.screenshot({ path: '/tmp/chapar-ticket-user.png', fullPage: true });
      await user.page.getByRole('button', { name: 'بستن تیکت' }).click();
      await user.page.getByTestId('ticket-status').filter({ hasText: 'بسته' }).waitFor();
      expect(pageErrors).toEqual([]);
    } catch (err) {
      for (const [n, p] of [['admin', admin], ['agency', agency], ['user', user]] as const) await p.page.screenshot({ path: `/tmp/chapar-support-failure-${n}.png`, fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await Promise.all([admin.context.close(), agency.context.close(), user.context.close()]);
    }
  }, 180_000);
});
