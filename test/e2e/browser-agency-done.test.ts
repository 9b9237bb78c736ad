// Issue #6, done: the whole agency programme in a real browser, in Persian, engine on. A visitor
// signs up with the code texted to the simulator handset, applies, is quoted, declares a bank
// deposit the platform approves, is activated and receives the contract PDF by e-mail (a real SMTP
// server on loopback); the postal steps are recorded on both sides; the new agency names its brand
// and adds its domain, which turns active once DNS (a real DNS server on loopback) answers; it
// creates a user whose welcome SMS carries the username and password; that user signs in on the
// agency's domain (Chromium resolves it to this machine), sees the agency's brand, sends an SMS
// that the simulator SMSC delivers, and the agency finds it in its records.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ensurePanelBuilt, field, launchChromium, openPage, signIn, startLiveChapar, type LiveChapar } from '../helpers/browser.ts';
import { startDns } from '../helpers/dns.ts';
import { pdfText } from '../helpers/pdf-text.ts';
import { startSmtp } from '../helpers/smtp.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const APPLICANT = { username: 'parsa', password: 'parsa-pass-123', mobile: '09351230001' };
const CUSTOMER = { username: 'nima', mobile: '09123450002' };
const BUSINESS = 'پیامک پارس نوین';
const BRAND = 'پیامک پارس';
const EMAIL = 'contract@pars-sms.test';
const DOMAIN = 'pars-sms.test';
const TEXT = 'سفارش شما آماده است.';
const FILE = '/tmp/chapar-done-receipt.png';
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let live: LiveChapar;
let smtp: Awaited<ReturnType<typeof startSmtp>>;
let dns: Awaited<ReturnType<typeof startDns>>;
let browser: Browser;
let agencyBrowser: Browser;
const pageErrors: string[] = [];
const toPersian = (x: string) => x.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);

/** A شبا that passes mod 97: IR, check digits, 22 digits. */
function validIban(bban: string): string {
  const rem = BigInt(`${bban}182700`) % 97n;
  return `IR${String(98n - rem).padStart(2, '0')}${bban}`;
}

/** The PDF attached to a raw MIME message (nodemailer: base64 in its own part). */
function attachedPdf(raw: string): Buffer | null {
  const m = raw.match(/Content-Type: application\/pdf[^\r\n]*(?:\r\n[ \t][^\r\n]*)*(?:\r\n[A-Za-z-]+:[^\r\n]*(?:\r\n[ \t][^\r\n]*)*)*\r\n\r\n([A-Za-z0-9+/=\r\n]+)/);
  return m ? Buffer.from(m[1].replace(/\s+/g, ''), 'base64') : null;
}

beforeAll(async () => {
  ensurePanelBuilt();
  [smtp, dns] = await Promise.all([startSmtp(), startDns()]);
  live = await startLiveChapar(ADMIN, {
    engine: true,
    engineOptions: { simulator: { smsc: { deliveryRatio: 1, receiptLatencyMs: { min: 200, max: 800 } } } },
    env: { CHAPAR_SMTP_URL: smtp.url, CHAPAR_DNS_SERVERS: dns.server, CHAPAR_CANONICAL_HOST: 'edge.chapar.test' },
  });
  // Setup the Done-when does not speak of: sending rules, the platform's price, its bank account.
  const token = (await live.api('POST', '/api/v1/auth/login', null, ADMIN)).body.token as string;
  expect((await live.api('PUT', '/api/v1/compliance/policy', token, { kycOwnMobileOnly: false, moderateWithoutKyc: false })).status).toBe(200);
  const groups = await live.api('GET', '/api/v1/billing/groups', token);
  const group = groups.body.items.find((g: { isDefault: boolean }) => g.isDefault);
  expect((await live.api('PATCH', `/api/v1/billing/groups/${group.id}`, token, { basePrice: '1000' })).status).toBe(200);
  expect((await live.api('POST', '/api/v1/billing/bank-accounts', token, { bankName: 'بانک ملت', holderName: 'شرکت چاپار', iban: validIban('0120000000003123456789') })).status).toBe(201);
  [browser, agencyBrowser] = await Promise.all([launchChromium(), launchChromium({ hosts: [DOMAIN] })]);
  writeFileSync(FILE, PNG);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await agencyBrowser?.close();
  await live?.close();
  await smtp?.close();
  await dns?.close();
});

