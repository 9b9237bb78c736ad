// The panel in a real browser against a real server: Persian first (RTL, Persian digits, Jalali
// dates), the platform admin creates an agency, the language switch turns everything English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { errorMessage } from '../../src/http/errors.ts';
import { ensurePanelBuilt, launchChromium, startLiveChapar, type LiveChapar } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const AGENCY = { username: 'nika.agency', password: 'nika-pass-123', mobileFa: '۰۹۱۲۳۴۵۶۷۸۹', mobile: '09123456789', displayName: 'نمایندگی نیکا' };

let live: LiveChapar;
let browser: Browser;
/** Uncaught errors and console errors in the page: a flow passes only if there are none. */
const pageErrors: string[] = [];

beforeAll(async () => {
  ensurePanelBuilt();
  live = await startLiveChapar(ADMIN);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
});

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: live.baseUrl, viewport: { width: 1280, height: 860 }, locale: 'fa-IR' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // 4xx answers are part of the flow (signed-out /me, a wrong password, a taken username).
  page.on('console', (m) => m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && pageErrors.push(m.text()));
  return { context, page };
}

/** A form field by its label; Mantine appends an aria-hidden " *" to required labels. */
const field = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\*)?$`);
const htmlDir = (page: Page) => page.evaluate(() => document.documentElement.dir);
const waitForDir = (page: Page, dir: 'rtl' | 'ltr') => page.waitForFunction((d) => document.documentElement.dir === d, dir);

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel(field('نام کاربری')).fill(username);
  await page.getByLabel(field('رمز عبور')).fill(password);
  await page.getByRole('button', { name: 'ورود', exact: true }).click();
  await page.getByRole('heading', { name: 'پیشخوان' }).waitFor();
}

describe('the panel in Chromium', () => {
  it('signs in in Persian, creates an agency, and shows the same row in English', async () => {
    const { context, page } = await newPage();
    try {
      // Signed out, any path lands on sign-in: Persian, right to left, the host's brand name.
      await page.goto('/');
      await page.waitForURL(/\/sign-in$/);
      await page.getByRole('heading', { name: 'ورود به پنل' }).waitFor();
      expect(await htmlDir(page)).toBe('rtl');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('fa');
      // The brand arrives from /api/v1/brand after the first paint: wait for it, never read once.
      await page.getByTestId('brand-name').filter({ hasText: 'چاپار' }).waitFor();
      await page.waitForFunction(() => document.title === 'چاپار');
      await page.getByRole('link', { name: 'حساب ندارید؟ ثبت‌نام کنید' }).waitFor();
      await page.getByRole('link', { name: 'رمز عبور را فراموش کرده‌اید؟' }).waitFor();
      await page.screenshot({ path: '/tmp/chapar-signin.png', fullPage: true });

      // A wrong password: the server's own Persian message is shown.
      await page.getByLabel(field('نام کاربری')).fill(ADMIN.username);
      await page.getByLabel(field('رمز عبور')).fill('not-the-password');
      await page.getByRole('button', { name: 'ورود', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: errorMessage('INVALID_CREDENTIALS', 'fa') }).waitFor();

      await signIn(page, ADMIN.username, ADMIN.password);
      await page.getByTestId('brand-name').filter({ hasText: 'چاپار' }).waitFor();
      await page.getByText('سامانه', { exact: true }).first().waitFor();
      await page.getByRole('link', { name: 'گوشی شبیه‌ساز' }).waitFor();
      await page.getByText('حسابی پیدا نشد.').waitFor();

      // Create an agency through the form; the mobile typed in Persian digits.
      await page.getByRole('button', { name: 'ایجاد حساب' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByLabel(field('نام کاربری')).fill(AGENCY.username);
      await dialog.getByLabel(field('رمز عبور')).fill(AGENCY.password);
      await dialog.getByLabel(field('شمارهٔ همراه')).fill(AGENCY.mobileFa);
      await dialog.getByLabel(field('نماینده')).check();
      await dialog.getByLabel('نام نمایشی (اختیاری)').fill(AGENCY.displayName);
      await dialog.getByRole('button', { name: 'ایجاد', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });

      const table = page.getByRole('table', { name: 'حساب‌های زیرمجموعه' });
      const row = table.getByRole('row').filter({ hasText: AGENCY.username });
      await row.waitFor();
      const rowFa = await row.innerText();
      expect(rowFa).toContain(AGENCY.displayName);
      expect(rowFa).toContain('نماینده');
      expect(rowFa).toContain('فعال');
      expect(rowFa).toContain(AGENCY.mobileFa);
      // Jalali year in Persian digits (e.g. ۱۴۰۴), never the Gregorian one.
      const jalaliYear = new Intl.DateTimeFormat('fa-IR-u-ca-persian', { year: 'numeric', timeZone: 'Asia/Tehran' }).format(new Date());
      expect(rowFa).toContain(jalaliYear.replace(/[^۰-۹]/g, ''));
      expect(rowFa).not.toMatch(/[0-9]/);
      await page.getByText('۱ حساب', { exact: true }).waitFor();
      await page.screenshot({ path: '/tmp/chapar-home.png', fullPage: true });

      // The server has it, as a child of the platform admin.
      const me = await page.evaluate(() => fetch('/api/v1/me').then((r) => r.json()));
      const stored = await live.chapar.services.accounts.findByUsernameForAuth(AGENCY.username);
      expect(stored).toMatchObject({ kind: 'agency', parentId: me.id, mobile: '+989123456789' });

      // Switch to English: left to right, English labels, the same row.
      await page.getByRole('button', { name: 'English' }).click();
      await waitForDir(page, 'ltr');
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      await page.getByRole('heading', { name: 'Home' }).waitFor();
      await page.getByTestId('brand-name').filter({ hasText: 'Chapar' }).waitFor();
      await page.waitForFunction(() => document.title === 'Chapar');
      const tableEn = page.getByRole('table', { name: 'Your accounts' });
      await tableEn.getByRole('columnheader', { name: 'Username' }).waitFor();
      const rowEn = await tableEn.getByRole('row').filter({ hasText: AGENCY.username }).innerText();
      expect(rowEn).toContain('Agency');
      expect(rowEn.toLowerCase()).toContain('active'); // the badge is upper-cased by CSS
      expect(rowEn).toContain(AGENCY.mobile);
      expect(rowEn).toContain(String(new Date().getFullYear()));
      await page.screenshot({ path: '/tmp/chapar-home-en.png', fullPage: true });

      // Accept-Language follows the switch: the server answers a duplicate in English.
      await page.getByRole('button', { name: 'Create account' }).click();
      const dialogEn = page.getByRole('dialog');
      await dialogEn.getByLabel(field('Username')).fill(AGENCY.username);
      await dialogEn.getByLabel(field('Password')).fill(AGENCY.password);
      await dialogEn.getByLabel(field('Mobile number')).fill(AGENCY.mobile);
      await dialogEn.getByRole('button', { name: 'Create', exact: true }).click();
      await dialogEn.getByRole('alert').filter({ hasText: errorMessage('USERNAME_TAKEN', 'en') }).waitFor();
      await dialogEn.getByRole('button', { name: 'Cancel' }).click();
      await dialogEn.waitFor({ state: 'detached' });

      // The choice is remembered, and a deep link survives a reload.
      await page.goto('/profile');
      await page.getByRole('heading', { name: 'Profile', exact: true }).waitFor();
      expect(await htmlDir(page)).toBe('ltr');
      await page.reload();
      await page.getByRole('heading', { name: 'Your details' }).waitFor();
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-failure.png', fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await context.close();
    }
  });

  it('signs up with a code from the simulator handset, then resets the password the same way', async () => {
    const admin = await newPage();
    const visitor = await newPage();
    const toPersian = (x: string) => x.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);
    /** The admin's simulator handset: the newest SMS to this mobile, and the 6-digit code in it. */
    const codeFromHandset = async (mobile: string, count: number) => {
      const { page } = admin;
      await page.getByRole('link', { name: 'گوشی شبیه‌ساز' }).click();
      await page.getByRole('heading', { name: 'گوشی شبیه‌ساز' }).waitFor();
      await page.getByRole('button', { name: 'تازه‌سازی' }).click();
      const rows = page.getByRole('table', { name: 'گوشی شبیه‌ساز' }).getByRole('row').filter({ hasText: toPersian(mobile) });
      await rows.nth(count - 1).waitFor();
      const text = await rows.first().innerText();
      const code = /\b(\d{6})\b/.exec(text)?.[1];
      expect(code, text).toBeTruthy();
      return code!;
    };
    try {
      await admin.page.goto('/sign-in');
      await signIn(admin.page, ADMIN.username, ADMIN.password);

      // Sign-up, step one: the mobile typed in Persian digits; the code goes to the simulator.
      const { page } = visitor;
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'حساب ندارید؟ ثبت‌نام کنید' }).click();
      await page.getByRole('heading', { name: 'ثبت‌نام' }).waitFor();
      await page.getByLabel(field('نام کاربری')).fill('sara');
      await page.getByLabel(field('رمز عبور')).fill('sara-pass-123');
      await page.getByLabel(field('شمارهٔ همراه')).fill('۰۹۳۵۱۲۳۴۵۶۷');
      await page.getByRole('button', { name: 'دریافت کد تأیید' }).click();
      const sentTo = page.getByText(/^کد تأیید به شمارهٔ .+ پیامک شد\.$/);
      await sentTo.waitFor();
      expect(await sentTo.innerText()).toContain('۰۹۳۵***۴۵۶۷');
      // Resending waits out the countdown (Persian digits in the button).
      expect(await page.getByRole('button', { name: /ارسال دوباره تا [۰-۹]+ ثانیهٔ دیگر/ }).isDisabled()).toBe(true);

      const code = await codeFromHandset('09351234567', 1);
      expect(await admin.page.getByRole('table', { name: 'گوشی شبیه‌ساز' }).innerText()).toContain('کد ثبت‌نام');
      await page.getByLabel(field('کد تأیید')).fill(toPersian(code));
      await page.getByRole('button', { name: 'تأیید و ساخت حساب' }).click();
      await page.getByRole('heading', { name: 'پیشخوان' }).waitFor();
      const card = await page.locator('.mantine-Card-root').first().innerText();
      expect(card).toContain('sara');
      expect(card).toContain('کاربر');
      expect(card).toContain('admin');
      // A user has no children table and no simulator.
      expect(await page.getByRole('button', { name: 'ایجاد حساب' }).count()).toBe(0);
      expect(await page.getByRole('link', { name: 'گوشی شبیه‌ساز' }).count()).toBe(0);

      // Sign out from the user menu, then reset the forgotten password with a texted code.
      await page.getByRole('button', { name: 'حساب sara' }).click();
      await page.getByRole('menuitem', { name: 'خروج' }).click();
      await page.getByRole('heading', { name: 'ورود به پنل' }).waitFor();
      await page.getByRole('link', { name: 'رمز عبور را فراموش کرده‌اید؟' }).click();
      await page.getByLabel(field('نام کاربری')).fill('sara');
      await page.getByRole('button', { name: 'ارسال کد بازیابی' }).click();
      await page.getByLabel(field('کد بازیابی')).waitFor();
      const resetCode = await codeFromHandset('09351234567', 2);
      await page.getByLabel(field('کد بازیابی')).fill(resetCode);
      await page.getByLabel(field('رمز عبور تازه')).fill('sara-new-pass-1');
      await page.getByRole('button', { name: 'ثبت رمز تازه' }).click();
      await page.getByText('رمز عبور تازه ثبت شد. اکنون وارد شوید.').waitFor();
      await page.waitForURL(/\/sign-in$/);
      await signIn(page, 'sara', 'sara-new-pass-1');
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await visitor.page.screenshot({ path: '/tmp/chapar-failure.png', fullPage: true }).catch(() => {});
      await admin.page.screenshot({ path: '/tmp/chapar-failure-admin.png', fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await visitor.context.close();
      await admin.context.close();
    }
  });

  it('profile: an API key is shown once and revoked; two-factor turns on and sign-in asks for the code', async () => {
    const { context, page } = await newPage();
    try {
      // A fresh user made by the admin over the same API the panel uses (cookie + CSRF header).
      await page.goto('/sign-in');
      await signIn(page, ADMIN.username, ADMIN.password);
      const created = await page.evaluate(async () => {
        const me = await (await fetch('/api/v1/me')).json();
        const r = await fetch('/api/v1/accounts', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
          body: JSON.stringify({ username: 'reza', password: 'reza-pass-123', mobile: '09121112233', kind: 'user' }),
        });
        return r.status;
      });
      expect(created).toBe(201);
      await page.getByRole('button', { name: 'حساب admin' }).click();
      await page.getByRole('menuitem', { name: 'خروج' }).click();
      await signIn(page, 'reza', 'reza-pass-123');

      await page.getByRole('link', { name: 'نمایه' }).click();
      await page.getByRole('heading', { name: 'نمایه', exact: true }).waitFor();

      // API key: created with an IP range, shown once in a modal, then revoked after confirming.
      await page.getByRole('button', { name: 'ساخت کلید تازه' }).click();
      const create = page.getByRole('dialog', { name: 'ساخت کلید API' });
      await create.getByLabel(field('نام کلید')).fill('فروشگاه');
      await create.getByLabel(/^IPها یا بازه‌های مجاز/).fill('10.0.0.0/8\n192.168.1.7');
      await create.getByRole('button', { name: 'ساخت کلید' }).click();
      const shown = page.getByRole('dialog', { name: 'کلید تازهٔ شما' });
      const key = await shown.getByTestId('new-api-key').innerText();
      expect(key).toMatch(/^chk_/);
      await shown.getByRole('button', { name: 'کلید را برداشتم' }).click();
      await shown.waitFor({ state: 'detached' });
      const keys = page.getByRole('table', { name: 'کلیدهای API' });
      const row = keys.getByRole('row').filter({ hasText: 'فروشگاه' });
      expect(await row.innerText()).toContain('10.0.0.0/8, 192.168.1.7');
      expect(await page.content()).not.toContain(key);
      await row.getByRole('button', { name: 'ابطال' }).click();
      await page.getByRole('dialog', { name: 'ابطال کلید' }).getByRole('button', { name: 'ابطال' }).click();
      await row.getByText('باطل‌شده').waitFor();

      // Two-factor: the QR image and the secret, a code from the authenticator turns it on.
      await page.getByRole('button', { name: 'راه‌اندازی ورود دومرحله‌ای' }).click();
      await page.getByRole('img', { name: 'کد QR برای برنامهٔ احراز هویت' }).waitFor();
      const secret = await page.getByTestId('totp-secret').innerText();
      const totp = () => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate();
      await page.getByLabel(field('کد شش‌رقمی')).fill(totp());
      await page.getByRole('button', { name: 'فعال‌سازی' }).click();
      await page.getByText('فعال است', { exact: true }).waitFor();

      // Signing in again asks for the code as a second step.
      await page.getByRole('button', { name: 'حساب reza' }).click();
      await page.getByRole('menuitem', { name: 'خروج' }).click();
      await page.getByLabel(field('نام کاربری')).fill('reza');
      await page.getByLabel(field('رمز عبور')).fill('reza-pass-123');
      await page.getByRole('button', { name: 'ورود', exact: true }).click();
      await page.getByRole('heading', { name: 'ورود دومرحله‌ای' }).waitFor();
      // A code is good once: the next period's code (inside the accepted window), not the one just used.
      await page.getByLabel(field('کد ورود دومرحله‌ای')).fill(new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30 }).generate({ timestamp: Date.now() + 30_000 }));
      await page.getByRole('button', { name: 'تأیید و ورود' }).click();
      await page.getByRole('heading', { name: 'پیشخوان' }).waitFor();
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-failure.png', fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await context.close();
    }
  });
});
