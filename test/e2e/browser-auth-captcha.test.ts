// The panel's sign-up and forgot-password pages in Chromium when the server asks for its captcha:
// the drawn image appears, a wrong answer brings a new image, the right one sends the code.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensurePanelBuilt, field, launchChromium, openPage, startLiveChapar, type LiveChapar } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
let live: LiveChapar;
let browser: Browser;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensurePanelBuilt();
  // every code request asks for the captcha
  live = await startLiveChapar(ADMIN, { env: { CHAPAR_CAPTCHA_AFTER: '0' } });
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await live?.close();
});

/** The newest challenge's answer, found from its stored hash (five digits: few enough to try all). */
async function newestAnswer(): Promise<{ id: string; answer: string }> {
  const { rows } = await live.db.query<{ id: string; answer_hash: string }>('SELECT id, answer_hash FROM captchas WHERE used_at IS NULL ORDER BY expires_at DESC LIMIT 1');
  for (let n = 0; n < 100_000; n++) {
    const guess = String(n).padStart(5, '0');
    if (createHash('sha256').update(`${rows[0].id}:${guess}`).digest('hex') === rows[0].answer_hash) return { id: rows[0].id, answer: guess };
  }
  throw new Error('no answer');
}

const persian = (s: string) => s.replace(/\d/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);

async function imageShown(page: Page) {
  const img = page.getByRole('img', { name: 'رقم‌هایی که باید وارد کنید' });
  await img.waitFor();
  expect(await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0)).toBe(true);
  return img;
}

describe('the captcha in the panel', () => {
  it('shows the image on sign-up, takes a new one after a wrong answer and sends the code with the right one', async () => {
    const { context, page } = await openPage(browser, live.baseUrl, pageErrors);
    try {
      await page.goto('/sign-up');
      await page.getByLabel(field('نام کاربری')).fill('captcha.user');
      await page.getByLabel(field('رمز عبور')).fill('captcha-pass-1');
      await page.getByLabel(field('شمارهٔ همراه')).fill('۰۹۱۲۵۵۵۶۶۷۷');
      await page.getByRole('button', { name: 'دریافت کد تأیید' }).click();
      const img = await imageShown(page);
      await page.getByText('برای ادامه، رقم‌های تصویر را وارد کنید.').waitFor();
      const first = await newestAnswer();
      const src = await img.getAttribute('src');
      await page.getByLabel(field('رقم‌های تصویر')).fill(first.answer === '00000' ? '11111' : '00000');
      await page.getByRole('button', { name: 'دریافت کد تأیید' }).click();
      await page.waitForFunction((old) => document.querySelector('img[alt="رقم‌هایی که باید وارد کنید"]')?.getAttribute('src') !== old, src);
      expect(await page.getByLabel(field('رقم‌های تصویر')).inputValue()).toBe('');
      const second = await newestAnswer();
      expect(second.id).not.toBe(first.id);
      await page.getByLabel(field('رقم‌های تصویر')).fill(persian(second.answer));
      await page.getByRole('button', { name: 'دریافت کد تأیید' }).click();
      await page.getByText(/^کد تأیید به شمارهٔ .+ پیامک شد\.$/).waitFor();

      await page.goto('/forgot-password');
      await page.getByLabel(field('نام کاربری')).fill('admin');
      await page.getByRole('button', { name: 'ارسال کد بازیابی' }).click();
      await imageShown(page);
      await page.getByLabel(field('رقم‌های تصویر')).fill((await newestAnswer()).answer);
      await page.getByRole('button', { name: 'ارسال کد بازیابی' }).click();
      await page.getByLabel(field('کد بازیابی')).waitFor();
      expect(pageErrors).toEqual([]);
    } catch (err) {
      await page.screenshot({ path: '/tmp/chapar-auth-captcha-failure.png', fullPage: true }).catch(() => {});
      throw err;
    } finally {
      await context.close();
    }
  });
});
