import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, PLATFORM_HOST, testChapar, type TestChapar } from '../helpers/app.ts';

/** The outside world's view: the last SMS the simulator handset got for this number. */
async function lastCode(t: TestChapar, e164: string): Promise<string> {
  const [sms] = await t.services.notifications.listForRecipient('sms', e164, 1);
  const code = sms?.body.match(/\d{6}/)?.[0];
  if (!code) throw new Error(`no code sent to ${e164}`);
  return code;
}

describe('sign-up with an SMS code', () => {
  let t: TestChapar;
  beforeAll(async () => {
    // these requests all come from one address; the captcha has tests of its own (auth-abuse)
    t = await testChapar({ env: { CHAPAR_CAPTCHA_AFTER: '20' } });
  });
  afterAll(() => t.close());

  it('creates a user under the platform, signed in, with the mobile verified', async () => {
    const start = await t.api({ url: '/api/v1/auth/signup', body: { username: 'sara', password: 'sara-pass-1', mobile: '۰۹۱۲ ۳۴۵-۶۷۸۹' } });
    expect(start.status).toBe(200);
    expect(start.body.mobile).toBe('09123456789');
    const code = await lastCode(t, '+989123456789');
    const done = await t.api({ url: '/api/v1/auth/signup/verify', body: { verificationId: start.body.verificationId, code } });
    expect(done.status).toBe(200);
    expect(done.headers['set-cookie']).toMatch(/chapar_session=.*HttpOnly/i);
    const me = await t.api({ url: '/api/v1/me', token: done.body.token });
    expect(me.body).toMatchObject({ username: 'sara', kind: 'user', mobile: '+989123456789', parent: { username: ADMIN.username } });
    // single use
    const again = await t.api({ url: '/api/v1/auth/signup/verify', body: { verificationId: start.body.verificationId, code } });
    expect(again.body.error.code).toBe('CODE_INVALID');
  });

  it('refuses a taken username before sending any code', async () => {
    const before = await t.services.notifications.listForRecipient('sms', '+989127777777');
    const res = await t.api({ url: '/api/v1/auth/signup', body: { username: 'SARA', password: 'another-pass', mobile: '09127777777' } });
    expect(res.body.error.code).toBe('USERNAME_TAKEN');
    expect(await t.services.notifications.listForRecipient('sms', '+989127777777')).toHaveLength(before.length);
  });

  it('rate-limits codes per mobile and counts wrong tries until the code dies', async () => {
    const start = await t.api({ url: '/api/v1/auth/signup', body: { username: 'reza', password: 'reza-pass-1', mobile: '09121111111' } });
    const resend = await t.api({ url: '/api/v1/auth/signup', body: { username: 'reza', password: 'reza-pass-1', mobile: '09121111111' } });
    expect(resend.status).toBe(429);
    expect(resend.body.error.details.retryAfterSeconds).toBeGreaterThan(0);
    const code = await lastCode(t, '+989121111111');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await t.api({ url: '/api/v1/auth/signup/verify', body: { verificationId: start.body.verificationId, code: wrong } });
      expect(r.body.error.code).toBe('CODE_INVALID');
    }
    const late = await t.api({ url: '/api/v1/auth/signup/verify', body: { verificationId: start.body.verificationId, code } });
    expect(late.body.error.code).toBe('CODE_EXPIRED');
  });

  it('expires codes after five minutes', async () => {
    const start = await t.api({ url: '/api/v1/auth/signup', body: { username: 'nima', password: 'nima-pass-1', mobile: '09122222222' } });
    const code = await lastCode(t, '+989122222222');
    t.clock.advance(5 * 60_000 + 1);
    const r = await t.api({ url: '/api/v1/auth/signup/verify', body: { verificationId: start.body.verificationId, code } });
    expect(r.body.error.code).toBe('CODE_EXPIRED');
  });

  it('rejects a mobile that is not Iranian, in the caller’s language', async () => {
    const fa = await t.api({ url: '/api/v1/auth/signup', lang: 'fa', body: { username: 'omid', password: 'omid-pass-1', mobile: '02112345678' } });
    expect(fa.body.error).toMatchObject({ code: 'INVALID_MOBILE' });
    expect(fa.body.error.message).toMatch(/موبایل/);
    const en = await t.api({ url: '/api/v1/auth/signup', lang: 'en', body: { username: 'omid', password: 'omid-pass-1', mobile: '02112345678' } });
    expect(en.body.error.message).toMatch(/mobile/i);
  });
});

