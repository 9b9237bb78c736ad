// The phonebook and a campaign from the panel in a real browser, engine on: a customer creates a
// group, imports a small CSV (one bad row) mapping the mobile and name columns, reads the failed
// row and its reason, then sends a personalised advertising text to the group, reads the quote,
// and watches the recipients turn delivered on the batch page; then a pattern goes through review
// and a test send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Chapar } from '../../src/server.ts';
import type { TestDb } from '../helpers/db.ts';
import { ensurePanelBuilt, launchChromium, startLiveChapar, type LiveChapar, openPage, field, signIn as signInAs } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const SHOP = { username: 'shop', password: 'shop-pass-123', mobile: '09121110000', kind: 'user' };
const GROUP = 'مشتریان ویژه';
const CSV = 'شماره,مشتری,یادداشت\n09121234567,علی,قدیمی\n12345,نامعتبر,\n۰۹۳۵۱۲۳۴۵۶۷,سارا,جدید\n';
const TEXT = 'سلام {name}، تخفیف ویژهٔ امروز برای شما. لغو۱۱';

let live: LiveChapar;
let chapar: Chapar;
let db: TestDb;
let baseUrl: string;
let browser: Browser;
const pageErrors: string[] = [];
const newPage = () => openPage(browser, baseUrl, pageErrors);
const signIn = (page: Page, who: { username: string; password: string }) => signInAs(page, who.username, who.password);
const faNum = (n: number) => new Intl.NumberFormat('fa-IR').format(n);

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
  // The campaign tests the panel, not KYC or sending hours: advertising goes out at any hour here.
  const policy = { kycOwnMobileOnly: false, moderateWithoutKyc: false, sendingWindows: [{ operator: '*', lineType: '*', start: '00:00', end: '23:59' }] };
  expect((await api('PUT', '/api/v1/compliance/policy', token, policy)).status).toBe(200);
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




