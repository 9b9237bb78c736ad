// The agency programme in a real browser, in Persian: a user applies with its written request and
// a document; the platform quotes a fee (the user already has the credit) and activates; the
// contract goes out and the user records posting it; the new agency names its brand; the
// platform's sign-in page keeps the platform's brand.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensurePanelBuilt, launchChromium, startLiveChapar, type LiveChapar, openPage, field, signIn } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const USER = { username: 'aftab', password: 'aftab-pass-123', mobile: '09351112233' };
const BUSINESS = 'پیام‌رسان آفتاب';
const NEW_BRAND = 'پیامک آفتاب';
const DOC = '/tmp/chapar-agency-doc.png';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let live: LiveChapar;
let browser: Browser;
const pageErrors: string[] = [];
const newPage = () => openPage(browser, live.baseUrl, pageErrors);

beforeAll(async () => {
  ensurePanelBuilt();
  live = await startLiveChapar(ADMIN);
  browser = await launchChromium();
  writeFileSync(DOC, PNG);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
});




async function createUser(page: Page, a: { username: string; password: string; mobile: string }) {
  await page.getByRole('button', { name: 'ایجاد حساب' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(field('نام کاربری')).fill(a.username);
  await dialog.getByLabel(field('رمز عبور')).fill(a.password);
  await dialog.getByLabel(field('شمارهٔ همراه')).fill(a.mobile);
  await dialog.getByLabel(field('کاربر')).check();
  await dialog.getByRole('button', { name: 'ایجاد', exact: true }).click();
  await dialog.waitFor({ state: 'detached' });
}

async function giveCredit(page: Page, username: string, amount: string) {
  await page.goto('/');
  await page.getByRole('link', { name: `کیف پول ${username}` }).click();
  await page.getByLabel(field('مبلغ')).fill(amount);
  await page.getByRole('button', { name: 'واگذار کن' }).click();
  await page.getByText(/واگذار شد؛ موجودی زیرمجموعه/).waitFor();
}

describe('the agency programme in the panel', () => {
  it('a user applies, the platform quotes and activates, the new agency names its brand', async () => {
    const admin = await newPage();
    const user = await newPage();
    const anon = await newPage();
    try {
      // Platform: a user with enough credit for the fee.
      await signIn(admin.page, ADMIN.username, ADMIN.password);
      await createUser(admin.page, USER);
      await giveCredit(admin.page, USER.username, '۵۰۰٬۰۰۰');

      // User: the written request, a document, submit.
      await signIn(user.page, USER.username, USER.password);
      await user.page.getByRole('link', { name: 'درخواست نمایندگی' }).click();
      await user.page.getByRole('heading', { name: 'درخواست نمایندگی' }).waitFor();
      await user.page.getByLabel(field('نام کسب‌وکار')).fill(BUSINESS);
      await user.page.getByLabel(field('کد ملی')).fill('۰۴۹۹۳۷۰۸۹۹');
      await user.page.getByLabel(field('نشانی')).fill('تهران، خیابان آزادی، پلاک ۱۲');
      await user.page.getByLabel(field('تلفن')).fill('۰۲۱۸۸۷۷۶۶۵۵');
      await user.page.getByLabel(field('ایمیل')).fill('info@aftab.example');
      await user.page.getByLabel(field('چه خدماتی می‌فروشید؟')).fill('پیامک اطلاع‌رسانی برای فروشگاه‌های محله');
      await user.page.getByRole('button', { name: 'ثبت درخواست تازه' }).click();
      await user.page.getByTestId('agency-status').filter({ hasText: 'پیش‌نویس' }).waitFor();
      await user.page.locator('input[type=file]').setInputFiles(DOC);
      await user.page.getByRole('button', { name: 'پیوست مدرک' }).click();
      await user.page.getByRole('table', { name: 'مدارک' }).getByText('کارت ملی').waitFor();
      await user.page.getByRole('button', { name: 'ارسال درخواست' }).click();
      await user.page.getByTestId('agency-status').filter({ hasText: 'در انتظار بررسی' }).waitFor();

      // Platform: the queue, quote 200,000 rials.
      await admin.page.getByRole('link', { name: 'درخواست‌های نمایندگی' }).click();
      await admin.page.getByRole('link', { name: BUSINESS }).click();
      await admin.page.getByLabel(field('هزینهٔ نمایندگی (ریال)')).fill('۲۰۰٬۰۰۰');
      await admin.page.getByLabel(field('توضیح برای متقاضی (اختیاری)')).fill('هزینهٔ سال نخست');
      await admin.page.getByRole('button', { name: 'اعلام هزینه' }).click();
      await admin.page.getByTestId('agency-status').filter({ hasText: 'هزینه اعلام شد' }).waitFor();

      await admin.page.screenshot({ path: '/tmp/chapar-agency-parent.png', fullPage: true });

      // User: sees the fee and the way to pay it.
      await user.page.reload();
      await user.page.getByText('پرداخت هزینهٔ نمایندگی').waitFor();
      expect(await user.page.getByTestId('agency-application').innerText()).toContain('۲۰۰٬۰۰۰ ریال');
      await expect.poll(() => user.page.getByRole('link', { name: 'رفتن به افزایش اعتبار' }).getAttribute('href')).toBe('/topup');

      // Platform: activate (the fee comes out of the user's credit); the contract goes out.
      await admin.page.getByRole('button', { name: 'فعال‌سازی نمایندگی' }).click();
      await admin.page.getByRole('dialog').getByRole('button', { name: 'فعال‌سازی نمایندگی' }).click();
      await admin.page.getByTestId('agency-status').filter({ hasText: 'قرارداد فرستاده شد' }).waitFor();

      // User (now an agency): downloads the contract, records posting the signed copy.
      await user.page.goto('/agency/apply');
      await user.page.getByTestId('agency-status').filter({ hasText: 'قرارداد فرستاده شد' }).waitFor();
      const pdf = await user.page.request.get((await user.page.getByRole('link', { name: 'دریافت PDF قرارداد' }).getAttribute('href'))!);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toContain('application/pdf');
      await user.page.getByLabel(field('کد رهگیری پستی')).fill('۱۲۳۴۵۶۷۸۹۰');
      await user.page.getByRole('button', { name: 'ثبت ارسال' }).click();
      const timeline = user.page.getByTestId('agency-timeline');
      await timeline.getByText('قرارداد امضاشده پست شد').waitFor();
      const steps = await timeline.innerText();
      for (const s of ['پیش‌نویس', 'در انتظار بررسی', 'هزینه اعلام شد', 'هزینه: ۲۰۰٬۰۰۰ ریال', 'توضیح: هزینهٔ سال نخست', 'فعال شد', 'قرارداد فرستاده شد', 'توسط متقاضی', 'توسط بالادستی', 'کد رهگیری ۱۲۳۴۵۶۷۸۹۰', 'آذر']) expect(steps).toContain(s);
      expect(steps).not.toMatch(/[0-9]/); // Persian digits, Jalali dates
      await user.page.getByRole('button', { name: 'بستن' }).first().click().catch(() => {}); // the toasts
      await user.page.evaluate(() => window.scrollTo(0, 0));
      await user.page.screenshot({ path: '/tmp/chapar-agency-timeline.png', fullPage: true });

      // The new agency: its branding page, a Persian name.
      await user.page.getByRole('link', { name: 'برند', exact: true }).click();
      await user.page.getByRole('heading', { name: 'برند و ظاهر پنل' }).waitFor();
      await expect.poll(() => user.page.getByLabel(field('نام فارسی')).inputValue()).toBe(BUSINESS);
      await user.page.getByLabel(field('نام فارسی')).fill(NEW_BRAND);
      await user.page.getByLabel(field('تلفن پشتیبانی')).fill('۰۲۱۸۸۷۷۶۶۵۵');
      await user.page.getByLabel(field('رنگ اصلی')).fill('#aa3300');
      await user.page.getByRole('button', { name: 'ذخیرهٔ برند' }).click();
      await user.page.getByText('برند ذخیره شد.').waitFor();
      await user.page.reload();
      await expect.poll(() => user.page.getByLabel(field('نام فارسی')).inputValue()).toBe(NEW_BRAND);
      expect(await user.page.getByLabel(field('رنگ اصلی')).inputValue()).toBe('#aa3300');
      await user.page.screenshot({ path: '/tmp/chapar-branding.png', fullPage: true });

      // Its own domain: the exact records (the ownership TXT token), a check now.
      await user.page.goto('/domains');
      await user.page.getByLabel(field('دامنه')).fill('sms.aftab.example');
      await user.page.getByRole('button', { name: 'افزودن دامنه' }).click();
      const domain = user.page.getByTestId('domain-sms.aftab.example');
      await domain.getByRole('table', { name: 'اثبات مالکیت: این رکورد TXT را بسازید' }).getByText('_chapar-verify.sms.aftab.example').waitFor();
      expect(await domain.getByRole('table', { name: 'اثبات مالکیت: این رکورد TXT را بسازید' }).innerText()).toMatch(/TXT[\s\S]*chapar-verify_/);
      await domain.getByText('در انتظار DNS').waitFor();
      await domain.getByRole('button', { name: 'بررسی اکنون' }).click();
      await user.page.getByText('DNS بررسی شد: در انتظار DNS').waitFor();
      await user.page.screenshot({ path: '/tmp/chapar-domains.png', fullPage: true });

      // Its users: one created (the welcome SMS goes out), its password reset, suspended; its messages.
      await user.page.goto('/users');
      await user.page.getByRole('button', { name: 'کاربر تازه' }).click();
      let dialog = user.page.getByRole('dialog');
      await dialog.getByLabel(field('نام کاربری')).fill('nima');
      await dialog.getByLabel(field('شمارهٔ همراه')).fill('۰۹۱۲۳۳۳۴۴۵۵');
      await dialog.getByText('پیامک خوش‌آمد با نام کاربری، رمز و نشانی ورود به شمارهٔ همراه کاربر فرستاده می‌شود.').waitFor();
      await dialog.getByRole('button', { name: 'ساخت و ارسال پیامک خوش‌آمد' }).click();
      await user.page.getByText('کاربر nima ساخته شد و پیامک خوش‌آمد به ۰۹۱۲۳۳۳۴۴۵۵ فرستاده شد.').waitFor();
      const nima = user.page.getByRole('table', { name: 'مدیریت کاربران' }).getByRole('row').filter({ hasText: 'nima' });
      await nima.getByRole('button', { name: 'بازنشانی رمز nima' }).click();
      await user.page.getByRole('dialog').getByRole('button', { name: 'بازنشانی رمز', exact: true }).click();
      await user.page.getByText('رمز تازهٔ nima پیامک شد.').waitFor();
      await nima.getByRole('button', { name: 'تعلیق nima' }).click();
      await user.page.getByRole('dialog').getByRole('button', { name: 'تعلیق', exact: true }).click();
      await user.page.getByText('حساب nima معلق شد.').waitFor();
      await nima.getByText('معلق', { exact: true }).waitFor();
      await user.page.screenshot({ path: '/tmp/chapar-users.png', fullPage: true });
      await nima.getByRole('link', { name: 'پیامک‌ها nima' }).click();
      await user.page.getByRole('heading', { name: 'جستجوی پیامک‌ها' }).waitFor();
      await user.page.getByLabel(field('شماره')).fill('۰۹۱۲');
      await user.page.getByRole('button', { name: 'جستجو', exact: true }).click();
      await user.page.getByText('پیامکی پیدا نشد.').waitFor();

      // Platform: the queue by state, with counts.
      await admin.page.goto('/agency/queue');
      await admin.page.getByText('قرارداد فرستاده شد (۱)').click();
      await admin.page.getByRole('table', { name: 'درخواست‌های نمایندگی' }).getByRole('link', { name: BUSINESS }).waitFor();
      await admin.page.screenshot({ path: '/tmp/chapar-agency-queue.png', fullPage: true });

      // The platform's host still shows the platform's brand on its sign-in page.
      const platformBrand = (await (await anon.page.request.get('/api/v1/brand')).json()) as { nameFa: string; isPlatform: boolean };
      expect(platformBrand.isPlatform).toBe(true);
      await anon.page.goto('/sign-in');
      await anon.page.getByText(platformBrand.nameFa, { exact: true }).first().waitFor();
      expect(await anon.page.locator('body').innerText()).not.toContain(NEW_BRAND);
      expect(await anon.page.getByTestId('brand-name').evaluate((e) => getComputedStyle(e).color)).not.toBe('rgb(170, 51, 0)');
      expect(await anon.page.getByTestId('brand-notice').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } catch (err) {
      for (const [n, p] of [['admin', admin], ['user', user], ['anon', anon]] as const) await p.page.screenshot({ path: `/tmp/chapar-agency-failure-${n}.png`, fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await Promise.all([admin.context.close(), user.context.close(), anon.context.close()]);
    }
  }, 180_000);
});
