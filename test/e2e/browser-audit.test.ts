// Notifications and the audit log in a real browser: a user opens a ticket, its agency's bell
// counts it (the bell polls), the agency reads it in the notification centre and marks all read;
// the platform finds the ticket's opening in the audit log under 'ticket.*', in Persian and English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensurePanelBuilt, launchChromium, startLiveChapar, type LiveChapar, openPage, field, signIn, createChild } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const AGENCY = { username: 'nima.agency', password: 'nima-pass-123', mobile: '09123456782' };
const USER = { username: 'omid', password: 'omid-pass-123', mobile: '09351234569' };
const SUBJECT = 'گزارش تحویل نمی‌آید';

let live: LiveChapar;
let browser: Browser;
const pageErrors: string[] = [];
const newPage = () => openPage(browser, live.baseUrl, pageErrors);

beforeAll(async () => {
  ensurePanelBuilt();
  live = await startLiveChapar(ADMIN);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
});


const latin = (s: string) => s.replace(/[۰-۹]/g, (d) => String(d.charCodeAt(0) - 0x06f0));



/** The bell's unread count, read from its accessible name ("اعلان‌ها، ۲ خوانده‌نشده"); 0 without one. */
async function bellCount(page: Page): Promise<number> {
  const name = (await page.getByRole('button', { name: /^اعلان‌ها/ }).getAttribute('aria-label')) ?? '';
  const m = /([۰-۹0-9]+)/.exec(name);
  return m ? Number(latin(m[1])) : 0;
}