describe('phonebook, import and campaign from the panel', () => {
  it('creates a group, imports a CSV with a bad row, sends a personalised campaign and sees it delivered', async () => {
    const { context, page } = await newPage();
    try {
      await signIn(page, SHOP);

      // A new group.
      await page.getByRole('link', { name: 'دفترچهٔ تلفن' }).click();
      await page.getByRole('heading', { name: 'دفترچهٔ تلفن' }).waitFor();
      await page.getByLabel(field('نام گروه')).fill(GROUP);
      await page.getByRole('button', { name: 'ساخت گروه' }).click();
      const row = page.getByRole('table', { name: 'گروه‌ها' }).getByRole('row').filter({ hasText: GROUP });
      await row.waitFor();
      await row.getByRole('link', { name: GROUP }).click();
      await page.getByRole('heading', { name: GROUP }).waitFor();

      // Import: upload, the suggested mapping (mobile recognised, the «مشتری» column not), map the name.
      await page.getByRole('link', { name: 'ورود از فایل' }).click();
      await page.getByRole('heading', { name: 'ورود مخاطبان از فایل' }).waitFor();
      await page.locator('input[type=file]').setInputFiles({ name: 'contacts.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
      await page.getByRole('button', { name: 'بارگذاری و پیش‌نمایش' }).click();
      const col = (n: number) => page.getByRole('combobox', { name: `نگاشت ستون ${faNum(n)}` });
      await expect.poll(() => col(1).inputValue()).toBe('شمارهٔ موبایل');
      expect(await col(2).inputValue()).toBe('نادیده گرفتن');
      await col(2).click();
      await page.getByRole('option', { name: 'نام', exact: true }).click();
      await expect.poll(() => col(2).inputValue()).toBe('نام');
      expect(await page.getByRole('table', { name: 'ردیف‌های نخست فایل' }).innerText()).toContain('سارا');
      await page.screenshot({ path: '/tmp/chapar-import-preview.png', fullPage: true });
      await page.getByRole('button', { name: 'شروع ورود' }).click();

      // Progress until done: 2 imported, 1 failed with its reason; the errors CSV has the row.
      await expect.poll(() => page.getByTestId('import-status').innerText(), { timeout: 15_000 }).toContain('ورود به پایان رسید');
      expect(await page.getByTestId('import-imported').innerText()).toBe(faNum(2));
      expect(await page.getByTestId('import-failed').innerText()).toBe(faNum(1));
      const errors = page.getByRole('table', { name: 'ردیف‌های ناموفق' });
      const bad = errors.getByRole('row').filter({ hasText: 'شمارهٔ موبایل معتبر نیست' });
      expect(await bad.innerText()).toContain('۱۲۳۴۵');
      const csvLink = page.getByRole('link', { name: 'دریافت فهرست خطاها (CSV)' });
      const report = await page.evaluate((href) => fetch(href!).then((r) => r.text()), await csvLink.getAttribute('href'));
      expect(report).toContain('12345');
      await page.screenshot({ path: '/tmp/chapar-import.png', fullPage: true });

      // The contacts are in the group.
      await page.getByRole('link', { name: 'دیدن مخاطبان گروه' }).first().click();
      const contacts = page.getByRole('table', { name: 'مخاطبان' });
      await contacts.getByRole('row').filter({ hasText: 'سارا' }).waitFor();
      expect(await contacts.innerText()).toContain('۰۹۳۵۱۲۳۴۵۶۷');
      await page.screenshot({ path: '/tmp/chapar-phonebook-group.png', fullPage: true });

      // The campaign: the group, a personalised advertising text, the quote, send.
      await page.getByRole('link', { name: 'ارسال به گروه‌ها' }).click();
      await page.getByRole('heading', { name: 'ارسال به گروه‌های دفترچه' }).waitFor();
      await page.getByRole('combobox', { name: 'گروه‌ها' }).click();
      await page.getByRole('option', { name: new RegExp(GROUP) }).click();
      await page.keyboard.press('Escape');
      await page.getByTestId('placeholders').getByText('{name}').waitFor();
      await page.getByLabel(field('متن پیام')).fill(TEXT);
      await expect.poll(() => page.getByTestId('campaign-recipients').innerText(), { timeout: 10_000 }).toBe(`${faNum(2)} گیرنده در گروه‌های انتخاب‌شده`);
      await expect.poll(() => page.getByTestId('quote-cost').innerText(), { timeout: 10_000 }).toBe(`${faNum(2000)} ریال`);
      expect(await page.getByTestId('campaign-sample').innerText()).toMatch(/سلام (علی|سارا)،/);
      await page.screenshot({ path: '/tmp/chapar-campaign.png', fullPage: true });

      await page.getByRole('button', { name: 'ارسال', exact: true }).click();
      await page.waitForURL(/\/batches\/[^/]+$/);
      await page.getByRole('heading', { name: 'جزئیات ارسال' }).waitFor();
      await expect.poll(() => page.getByTestId('batch-counts').innerText(), { timeout: 20_000 }).toContain(`رسیده: ${faNum(2)}`);
      const table = page.getByRole('table', { name: 'گیرندگان' });
      await expect.poll(() => table.getByRole('row').filter({ hasText: 'رسیده' }).count()).toBe(2);
      await page.screenshot({ path: '/tmp/chapar-campaign-batch.png', fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-phonebook-failure.png', fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await context.close();
    }
  });

  it('submits a pattern with a variable, the platform approves it, and a test send is delivered', async () => {
    const { context, page } = await newPage();
    const admin = await newPage();
    try {
      await signIn(page, SHOP);
      await page.getByRole('link', { name: 'الگوها', exact: true }).click();
      await page.getByRole('heading', { name: 'الگوهای پیامک (رمز یک‌بارمصرف)' }).waitFor();
      await page.getByLabel(field('نام الگو')).fill('کد ورود');
      await page.getByLabel(field('متن الگو')).fill('کد ورود شما %code% است');
      await page.getByRole('table', { name: 'متغیرها' }).getByText('%code%').waitFor();
      await page.getByRole('button', { name: 'ارسال برای بررسی' }).click();
      const mine = page.getByRole('table', { name: 'الگوهای من' }).getByRole('row').filter({ hasText: 'کد ورود' });
      await mine.filter({ hasText: 'در انتظار بررسی' }).waitFor();

      // The platform approves it from its review queue.
      await signIn(admin.page, ADMIN);
      await admin.page.getByRole('link', { name: 'بررسی الگوها' }).click();
      const card = admin.page.getByRole('region', { name: 'کد ورود' });
      await card.getByText('کد ورود شما %code% است').waitFor();
      await admin.page.screenshot({ path: '/tmp/chapar-pattern-review.png', fullPage: true });
      await card.getByRole('button', { name: 'تأیید' }).click();
      await admin.page.getByText('الگویی در انتظار بررسی نیست.').waitFor();

      // Approved: preview and test-send it.
      await page.reload();
      await mine.filter({ hasText: 'تأییدشده' }).waitFor();
      await page.getByRole('combobox', { name: 'الگو' }).click();
      await page.getByRole('option', { name: 'کد ورود' }).click();
      await page.getByLabel(field('شمارهٔ گیرنده')).fill('۰۹۱۲۷۷۷۸۸۹۹');
      await page.getByLabel(field('%code%')).fill('۴۸۲۱۹۳');
      await page.getByRole('button', { name: 'پیش‌نمایش', exact: true }).click();
      await expect.poll(() => page.getByTestId('pattern-preview').innerText()).toContain('کد ورود شما 482193 است');
      await page.screenshot({ path: '/tmp/chapar-patterns.png', fullPage: true });
      await page.getByRole('button', { name: 'ارسال الگو' }).click();
      await page.waitForURL(/\/batches\/[^/]+$/);
      await expect.poll(() => page.getByTestId('batch-counts').innerText(), { timeout: 20_000 }).toContain(`رسیده: ${faNum(1)}`);
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-patterns-failure.png', fullPage: true }).catch(() => {});
      await admin.page.screenshot({ path: '/tmp/chapar-patterns-failure-admin.png', fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await context.close();
      await admin.context.close();
    }
  });
});
