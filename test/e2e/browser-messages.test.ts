// Sending from the panel in a real browser, engine on: a customer of the platform types a Persian
// text and three numbers (one in Persian digits), watches parts and cost update as it types,
// sends, sees the three recipients delivered live by the simulator SMSC; the platform admin (who
// itself sends free: nobody above it charges) makes a handset text its receiving line, reads it
// in the inbox, and reads the customer's batch page in English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Chapar } from '../../src/server.ts';
import type { TestDb } from '../helpers/db.ts';
import { ensurePanelBuilt, launchChromium, startLiveChapar, type LiveChapar, openPage, field, signIn as signInAs } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const SHOP = { username: 'shop', password: 'shop-pass-123', mobile: '09121110000', kind: 'user' };
const TEXT = 'سلام، سفارش شما ارسال شد.';
const INBOUND = 'سلام، لطفاً با من تماس بگیرید';

let live: LiveChapar;
let chapar: Chapar;
let db: TestDb;
let baseUrl: string;
let browser: Browser;
const pageErrors: string[] = [];
const newPage = () => openPage(browser, baseUrl, pageErrors);
const signIn = (page: Page, who: { username: string; password: string }) => signInAs(page, who.username, who.password);
const faNum = (n: number) => new Intl.NumberFormat('fa-IR').format(n);

/** Like startLiveChapar, with the engine on and a simulator that delivers every part quickly. */
async function startWithEngine() {
  live = await startLiveChapar(ADMIN, { engine: true, engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 300, max: 1200 } } } } });
  ({ chapar, db, baseUrl } = live);
}

const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, token: string | null, body?: unknown) => live.api(method, url, token, body);

beforeAll(async () => {
  ensurePanelBuilt();
  await startWithEngine();
  const login = await api('POST', '/api/v1/auth/login', null, ADMIN);
  const token = login.body.token as string;
  // The send tests the panel, not KYC: unverified accounts may send to anyone.
  expect((await api('PUT', '/api/v1/compliance/policy', token, { kycOwnMobileOnly: false, moderateWithoutKyc: false })).status).toBe(200);
  const groups = await api('GET', '/api/v1/billing/groups', token);
  const group = groups.body.items.find((g: { isDefault: boolean }) => g.isDefault);
  expect((await api('PATCH', `/api/v1/billing/groups/${group.id}`, token, { basePrice: '1000' })).status).toBe(200);
  const shop = await api('POST', '/api/v1/accounts', token, SHOP);
  expect(shop.status).toBe(201);
  expect((await api('POST', `/api/v1/accounts/${shop.body.id}/credit`, token, { amount: '100000', note: 'test' })).status).toBe(200);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await chapar?.stop();
  await db?.close();
});