describe('notifications and the audit log in the panel', () => {
  it('the bell counts a new ticket, the agency marks all read, the platform finds the opening in the audit log', async () => {
    const admin = await newPage();
    const agency = await newPage();
    const user = await newPage();
    try {
      await signIn(admin.page, ADMIN.username, ADMIN.password);
      await createChild(admin.page, AGENCY, 'نماینده');
      await signIn(agency.page, AGENCY.username, AGENCY.password);
      await createChild(agency.page, USER, 'کاربر');
      const before = await bellCount(agency.page);

      // The user opens a ticket.
      await signIn(user.page, USER.username, USER.password);
      await user.page.getByRole('link', { name: 'تیکت‌های پشتیبانی' }).click();
      await user.page.getByRole('link', { name: 'تیکت تازه' }).click();
      await user.page.getByLabel(field('موضوع')).fill(SUBJECT);
      await user.page.getByLabel(field('متن')).fill('از دیروز گزارش تحویل پیامک‌ها به‌روز نمی‌شود.');
      await user.page.getByRole('button', { name: 'ارسال تیکت' }).click();
      await user.page.getByTestId('ticket-status').filter({ hasText: 'در انتظار پشتیبانی' }).waitFor();

      // The agency's bell, polling every 30 s, counts it without a reload.
      await expect.poll(() => bellCount(agency.page), { timeout: 45_000, interval: 1_000 }).toBe(before + 1);
      expect(await agency.page.getByRole('button', { name: /^اعلان‌ها/ }).getAttribute('aria-label')).toBe(`اعلان‌ها، ${(before + 1).toLocaleString('fa-IR')} خوانده‌نشده`);

      // Its dropdown lists the alert; the notification centre shows it with a Jalali time, then all are marked read.
      await agency.page.getByRole('button', { name: /^اعلان‌ها/ }).click();
      const dropdown = agency.page.getByRole('dialog', { name: 'اعلان‌ها' });
      await dropdown.getByRole('listitem').filter({ hasText: SUBJECT }).waitFor();
      await dropdown.getByRole('link', { name: 'همهٔ اعلان‌ها' }).click();
      await agency.page.getByRole('heading', { name: 'اعلان‌ها' }).waitFor();
      const item = agency.page.getByRole('main').getByRole('listitem').filter({ hasText: SUBJECT });
      await item.waitFor();
      const itemText = await item.innerText();
      expect(itemText).toContain('تیکت تازه');
      expect(itemText).toContain('تازه');
      const month = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { month: 'long', timeZone: 'Asia/Tehran' }).format(new Date());
      expect(itemText).toContain(month);
      await agency.page.getByRole('main').getByRole('button', { name: 'همه خوانده شد' }).click();
      await agency.page.getByRole('button', { name: 'اعلان‌ها', exact: true }).waitFor();
      await item.getByRole('button', { name: 'خوانده شد' }).waitFor({ state: 'detached' });
      expect(await bellCount(agency.page)).toBe(0);
      await agency.page.screenshot({ path: '/tmp/chapar-notifications.png', fullPage: true });

      // The agency's notification settings: a quiet rule of its own, a template edited, previewed and reset.
      await agency.page.getByRole('link', { name: 'تنظیمات اعلان‌ها' }).click();
      await agency.page.getByRole('heading', { name: 'تنظیمات اعلان‌ها' }).waitFor();
      await agency.page.getByLabel('پایان بازهٔ پیامک (تهران)').fill('۲۳:۳۰');
      await agency.page.getByRole('button', { name: 'ذخیره' }).first().click();
      await agency.page.getByText('قاعدهٔ خودتان').waitFor();
      const sms = agency.page.getByLabel(field('متن پیامک و اعلان پنل'));
      await expect.poll(() => sms.inputValue()).toContain('{{ticketId}}');
      await sms.fill('تیکت {{ticketId}} از {{author}}: ');
      await agency.page.getByRole('button', { name: '{{subject}}' }).click();
      expect(await sms.inputValue()).toBe('تیکت {{ticketId}} از {{author}}: {{subject}}');
      await agency.page.getByRole('button', { name: 'ذخیره' }).last().click();
      await agency.page.getByTestId('template-state').filter({ hasText: 'قالب خودتان' }).waitFor();
      await agency.page.screenshot({ path: '/tmp/chapar-notification-settings.png', fullPage: true });
      await agency.page.getByRole('button', { name: 'پیش‌نمایش' }).click();
      await agency.page.getByRole('dialog').getByText('تیکت ۱۰۴۲ از امید: پیامک‌ها نمی‌رسند').waitFor();
      await agency.page.getByRole('dialog').screenshot({ path: '/tmp/chapar-template-preview.png', animations: 'disabled' });
      await agency.page.keyboard.press('Escape');
      await agency.page.getByRole('button', { name: 'بازگشت به پیش‌فرض' }).click();
      await agency.page.getByTestId('template-state').filter({ hasText: 'متن پیش‌فرض' }).waitFor();
      expect(await sms.inputValue()).toContain('{{ticketId}}');

      // The platform opens the audit log and narrows it to tickets.
      await admin.page.getByRole('link', { name: 'گزارش رویدادها' }).click();
      await admin.page.getByRole('heading', { name: 'گزارش رویدادها' }).waitFor();
      await admin.page.getByRole('combobox', { name: 'گروه رویداد' }).click();
      await admin.page.getByRole('option', { name: 'تیکت‌ها' }).click();
      const table = admin.page.getByRole('table', { name: 'گزارش رویدادها' });
      const row = table.getByRole('row').filter({ hasText: 'ticket.opened' });
      await row.waitFor();
      await expect.poll(async () => (await table.getByRole('row').allInnerTexts()).slice(1).every((r) => r.includes('ticket.'))).toBe(true);
      const rowText = await row.innerText();
      expect(rowText).toContain(USER.username);
      expect(rowText).toContain('تیکت‌ها');
      expect(rowText).toContain('۱۲۷.۰.۰.۱');
      expect(rowText).toContain(month);
      await admin.page.screenshot({ path: '/tmp/chapar-audit.png', fullPage: true });

      // The same row in English.
      await admin.page.getByRole('button', { name: 'English' }).click();
      await admin.page.getByRole('heading', { name: 'Audit log' }).waitFor();
      const enRow = admin.page.getByRole('table', { name: 'Audit log' }).getByRole('row').filter({ hasText: 'ticket.opened' });
      await enRow.filter({ hasText: 'Tickets' }).waitFor();
      const enText = await enRow.innerText();
      expect(enText).toContain(USER.username);
      expect(enText).toContain('127.0.0.1');
      expect(await admin.page.getByRole('combobox', { name: 'Event family' }).inputValue()).toBe('Tickets');
      await admin.page.waitForTimeout(1_000);
      await admin.page.screenshot({ path: '/tmp/chapar-audit-en.png', fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (err) {
      for (const [n, p] of [['admin', admin], ['agency', agency], ['user', user]] as const) await p.page.screenshot({ path: `/tmp/chapar-audit-failure-${n}.png`, fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await Promise.all([admin.context.close(), agency.context.close(), user.context.close()]);
    }
  }, 240_000);
});
