// Money in a real browser: the platform prices its default group and funds an agency; the agency
// sets its prices, a sandbox gateway and a bank account, and funds its user; the user tops up
// online (sandbox, success) and by bank deposit, which the agency approves; the wallet shows it in
// Persian; in English the platform previews a Persian advertising send at every level.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensurePanelBuilt, launchChromium, startLiveChapar, type LiveChapar, openPage, field, signIn, createChild } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const AGENCY = { username: 'pars.agency', password: 'pars-pass-123', mobile: '09123456780' };
const USER = { username: 'mina', password: 'mina-pass-123', mobile: '09351234567' };
const RECEIPT = '/tmp/chapar-receipt.png';
// A 1×1 PNG: the server reads the type from the bytes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let live: LiveChapar;
let browser: Browser;
const pageErrors: string[] = [];
const newPage = () => openPage(browser, live.baseUrl, pageErrors);

beforeAll(async () => {
  ensurePanelBuilt();
  live = await startLiveChapar(ADMIN);
  browser = await launchChromium();
  writeFileSync(RECEIPT, PNG);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
});





async function giveCredit(page: Page, username: string, amount: string) {
  await page.goto('/');
  await page.getByRole('link', { name: `کیف پول ${username}` }).click();
  await page.getByRole('heading', { name: new RegExp(`کیف پول\\s+${username.replace('.', '\\.')}`) }).waitFor();
  await page.getByLabel(field('مبلغ')).fill(amount);
  await page.getByRole('button', { name: 'واگذار کن' }).click();
  await page.getByText(/واگذار شد؛ موجودی زیرمجموعه/).waitFor();
}