/** The platform admin's simulator handset: the SMS rows to a mobile, once `count` have arrived. */
async function handset(admin: Page, mobile: string, count: number): Promise<string[]> {
  await admin.goto('/simulator');
  await admin.getByRole('heading', { name: 'گوشی شبیه‌ساز' }).waitFor();
  const rows = admin.getByRole('table', { name: 'گوشی شبیه‌ساز' }).getByRole('row').filter({ hasText: toPersian(mobile) });
  await expect.poll(async () => (await admin.getByRole('button', { name: 'تازه‌سازی' }).click(), await rows.count()), { timeout: 15_000 }).toBeGreaterThanOrEqual(count);
  return rows.allInnerTexts();
}

/** The application's page on the parent's side: from the queue (new requests) the first time. */
let applicationUrl: string | null = null;
async function openApplication(admin: Page) {
  if (applicationUrl) await admin.goto(applicationUrl);
  else {
    await admin.goto('/agency/queue');
    await admin.getByRole('table', { name: 'درخواست‌های نمایندگی' }).getByRole('link', { name: BUSINESS }).click();
    await admin.getByTestId('agency-status').waitFor();
    applicationUrl = admin.url();
  }
  await admin.getByTestId('agency-status').waitFor();
}

describe('issue #6: the agency programme from sign-up to the agency’s own records', () => {
  it('signs up, becomes an agency with its brand and domain, and its user sends from that domain', async () => {
    const admin = await openPage(browser, live.baseUrl, pageErrors);
    const applicant = await openPage(browser, live.baseUrl, pageErrors);
    const port = new URL(live.baseUrl).port;
    const customer = await openPage(agencyBrowser, `http://${DOMAIN}:${port}`, pageErrors);
    const a = applicant.page;
    const p = admin.page;
    try {
      await signIn(p, ADMIN.username, ADMIN.password);

      // 1. Sign-up with the code texted to the mobile (read on the simulator handset).
      await a.goto('/sign-in');
      await a.getByRole('link', { name: 'حساب ندارید؟ ثبت‌نام کنید' }).click();
      await a.getByLabel(field('نام کاربری')).fill(APPLICANT.username);
      await a.getByLabel(field('رمز عبور')).fill(APPLICANT.password);
      await a.getByLabel(field('شمارهٔ همراه')).fill(toPersian(APPLICANT.mobile));
      await a.getByRole('button', { name: 'دریافت کد تأیید' }).click();
      await a.getByText(/^کد تأیید به شمارهٔ .+ پیامک شد\.$/).waitFor();
      const [codeSms] = await handset(p, APPLICANT.mobile, 1);
      const code = /\b(\d{6})\b/.exec(codeSms)?.[1];
      expect(code, codeSms).toBeTruthy();
      await a.getByLabel(field('کد تأیید')).fill(toPersian(code!));
      await a.getByRole('button', { name: 'تأیید و ساخت حساب' }).click();
      await a.getByRole('heading', { name: 'پیشخوان' }).waitFor();

      // 2. The written request.
      await a.getByRole('link', { name: 'درخواست نمایندگی' }).click();
      await a.getByLabel(field('نام کسب‌وکار')).fill(BUSINESS);
      await a.getByLabel(field('کد ملی')).fill('۰۰۱۳۵۴۲۴۱۹');
      await a.getByLabel(field('نشانی')).fill('شیراز، خیابان زند، پلاک ۸');
      await a.getByLabel(field('تلفن')).fill('۰۷۱۳۲۳۳۴۴۵۵');
      await a.getByLabel(field('ایمیل')).fill(EMAIL);
      await a.getByLabel(field('چه خدماتی می‌فروشید؟')).fill('پیامک خدماتی برای فروشگاه‌ها');
      await a.getByRole('button', { name: 'ثبت درخواست تازه' }).click();
      await a.getByTestId('agency-status').filter({ hasText: 'پیش‌نویس' }).waitFor();
      await a.getByRole('button', { name: 'ارسال درخواست' }).click();
      await a.getByTestId('agency-status').filter({ hasText: 'در انتظار بررسی' }).waitFor();

      // 3. The platform quotes 1,000,000 rials.
      await openApplication(p);
      await p.getByLabel(field('هزینهٔ نمایندگی (ریال)')).fill('۱٬۰۰۰٬۰۰۰');
      await p.getByRole('button', { name: 'اعلام هزینه' }).click();
      await p.getByTestId('agency-status').filter({ hasText: 'هزینه اعلام شد' }).waitFor();

      // 4. The applicant pays by bank deposit (2,200,000 with VAT → 2,000,000 credit) and names that deposit.
      await a.goto('/topup');
      await a.getByText('بانک ملت', { exact: true }).waitFor();
      await a.getByLabel(field('مبلغ واریزی')).fill('۲٬۲۰۰٬۰۰۰');
      await a.getByLabel(field('شمارهٔ پیگیری')).fill('556677');
      await a.locator('input[type=file]').setInputFiles(FILE);
      await a.getByRole('button', { name: 'ثبت فیش' }).click();
      await a.getByRole('table', { name: 'فیش‌های من' }).getByText('در انتظار تأیید').waitFor();
      await a.goto('/agency/apply');
      await a.getByTestId('agency-status').filter({ hasText: 'هزینه اعلام شد' }).waitFor();
      await a.getByLabel('واریز بانکی').check();
      await a.getByRole('combobox', { name: 'کدام پرداخت یا فیش؟' }).click();
      await a.getByRole('option', { name: /شمارهٔ پیگیری ۵۵۶۶۷۷، ۲٬۲۰۰٬۰۰۰ ریال، در انتظار تأیید/ }).click();
      await a.getByRole('button', { name: 'اعلام پرداخت' }).click();
      await a.getByTestId('agency-status').filter({ hasText: 'پرداخت اعلام شد' }).waitFor();

      // 5. The platform approves the deposit, then activates: the fee leaves the applicant's credit.
      await p.goto('/billing/deposits');
      await p.getByRole('row').filter({ hasText: '۵۵۶۶۷۷' }).getByRole('button', { name: 'تأیید' }).click();
      await p.getByText('فیش 556677 تأیید و اعتبار آن منتقل شد.').waitFor();
      await openApplication(p);
      await p.getByTestId('agency-status').filter({ hasText: 'پرداخت اعلام شد' }).waitFor();
      await p.getByRole('button', { name: 'فعال‌سازی نمایندگی' }).click();
      await p.getByRole('dialog').getByRole('button', { name: 'فعال‌سازی نمایندگی' }).click();
      await p.getByTestId('agency-status').filter({ hasText: 'قرارداد فرستاده شد' }).waitFor();

      // 6. The contract arrives by e-mail as a Persian PDF.
      await expect.poll(() => smtp.mails.some((m) => m.to.includes(EMAIL) && m.raw.includes('application/pdf')), { timeout: 15_000 }).toBe(true);
      const pdf = attachedPdf(smtp.mails.find((m) => m.to.includes(EMAIL) && m.raw.includes('application/pdf'))!.raw)!;
      const contract = pdfText(pdf);
      expect(contract).toContain('قرارداد نمایندگی');
      expect(contract).toContain(BUSINESS);
      expect(contract).toContain('۱,۰۰۰,۰۰۰');

      // 7. The postal steps: the applicant posts the signed copy; the platform receives it and posts its own.
      await a.goto('/agency/apply');
      await a.getByLabel(field('کد رهگیری پستی')).fill('۱۱۲۲۳۳۴۴۵۵۶۶');
      await a.getByRole('button', { name: 'ثبت ارسال' }).click();
      await a.getByTestId('agency-timeline').getByText('قرارداد امضاشده پست شد').waitFor();
      await p.reload();
      await p.getByRole('button', { name: 'ثبت دریافت قرارداد' }).click();
      await p.getByTestId('agency-status').filter({ hasText: 'قرارداد امضاشده رسید' }).waitFor();
      await p.getByLabel(field('کد رهگیری پستی')).fill('۹۹۸۸۷۷۶۶۵۵۴۴');
      await p.getByRole('button', { name: 'ثبت ارسال نسخهٔ نهایی' }).click();
      await p.getByTestId('agency-status').filter({ hasText: 'قرارداد نهایی شد' }).waitFor();
      await a.reload();
      await a.getByTestId('agency-status').filter({ hasText: 'قرارداد نهایی شد' }).waitFor();
      const timeline = await a.getByTestId('agency-timeline').innerText();
      for (const s of ['پرداخت اعلام شد', 'قرارداد امضاشده رسید', 'کد رهگیری ۱۱۲۲۳۳۴۴۵۵۶۶', 'کد رهگیری ۹۹۸۸۷۷۶۶۵۵۴۴']) expect(timeline).toContain(s);

      // 8. The agency's brand: name, sign-in title and text, colour.
      await a.getByRole('link', { name: 'برند', exact: true }).click();
      await a.getByRole('heading', { name: 'برند و ظاهر پنل' }).waitFor();
      await expect.poll(() => a.getByLabel(field('نام فارسی')).inputValue()).toBe(BUSINESS);
      await a.getByLabel(field('نام فارسی')).fill(BRAND);
      await a.getByLabel(field('عنوان صفحهٔ ورود (فارسی)')).fill('ورود به پنل پیامک پارس');
      await a.getByLabel(field('متن صفحهٔ ورود (فارسی)')).fill('پیامک فروشگاه خود را از اینجا بفرستید.');
      await a.getByLabel(field('رنگ اصلی')).fill('#aa3300');
      await a.getByRole('button', { name: 'ذخیرهٔ برند' }).click();
      await a.getByText('برند ذخیره شد.').waitFor();

      // 9. Its domain: the ownership TXT and the CNAME go into DNS; a check makes it active.
      await a.goto('/domains');
      await a.getByLabel(field('دامنه')).fill(DOMAIN);
      await a.getByRole('button', { name: 'افزودن دامنه' }).click();
      const domain = a.getByTestId(`domain-${DOMAIN}`);
      const ownership = domain.getByRole('table', { name: 'اثبات مالکیت: این رکورد TXT را بسازید' });
      await ownership.getByText(`_chapar-verify.${DOMAIN}`).waitFor();
      const token = /chapar-verify_[A-Za-z0-9_-]+/.exec(await ownership.innerText())?.[0];
      expect(token).toBeTruthy();
      dns.zone.set(`_chapar-verify.${DOMAIN}`, { TXT: [token!] });
      dns.zone.set(DOMAIN, { CNAME: 'edge.chapar.test' });
      await domain.getByRole('button', { name: 'بررسی اکنون' }).click();
      await a.getByText('DNS بررسی شد: فعال').waitFor();
      await domain.getByText('فعال', { exact: true }).waitFor();

      // 10. A user of the agency; the welcome SMS carries the username and password.
      await a.goto('/users');
      await a.getByRole('button', { name: 'کاربر تازه' }).click();
      const dialog = a.getByRole('dialog');
      await dialog.getByLabel(field('نام کاربری')).fill(CUSTOMER.username);
      await dialog.getByLabel(field('شمارهٔ همراه')).fill(toPersian(CUSTOMER.mobile));
      await dialog.getByRole('button', { name: 'ساخت و ارسال پیامک خوش‌آمد' }).click();
      await a.getByText(`کاربر ${CUSTOMER.username} ساخته شد و پیامک خوش‌آمد به ${toPersian(CUSTOMER.mobile)} فرستاده شد.`).waitFor();
      const [welcome] = await handset(p, CUSTOMER.mobile, 1);
      expect(welcome).toContain(BRAND);
      expect(welcome).toContain(`نام کاربری: ${CUSTOMER.username}`);
      const password = /رمز: (\S+)/.exec(welcome)?.[1];
      expect(password, welcome).toMatch(/^[A-Za-z0-9]{10}$/);
      expect(welcome).toContain(`http://${DOMAIN}:${port}/`);

      // The agency funds its user from its remaining credit (1,000,000 after the fee).
      await a.goto('/');
      await a.getByRole('link', { name: `کیف پول ${CUSTOMER.username}` }).click();
      await a.getByLabel(field('مبلغ')).fill('۱۰۰٬۰۰۰');
      await a.getByRole('button', { name: 'واگذار کن' }).click();
      await a.getByText(/واگذار شد؛ موجودی زیرمجموعه/).waitFor();

      // 11. The user on the agency's domain: the agency's brand on the sign-in page, then the panel.
      const c = customer.page;
      await c.goto('/sign-in');
      await c.getByTestId('brand-name').filter({ hasText: BRAND }).waitFor();
      await c.getByRole('heading', { name: 'ورود به پنل پیامک پارس' }).waitFor();
      await c.getByText('پیامک فروشگاه خود را از اینجا بفرستید.').waitFor();
      expect(await c.getByTestId('brand-name').evaluate((e) => getComputedStyle(e).color)).toBe('rgb(170, 51, 0)');
      await expect.poll(() => c.title()).toBe(BRAND);
      expect(await c.locator('body').innerText()).not.toContain('چاپار');
      await c.screenshot({ path: '/tmp/chapar-done-agency-sign-in.png', fullPage: true });
      await signIn(c, CUSTOMER.username, password!);
      await c.getByTestId('brand-name').filter({ hasText: BRAND }).waitFor(); // the panel keeps the agency's brand

      // 12. It sends an SMS; the simulator SMSC delivers it.
      await c.getByRole('link', { name: 'ارسال پیامک' }).click();
      await c.getByRole('heading', { name: 'ارسال پیامک' }).waitFor();
      await expect.poll(() => c.getByRole('combobox', { name: 'خط ارسال' }).inputValue()).toMatch(/^[۰-۹]{8}/);
      await c.getByLabel(field('متن پیام')).fill(TEXT);
      await c.getByLabel(field('گیرندگان')).fill('09121234567');
      await c.getByTestId('quote-cost').waitFor();
      await c.getByRole('button', { name: 'ارسال', exact: true }).click();
      await c.waitForURL(/\/batches\/[^/]+$/);
      await expect.poll(() => c.getByTestId('batch-counts').innerText(), { timeout: 20_000 }).toContain('رسیده: ۱');

      // 13. The agency finds it in its records: its user, the text, delivered.
      await a.goto('/records');
      await a.getByRole('heading', { name: 'جستجوی پیامک‌ها' }).waitFor();
      await a.getByLabel(field('متن')).fill('سفارش');
      await a.getByRole('button', { name: 'جستجو', exact: true }).click();
      const row = a.getByRole('table', { name: 'جستجوی پیامک‌ها' }).getByRole('row').filter({ hasText: TEXT });
      await row.waitFor();
      const seen = await row.innerText();
      for (const s of [CUSTOMER.username, '۰۹۱۲۱۲۳۴۵۶۷', 'رسیده']) expect(seen).toContain(s);
      await a.screenshot({ path: '/tmp/chapar-done-records.png', fullPage: true });
      expect(pageErrors).toEqual([]);
    } catch (err) {
      for (const [n, x] of [['admin', admin], ['applicant', applicant], ['customer', customer]] as const) await x.page.screenshot({ path: `/tmp/chapar-done-failure-${n}.png`, fullPage: true }).catch(() => {});
      if (pageErrors.length) console.error('page errors:', pageErrors);
      throw err;
    } finally {
      await Promise.all([admin.context.close(), applicant.context.close(), customer.context.close()]);
    }
  }, 300_000);
});
