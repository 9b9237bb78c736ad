// Issue 16 §5 in the panel, in Persian: the platform sets a user's SMPP limits from the users page
// (a value above its own is refused with the reason), and the user sees them on its profile's SMPP card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { ensurePanelBuilt, field, launchChromium, openPage, signIn, startLiveChapar, type LiveChapar } from '../helpers/browser.ts';

const ADMIN = { username: 'admin', password: 'admin-pass-123' };
const USER = { username: 'smppuser', password: 'smppuser-pass-1', mobile: '09121110022' };
const toPersian = (x: string) => x.replace(/[0-9]/g, (d) => '۰۱۲۳۴۵۶۷۸۹'[Number(d)]);

let live: LiveChapar;
let browser: Browser;
let userId: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  ensurePanelBuilt();
  live = await startLiveChapar(ADMIN, { env: { CHAPAR_SMPP_PORT: '0', CHAPAR_SMPP_HOST: '127.0.0.1', CHAPAR_SMPP_TPS_MAX: '300' } });
  const token = (await live.api('POST', '/api/v1/auth/login', null, ADMIN)).body.token as string;
  const res = await live.api('POST', '/api/v1/accounts', token, { ...USER, kind: 'user' });
  expect(res.status).toBe(201);
  userId = res.body.id;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await live?.close();
});

describe('SMPP limits in the panel', () => {
  it('lets the platform set a user’s throughput within its own, and shows the user its limits', async () => {
    const { context, page } = await openPage(browser, live.baseUrl, pageErrors);
    await signIn(page, ADMIN.username, ADMIN.password);
    await page.goto('/users');
    await page.getByRole('button', { name: `محدودیت SMPP ${USER.username}` }).click();
    const dialog = page.getByRole('dialog');
    const tps = dialog.getByLabel(field('سرعت (پیام در ثانیه)'));
    await tps.fill('301');
    await dialog.getByRole('button', { name: 'ذخیره' }).click();
    await dialog.getByText(`حداکثر: ${toPersian('300')}`, { exact: false }).waitFor();
    await tps.fill('50');
    await dialog.getByLabel(field('اتصال‌های هم‌زمان')).fill('3');
    await page.screenshot({ path: '/tmp/chapar-smpp-limits-dialog.png' });
    await dialog.getByRole('button', { name: 'ذخیره' }).click();
    await dialog.waitFor({ state: 'detached' });
    const token = (await live.api('POST', '/api/v1/auth/login', null, ADMIN)).body.token as string;
    expect((await live.api('GET', `/api/v1/users/${userId}/smpp`, token)).body).toMatchObject({ own: { tps: 50, window: null, maxBinds: 3 }, effective: { tps: 50, window: 20, maxBinds: 3 } });
    await context.close();

    const user = await openPage(browser, live.baseUrl, pageErrors);
    await signIn(user.page, USER.username, USER.password);
    await user.page.goto('/profile');
    await user.page.getByText(`${toPersian('50')} پیام در ثانیه، ${toPersian('20')} پیام بی‌پاسخ هم‌زمان، ${toPersian('3')} اتصال`, { exact: false }).waitFor();
    await user.page.screenshot({ path: '/tmp/chapar-smpp-limits-profile.png', fullPage: true });
    await user.context.close();
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