async function setDefaultBasePrice(page: Page, price: string) {
  await page.goto('/billing/groups');
  await page.getByRole('button', { name: /^ویرایش گروه/ }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('قیمت پایهٔ هر بخش').fill(price);
  await dialog.getByRole('button', { name: 'ذخیره' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** A شبا that passes mod 97: IR, check digits, 22 digits. */
function validIban(bban: string): string {
  const rem = BigInt(`${bban}182700`) % 97n;
  return `IR${String(98n - rem).padStart(2, '0')}${bban}`;
}

describe('money in the panel', () => {
  it('funds an agency and its user, tops up online and by deposit, and previews prices at every level', async () => {
    const admin = await newPage();
    const agency = await newPage();
    const user = await newPage();
    try {
      // Platform: price its default group at 100 rials a part, create the agency, give it credit.
      await signIn(admin.page, ADMIN.username, ADMIN.password);
      await setDefaultBasePrice(admin.page, '۱۰۰');
      await admin.page.getByRole('table', { name: 'گروه‌های کاربری' }).getByText('۱۰۰ ریال').first().waitFor();
      await admin.page.goto('/');
      await createChild(admin.page, AGENCY, 'نماینده');
      await giveCredit(admin.page, AGENCY.username, '۱٬۰۰۰٬۰۰۰');
      await admin.page.getByTestId('child-balance').filter({ hasText: '۱٬۰۰۰٬۰۰۰ ریال' }).waitFor();

      // Agency: its own price (150), a user with 50,000 rials, a sandbox gateway, a bank account.
      await signIn(agency.page, AGENCY.username, AGENCY.password);
      await setDefaultBasePrice(agency.page, '150');
      await agency.page.goto('/');
      await createChild(agency.page, USER, 'کاربر');
      await giveCredit(agency.page, USER.username, '50000');
      await agency.page.goto('/billing/settings');
      await agency.page.getByRole('button', { name: 'افزودن درگاه' }).click();
      let dialog = agency.page.getByRole('dialog');
      await dialog.getByLabel(field('نام')).fill('درگاه آزمایشی پارس');
      await dialog.getByRole('button', { name: 'ذخیره' }).click();
      await dialog.waitFor({ state: 'detached' });
      await agency.page.getByRole('button', { name: 'افزودن حساب' }).click();
      dialog = agency.page.getByRole('dialog');
      await dialog.getByLabel(field('بانک')).fill('بانک ملت');
      await dialog.getByLabel(field('صاحب حساب')).fill('نمایندگی پارس');
      await dialog.getByLabel(field('شمارهٔ شبا')).fill('IR000120000000003123456789');
      await dialog.getByRole('button', { name: 'ذخیره' }).click();
      await dialog.getByText('شمارهٔ شبا معتبر نیست (IR و ۲۴ رقم).').waitFor(); // the server's check, on the field
      await dialog.getByLabel(field('شمارهٔ شبا')).fill(validIban('0120000000003123456789'));
      await dialog.getByRole('button', { name: 'ذخیره' }).click();
      await dialog.waitFor({ state: 'detached' });
      await agency.page.screenshot({ path: '/tmp/chapar-billing-settings.png', fullPage: true });

      // User: pay 100,000 rials online; the sandbox sends the browser back; the result page.
      await signIn(user.page, USER.username, USER.password);
      await user.page.goto('/topup');
      await user.page.getByText('بانک ملت', { exact: true }).waitFor();
      await user.page.getByLabel(field('مبلغ اعتبار')).fill('۱۰۰۰۰۰');
      await user.page.getByTestId('topup-total').filter({ hasText: '۱۱۰٬۰۰۰ ریال' }).waitFor();
      await user.page.screenshot({ path: '/tmp/chapar-topup.png', fullPage: true });
      await user.page.getByRole('button', { name: 'پرداخت', exact: true }).click();
      await user.page.waitForURL(/\/pay\/sandbox\//);
      await user.page.getByRole('link', { name: /پرداخت موفق/ }).click();
      await user.page.waitForURL(/\/pay\/callback\//);
      await user.page.goto('/topup');
      await user.page.getByRole('link', { name: 'نتیجهٔ پرداخت' }).click();
      const result = user.page.getByTestId('payment-result');
      await result.getByText('پرداخت موفق').waitFor();
      const resultText = await result.innerText();
      for (const s of ['۱۰۰٬۰۰۰ ریال', '۱۰٬۰۰۰ ریال', '۱۱۰٬۰۰۰ ریال', 'اعتبار به حساب شما افزوده شد.']) expect(resultText).toContain(s);
      await user.page.screenshot({ path: '/tmp/chapar-payment-result.png', fullPage: true });

      // User: declare a 55,000-rial deposit (VAT included → 50,000 credit) with its receipt.
      await user.page.goto('/topup');
      await user.page.getByLabel(field('مبلغ واریزی')).fill('55000');
      await user.page.getByLabel(field('شمارهٔ پیگیری')).fill('778899');
      await user.page.locator('input[type=file]').setInputFiles(RECEIPT);
      await user.page.getByText('اعتبار پس از تأیید:').filter({ hasText: '۵۰٬۰۰۰ ریال' }).waitFor();
      await user.page.getByRole('button', { name: 'ثبت فیش' }).click();
      await user.page.getByRole('table', { name: 'فیش‌های من' }).getByText('در انتظار تأیید').waitFor();

      // Agency: approve it from the queue (the receipt image opens first).
      await agency.page.goto('/billing/deposits');
      const row = agency.page.getByRole('row').filter({ hasText: '۷۷۸۸۹۹' });
      await row.getByRole('button', { name: 'فیش' }).click();
      await agency.page.getByRole('img', { name: 'تصویر فیش 778899' }).waitFor();
      await agency.page.getByRole('dialog').getByRole('button', { name: 'بستن' }).click();
      await agency.page.screenshot({ path: '/tmp/chapar-deposits.png', fullPage: true });
      await row.getByRole('button', { name: 'تأیید' }).click();
      await agency.page.getByText('فیش 778899 تأیید و اعتبار آن منتقل شد.').waitFor();

      // User: 50,000 + 100,000 + 50,000 in the wallet; top-up rows in the statement, in Persian.
      await user.page.goto('/wallet');
      await user.page.getByTestId('wallet-balance').filter({ hasText: '۲۰۰٬۰۰۰ ریال' }).waitFor();
      const statement = user.page.getByRole('table', { name: 'گردش حساب' });
      await statement.getByRole('row').filter({ hasText: 'افزایش اعتبار' }).first().waitFor();
      const firstRow = await statement.getByRole('row').nth(1).innerText();
      expect(firstRow).toContain('افزایش اعتبار');
      expect(firstRow).toContain('۵۰٬۰۰۰ ریال');
      // Dates and amounts in Persian digits (the note is the server's own text: see the report).
      const figures = await statement.getByRole('row').nth(1).getByRole('cell').evaluateAll((cells) => cells.slice(0, 5).map((c) => (c as HTMLElement).innerText).join(' '));
      expect(figures).not.toMatch(/[0-9]/);
      await user.page.screenshot({ path: '/tmp/chapar-wallet.png', fullPage: true });

      // Platform, in English: a Persian advertising message to an MCI and an Irancell number.
      await admin.page.goto('/billing/preview');
      await admin.page.getByRole('button', { name: 'English' }).click();
      await admin.page.getByRole('heading', { name: 'Price preview' }).waitFor();
      await admin.page.getByRole('combobox', { name: 'Sender' }).click();
      await admin.page.getByRole('option', { name: new RegExp(`^${USER.username}`) }).click();
      await admin.page.getByRole('textbox', { name: 'Message text' }).fill('تخفیف ویژهٔ نوروز لغو۱۱');
      await admin.page.getByRole('textbox', { name: 'Recipients' }).fill('09121234567\n09351234567');
      await admin.page.getByRole('button', { name: 'Calculate' }).click();
      const levels = admin.page.getByRole('table', { name: 'Cost at each level' });
      const userRow = await levels.getByTestId('preview-level-user').innerText();
      const agencyRow = await levels.getByTestId('preview-level-agency').innerText();
      // The user pays the agency 2 × 150; the agency pays the platform 2 × 100 and keeps 100.
      expect(userRow).toContain(USER.username);
      expect(userRow).toContain('300 IRR');
      expect(userRow).toMatch(/MCI.*1 msg × 1 part\(s\) — 150 IRR/);
      expect(userRow).toMatch(/Irancell: 1 msg × 1 part\(s\) — 150 IRR/);
      expect(agencyRow).toContain(AGENCY.username);
      expect(agencyRow).toContain(ADMIN.username);
      expect(agencyRow).toContain('200 IRR');
      expect(agencyRow).toContain('100 IRR');
      await admin.page.screenshot({ path: '/tmp/chapar-preview-en.png', fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (err) {
      for (const [n, p] of [['admin', admin], ['agency', agency], ['user', user]] as const) await p.page.screenshot({ path: `/tmp/chapar-money-failure-${n}.png`, fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await Promise.all([admin.context.close(), agency.context.close(), user.context.close()]);
    }
  }, 180_000);
});