describe('sending from the panel', () => {
  it('quotes live, sends, shows delivery live, reads an inbound SMS, and speaks English', async () => {
    const { context, page } = await newPage();
    const admin = await newPage();
    try {
      await signIn(page, SHOP);

      // The send page: the default line is preselected; the counter follows the typing.
      await page.getByRole('link', { name: 'ارسال پیامک' }).click();
      await page.getByRole('heading', { name: 'ارسال پیامک' }).waitFor();
      await expect.poll(() => page.getByRole('combobox', { name: 'خط ارسال' }).inputValue()).toMatch(/^[۰-۹]{8}/);
      const counter = page.getByTestId('parts-counter');
      await page.getByLabel(field('متن پیام')).fill(TEXT);
      await expect.poll(() => counter.innerText()).toContain('۱ بخش');
      expect(await counter.innerText()).toContain(`${faNum(TEXT.length)} نویسه`);
      expect(await counter.innerText()).toContain('یونیکد');

      // Two numbers, then a third in Persian digits: the quote follows (1 part × 1,000 rials each).
      const recipients = page.getByLabel(field('گیرندگان'));
      await recipients.fill('09121234567\n09351234567');
      const cost = page.getByTestId('quote-cost');
      await expect.poll(() => cost.innerText(), { timeout: 10_000 }).toBe(`${faNum(2000)} ریال`);
      await recipients.fill('09121234567\n09351234567\n۰۹۲۰۱۲۳۴۵۶۷');
      await expect.poll(() => cost.innerText(), { timeout: 10_000 }).toBe(`${faNum(3000)} ریال`);
      const quote = page.getByRole('region', { name: 'پیش‌فاکتور' });
      for (const op of ['همراه اول', 'ایرانسل', 'رایتل']) await quote.getByRole('row').filter({ hasText: op }).waitFor();
      await page.screenshot({ path: '/tmp/chapar-send.png', fullPage: true });

      // Send: the batch page, and the three recipients turn delivered while we watch.
      await page.getByRole('button', { name: 'ارسال', exact: true }).click();
      await page.waitForURL(/\/batches\/[^/]+$/);
      await page.getByRole('heading', { name: 'جزئیات ارسال' }).waitFor();
      const counts = page.getByTestId('batch-counts');
      await expect.poll(() => counts.innerText(), { timeout: 20_000 }).toContain(`رسیده: ${faNum(3)}`);
      await expect.poll(() => page.getByTestId('batch-status').innerText()).toBe('پایان‌یافته');
      expect(await page.getByTestId('batch-progress').innerText()).toBe('۳ از ۳ به نتیجه رسید');
      const table = page.getByRole('table', { name: 'گیرندگان' });
      await expect.poll(() => table.getByRole('row').filter({ hasText: 'رسیده' }).count()).toBe(3);
      const rows = await table.innerText();
      expect(rows).toContain('۰۹۲۰۱۲۳۴۵۶۷');
      expect(rows).not.toMatch(/[0-9]/);
      const csv = page.getByRole('link', { name: 'خروجی CSV' });
      expect(await csv.getAttribute('href')).toMatch(/\/recipients\?.*format=csv/);
      const exported = await page.evaluate((href) => fetch(href!).then((r) => r.text()), await csv.getAttribute('href'));
      expect(exported.trim().split('\n')).toHaveLength(4);
      expect(exported).toContain('+989201234567,rightel,delivered');
      await page.screenshot({ path: '/tmp/chapar-batch.png', fullPage: true });
      const batchUrl = page.url();

      // The batch is in the sends list.
      await page.getByRole('link', { name: 'ارسال‌ها', exact: true }).click();
      await page.getByRole('table', { name: 'ارسال‌ها' }).getByRole('row').filter({ hasText: TEXT }).waitFor();

      // The platform admin: a handset texts the platform's receiving line through the simulator; the inbox shows it.
      await inboxAndEnglish(admin.page, batchUrl);
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-messages-failure.png', fullPage: true }).catch(() => {});
      await admin.page.screenshot({ path: '/tmp/chapar-messages-failure-admin.png', fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await context.close();
      await admin.context.close();
    }
  });
});

describe('the platform’s messaging operations pages', () => {
  it('shows lines, live connectors and routes, rules, webhooks and KYC in Persian', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, ADMIN);
      await page.getByRole('link', { name: 'خطوط', exact: true }).click();
      const lines = page.getByRole('table', { name: 'خطوط ارسال و دریافت' });
      await lines.getByRole('row').filter({ hasText: '۳۰۰۰۱۰۰۰' }).waitFor();
      expect(await lines.getByRole('row').filter({ hasText: '۱۰۰۰۱۰۰۰' }).innerText()).toContain('اشتراکی');
      await page.screenshot({ path: '/tmp/chapar-lines.png', fullPage: true });

      // The built-in simulator connector is bound, live; the catch-all route points at it.
      await page.getByRole('link', { name: 'اتصال‌ها و مسیرها' }).click();
      await page.getByRole('table', { name: 'اتصال‌ها' }).getByRole('row').filter({ hasText: 'متصل' }).waitFor();
      await page.getByRole('table', { name: 'مسیرها' }).getByRole('row').filter({ hasText: 'simulator' }).waitFor();
      await page.screenshot({ path: '/tmp/chapar-routing.png', fullPage: true });

      await page.getByRole('link', { name: 'مقررات ارسال' }).click();
      await page.getByRole('table', { name: 'سیاست مؤثر شما' }).getByText('نگه‌داشتن تا ساعت مجاز').waitFor();
      await page.getByLabel('افزودن شماره‌ها (هر سطر یک شماره)').fill('09121112233\n۰۹۳۵۱۱۱۲۲۳۳');
      await page.getByRole('button', { name: 'افزودن' }).nth(1).click();
      await page.getByRole('table', { name: 'لیست سیاه شما' }).getByRole('row').filter({ hasText: '۰۹۳۵۱۱۱۲۲۳۳' }).waitFor();
      await page.screenshot({ path: '/tmp/chapar-compliance.png', fullPage: true });

      await page.getByRole('link', { name: 'وب‌هوک‌ها' }).click();
      await page.getByLabel(field('نشانی (URL)')).fill('https://example.com/hook');
      await page.getByRole('button', { name: 'افزودن' }).click();
      expect(await page.getByTestId('webhook-secret').innerText()).toMatch(/^whsec_/);
      await page.getByRole('button', { name: 'رمز را برداشتم' }).click();
      await page.getByRole('table', { name: 'وب‌هوک‌ها' }).getByRole('row').filter({ hasText: 'https://example.com/hook' }).waitFor();
      await page.screenshot({ path: '/tmp/chapar-webhooks.png', fullPage: true });

      await page.getByRole('link', { name: 'بررسی احراز هویت' }).click();
      await page.getByRole('heading', { name: 'بررسی احراز هویت' }).waitFor();
      await page.getByRole('link', { name: 'صف بررسی پیام' }).click();
      await page.getByText('موردی نیست.').waitFor();
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-ops-failure.png', fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await context.close();
    }
  });

  it('lets a customer fill its identity check with live checksum hints', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, SHOP);
      await page.getByRole('link', { name: 'احراز هویت' }).click();
      await page.getByTestId('kyc-status').filter({ hasText: 'شروع نشده' }).waitFor();
      await page.getByLabel('کد ملی').fill('۰۰۱۲۳۴۵۶۷۸');
      await page.getByText('این کد معتبر نیست').waitFor();
      await page.getByLabel('کد ملی').fill('۰۰۱۲۳۴۵۶۷۹');
      await page.getByText('رقم کنترل درست است').waitFor();
      await page.getByLabel('نام و نام خانوادگی').fill('سارا محمدی');
      await page.getByLabel('تاریخ تولد (شمسی)').fill('۱۳۷۰/۰۵/۱۲');
      await page.getByRole('button', { name: 'ذخیرهٔ پیش‌نویس' }).click();
      await page.getByTestId('kyc-status').filter({ hasText: 'پیش‌نویس' }).waitFor();
      await page.screenshot({ path: '/tmp/chapar-kyc.png', fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-kyc-failure.png', fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });
});

/** The platform admin: an inbound SMS through the simulator, then the customer's batch in English. */
async function inboxAndEnglish(page: Page, batchUrl: string) {
  await signIn(page, ADMIN);
  await page.getByRole('link', { name: 'صندوق دریافت' }).click();
  await page.getByRole('heading', { name: 'صندوق دریافت' }).waitFor();
  const sim = page.getByRole('region', { name: 'شبیه‌سازی پیامک دریافتی' });
  await sim.getByLabel(field('شمارهٔ فرستنده')).fill('۰۹۱۲۷۶۵۴۳۲۱');
  expect(await sim.getByLabel(field('خط گیرنده')).inputValue()).toBe('۳۰۰۰۱۰۰۰');
  await sim.getByLabel(field('متن')).fill(INBOUND);
  await sim.getByRole('button', { name: 'ارسال از گوشی' }).click();
  const inboxRow = page.getByRole('table', { name: 'صندوق دریافت' }).getByRole('row').filter({ hasText: INBOUND });
  await expect
    .poll(async () => {
      if (await inboxRow.count()) return true;
      await page.getByRole('button', { name: 'تازه‌سازی' }).click();
      return false;
    }, { timeout: 15_000, interval: 700 })
    .toBe(true);
  expect(await inboxRow.innerText()).toContain('۰۹۱۲۷۶۵۴۳۲۱');
  await page.screenshot({ path: '/tmp/chapar-inbox.png', fullPage: true });

  // English: the customer's batch page, as its ancestor reads it, left to right, Latin digits.
  await page.goto(batchUrl);
  await page.getByRole('heading', { name: 'جزئیات ارسال' }).waitFor();
  await page.getByRole('button', { name: 'English' }).click();
  await page.waitForFunction(() => document.documentElement.dir === 'ltr');
  await page.getByRole('heading', { name: 'Send details' }).waitFor();
  await expect.poll(() => page.getByTestId('batch-counts').innerText()).toMatch(/Delivered: 3/i);
  expect(await page.getByTestId('batch-progress').innerText()).toBe('3 of 3 finished');
  await page.getByRole('link', { name: 'Export CSV' }).waitFor();
  expect(await page.getByRole('table', { name: 'Recipients' }).innerText()).toContain('09201234567');
  // The shell's main area slides over to the other side of the navbar: shoot once it has.
  await page.waitForFunction(() => document.querySelector('main h2')!.getBoundingClientRect().left >= 240);
  await page.screenshot({ path: '/tmp/chapar-batch-en.png', fullPage: true });
}