describe('sign-in', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar();
  });
  afterAll(() => t.close());

  it('holds back only the address that guessed wrong, not the account', async () => {
    const token = await t.adminToken();
    await t.api({ url: '/api/v1/accounts', token, body: { username: 'lockme', password: 'right-pass-1', mobile: '09123330000', kind: 'user' } });
    const from = (password: string, remoteAddress: string) => t.api({ url: '/api/v1/auth/login', body: { username: 'lockme', password }, remoteAddress });
    for (let i = 0; i < 3; i++) expect((await from('wrong', '198.51.100.40')).body.error.code).toBe('INVALID_CREDENTIALS');
    const held = await from('right-pass-1', '198.51.100.40');
    expect(held.status).toBe(429);
    expect(held.body.error).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', details: { retryAfterSeconds: 30 } });
    expect((await from('right-pass-1', '198.51.100.41')).status).toBe(200);
    t.clock.advance(31_000);
    expect((await from('right-pass-1', '198.51.100.40')).status).toBe(200);
  });

  it('answers an unknown username exactly like a wrong password', async () => {
    const unknown = await t.api({ url: '/api/v1/auth/login', body: { username: 'nobody', password: 'whatever-1' } });
    const wrong = await t.api({ url: '/api/v1/auth/login', body: { username: ADMIN.username, password: 'whatever-1' } });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
  });

  it('asks for a TOTP code once two-factor is on, and refuses a wrong one', async () => {
    const token = await t.api({ url: '/api/v1/accounts', token: await t.adminToken(), body: { username: 'twofa', password: 'twofa-pass-1', mobile: '09124440000', kind: 'user' } }).then(() => t.login('twofa', 'twofa-pass-1'));
    const setup = await t.api({ url: '/api/v1/auth/2fa/setup', token, body: {} });
    expect(setup.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    const code = () => totp.generate({ timestamp: t.clock.now().getTime() });
    expect((await t.api({ url: '/api/v1/auth/2fa/enable', token, body: { code: code() === '123456' ? '654321' : '123456' } })).body.error.code).toBe('INVALID_OTP');
    expect((await t.api({ url: '/api/v1/auth/2fa/enable', token, body: { code: code() } })).status).toBe(200);

    const noOtp = await t.api({ url: '/api/v1/auth/login', body: { username: 'twofa', password: 'twofa-pass-1' } });
    expect(noOtp.body.error.code).toBe('OTP_REQUIRED');
    const bad = await t.api({ url: '/api/v1/auth/login', body: { username: 'twofa', password: 'twofa-pass-1', otp: code() === '000000' ? '999999' : '000000' } });
    expect(bad.body.error.code).toBe('INVALID_OTP');
    // each code is good once: the one that turned two-factor on is spent
    t.clock.advance(30_000);
    const good = await t.api({ url: '/api/v1/auth/login', body: { username: 'twofa', password: 'twofa-pass-1', otp: code() } });
    expect(good.status).toBe(200);
    expect((await t.api({ url: '/api/v1/me', token: good.body.token })).body.twoFactorEnabled).toBe(true);

    t.clock.advance(30_000);
    expect((await t.api({ url: '/api/v1/auth/2fa/disable', token: good.body.token, body: { password: 'twofa-pass-1', code: code() } })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/auth/login', body: { username: 'twofa', password: 'twofa-pass-1' } })).status).toBe(200);
  });

  it('resets a forgotten password by SMS code and ends the old sessions', async () => {
    await t.api({ url: '/api/v1/accounts', token: await t.adminToken(), body: { username: 'forgetful', password: 'old-pass-11', mobile: '09125550000', kind: 'user' } });
    const oldToken = await t.login('forgetful', 'old-pass-11');
    const start = await t.api({ url: '/api/v1/auth/password/forgot', body: { username: 'forgetful' } });
    const code = await lastCode(t, '+989125550000');
    const reset = await t.api({ url: '/api/v1/auth/password/reset', body: { verificationId: start.body.verificationId, code, newPassword: 'new-pass-22' } });
    expect(reset.status).toBe(200);
    expect((await t.api({ url: '/api/v1/me', token: oldToken })).status).toBe(401);
    expect((await t.api({ url: '/api/v1/auth/login', body: { username: 'forgetful', password: 'old-pass-11' } })).status).toBe(401);
    await t.login('forgetful', 'new-pass-22');
  });

  it('says the same to a forgot-password request for a username that does not exist', async () => {
    const res = await t.api({ url: '/api/v1/auth/password/forgot', body: { username: 'ghost-user' } });
    expect(res.status).toBe(200);
    expect(res.body.verificationId).toMatch(/^vc_/);
  });

  it('changes the password with the current one and keeps this session', async () => {
    await t.api({ url: '/api/v1/accounts', token: await t.adminToken(), body: { username: 'changer', password: 'first-pass-1', mobile: '09126660000', kind: 'user' } });
    const token = await t.login('changer', 'first-pass-1');
    expect((await t.api({ url: '/api/v1/auth/password', token, body: { currentPassword: 'nope-nope', newPassword: 'second-pass-2' } })).status).toBe(401);
    expect((await t.api({ url: '/api/v1/auth/password', token, body: { currentPassword: 'first-pass-1', newPassword: 'short' } })).body.error.code).toBe('WEAK_PASSWORD');
    expect((await t.api({ url: '/api/v1/auth/password', token, body: { currentPassword: 'first-pass-1', newPassword: 'second-pass-2' } })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/me', token })).status).toBe(200);
    await t.login('changer', 'second-pass-2');
  });

  it('requires the CSRF header for cookie sessions, not for bearer tokens', async () => {
    const login = await t.api({ url: '/api/v1/auth/login', body: ADMIN });
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const body = { username: 'csrfuser', password: 'csrf-pass-1', mobile: '09127770000', kind: 'user' };
    const noHeader = await t.api({ url: '/api/v1/accounts', body, headers: { cookie } });
    expect(noHeader.body.error.code).toBe('CSRF_FAILED');
    const me = await t.api({ url: '/api/v1/me', headers: { cookie } });
    expect(me.body.csrfToken).toBe(login.body.csrfToken);
    const withHeader = await t.api({ url: '/api/v1/accounts', body, headers: { cookie, 'x-csrf-token': login.body.csrfToken } });
    expect(withHeader.status).toBe(201);
  });

  it('logs sign-ins and failures in the audit log', async () => {
    const { rows } = await t.db.query<{ action: string }>("SELECT action FROM audit_events WHERE action LIKE 'auth.%'");
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['auth.sign_in', 'auth.sign_in_failed', 'auth.sign_in_throttled', 'auth.two_factor_enabled', 'auth.password_reset', 'auth.password_changed']) expect(actions).toContain(a);
    await expect(t.db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
  });

  it('sends security headers', async () => {
    const res = await t.api({ url: '/api/v1/brand', host: PLATFORM_HOST });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});
