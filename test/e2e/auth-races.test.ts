// Races and oracles around the sign-in and code defences, each over real HTTP: parallel requests
// that all pass a limit read before any of them is written, password and two-factor checks behind
// a session that had no throttle, and an impersonating agency changing its user's credentials.
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { createChild, testChapar, type TestChapar } from '../helpers/app.ts';

async function count(t: TestChapar, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(sql, params);
  return Number(rows[0].n);
}

/** Turns two-factor on for a signed-in account; returns a code generator on the test clock. */
async function enableTotp(t: TestChapar, token: string): Promise<() => string> {
  const setup = await t.api({ url: '/api/v1/auth/2fa/setup', token, body: {} });
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
  const code = () => totp.generate({ timestamp: t.clock.now().getTime() });
  const enabled = await t.api({ url: '/api/v1/auth/2fa/enable', token, body: { code: code() } });
  if (enabled.status !== 200) throw new Error(`2fa enable: ${JSON.stringify(enabled.body)}`);
  t.clock.advance(30_000);
  return code;
}

const wrongCode = (good: string) => (good === '000000' ? '111111' : '000000');

describe('SMS codes to one mobile requested in parallel', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar({ env: { CHAPAR_CAPTCHA_AFTER: '50' } });
    const admin = await t.adminToken();
    await createChild(t, admin, { username: 'victim', kind: 'user', mobile: '09125550000' });
  });
  afterAll(() => t.close());

  it('issues one reset code a minute to a mobile however many addresses ask at once', async () => {
    const codes = "SELECT count(*)::int AS n FROM verification_codes WHERE purpose = 'password_reset'";
    const before = await count(t, codes);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => t.api({ url: '/api/v1/auth/password/forgot', body: { username: 'victim' }, remoteAddress: `198.51.100.${10 + i}` })),
    );
    expect((await count(t, codes)) - before).toBe(1);
    expect(await count(t, "SELECT count(*)::int AS n FROM notifications WHERE channel = 'sms' AND kind = 'code.password_reset'")).toBe(1);
  });

  it('issues one sign-up code a minute to a mobile however many sign-ups ask at once', async () => {
    const res = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.api({ url: '/api/v1/auth/signup', body: { username: `racer${i}`, password: 'racer-pass-1', mobile: '09125550001' }, remoteAddress: `198.51.100.${100 + i}` }),
      ),
    );
    expect(res.filter((r) => r.status === 200)).toHaveLength(1);
    expect(res.filter((r) => r.status !== 200).every((r) => r.body.error.code === 'TOO_MANY_REQUESTS')).toBe(true);
    expect(await count(t, "SELECT count(*)::int AS n FROM verification_codes WHERE purpose = 'signup' AND mobile = '+989125550001'")).toBe(1);
  });
});

describe('password and two-factor guesses sent in parallel', () => {
  let t: TestChapar;
  let admin: string;
  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
    await createChild(t, admin, { username: 'target', kind: 'user' });
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, ip: string, otp?: string) =>
    t.api({ url: '/api/v1/auth/login', body: { username, password, ...(otp ? { otp } : {}) }, remoteAddress: ip });

  it('checks at most 3 passwords for one name from one address before holding it back', async () => {
    const res = await Promise.all(Array.from({ length: 25 }, (_, i) => login('target', `guess-${i}-x`, '198.51.100.77')));
    const codes = res.map((r) => r.body.error.code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(3);
    expect(codes.filter((c) => c !== 'INVALID_CREDENTIALS').every((c) => c === 'TOO_MANY_ATTEMPTS')).toBe(true);
  });

  it('checks at most 10 names from one address in parallel before refusing it', async () => {
    const res = await Promise.all(Array.from({ length: 25 }, (_, i) => login(`sprayed${i}`, 'leaked-pass-1', '198.51.100.88')));
    const codes = res.map((r) => r.body.error.code);
    expect(codes.filter((c) => c === 'INVALID_CREDENTIALS')).toHaveLength(10);
    expect(codes.filter((c) => c !== 'INVALID_CREDENTIALS').every((c) => c === 'TOO_MANY_REQUESTS')).toBe(true);
  });

  it('counts at most 5 parallel wrong two-factor codes before the lock, and the right one waits', async () => {
    const user = await createChild(t, admin, { username: 'otprace', kind: 'user' });
    const code = await enableTotp(t, user.token);
    const bad = wrongCode(code());
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => login('otprace', user.password, `192.0.2.${10 + i}`, bad)));
    const codes = res.map((r) => r.body.error.code);
    expect(codes.filter((c) => c === 'INVALID_OTP')).toHaveLength(4);
    expect(codes.filter((c) => c !== 'INVALID_OTP').every((c) => c === 'ACCOUNT_LOCKED')).toBe(true);
    expect(await count(t, 'SELECT failed_logins AS n FROM accounts WHERE id = $1', [user.id])).toBe(5);
    expect((await login('otprace', user.password, '192.0.2.99', code())).body.error.code).toBe('ACCOUNT_LOCKED');
  });
});

describe('password and two-factor checks behind a session', () => {
  let t: TestChapar;
  let agency: Awaited<ReturnType<typeof createChild>>;
  beforeAll(async () => {
    t = await testChapar();
    const admin = await t.adminToken();
    agency = await createChild(t, admin, { username: 'oracle-agency', kind: 'agency' });
  });
  afterAll(() => t.close());

  const changePassword = (token: string, currentPassword: string, ip = '198.51.100.5', lang?: 'fa' | 'en') =>
    t.api({ url: '/api/v1/auth/password', token, lang, body: { currentPassword, newPassword: 'Brand-New-Pass-42' }, remoteAddress: ip });

  it('throttles guesses at the current password like sign-in guesses', async () => {
    const user = await createChild(t, agency.token, { username: 'oracle-user', kind: 'user', password: 'Secret-Pass-42' });
    const codes: string[] = [];
    for (let i = 0; i < 10; i++) codes.push((await changePassword(user.token, `wrong-${i}-x`)).body.error.code);
    expect(codes.slice(0, 3)).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS']);
    expect(codes.slice(3).every((c) => c === 'TOO_MANY_ATTEMPTS')).toBe(true);
    // the right password is held back too: the throttle does not confirm a guess
    expect((await changePassword(user.token, 'Secret-Pass-42')).body.error.code).toBe('TOO_MANY_ATTEMPTS');
    // and so is sign-in from that address, which guesses the same secret
    const signIn = await t.api({ url: '/api/v1/auth/login', body: { username: 'oracle-user', password: 'Secret-Pass-42' }, remoteAddress: '198.51.100.5' });
    expect(signIn.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    // parallel guesses from a fresh address reach argon2 at most three times
    const res = await Promise.all(Array.from({ length: 15 }, (_, i) => changePassword(user.token, `par-${i}-x`, '198.51.100.6')));
    expect(res.filter((r) => r.body.error?.code === 'INVALID_CREDENTIALS')).toHaveLength(3);
    expect((await changePassword(user.token, 'Secret-Pass-42', '198.51.100.7')).status).toBe(200);
  });

  it('refuses a password change or turning two-factor off while an agency is signed in as its user', async () => {
    const user = await createChild(t, agency.token, { username: 'imp-user', kind: 'user', password: 'Imp-Secret-42' });
    const code = await enableTotp(t, user.token);
    const imp = await t.api({ url: `/api/v1/users/${user.id}/impersonate`, token: agency.token, body: {} });
    expect(imp.status).toBe(200);
    const change = await changePassword(imp.body.token, 'Imp-Secret-42', '198.51.100.8', 'en');
    expect(change.status).toBe(403);
    expect(change.body.error.code).toBe('IMPERSONATION_NOT_ALLOWED');
    expect(change.body.error.message).toMatch(/signed in as/i);
    const fa = await changePassword(imp.body.token, 'Imp-Secret-42', '198.51.100.8', 'fa');
    expect(fa.body.error.message).toMatch(/[\u0600-\u06FF]/);
    const disable = await t.api({ url: '/api/v1/auth/2fa/disable', token: imp.body.token, body: { password: 'Imp-Secret-42', code: code() }, remoteAddress: '198.51.100.8' });
    expect(disable.body.error.code).toBe('IMPERSONATION_NOT_ALLOWED');
    // nor tie it to an app of the agency's own
    expect((await t.api({ url: '/api/v1/auth/2fa/setup', token: imp.body.token, body: {} })).body.error.code).toBe('IMPERSONATION_NOT_ALLOWED');
    // the user's own session still can, with the password it had
    expect((await t.api({ url: '/api/v1/auth/2fa/disable', token: user.token, body: { password: 'Imp-Secret-42', code: code() } })).status).toBe(200);
  });

  it('throttles the password and counts wrong codes toward the two-factor lock when turning two-factor off', async () => {
    const user = await createChild(t, agency.token, { username: 'tfa-user', kind: 'user', password: 'Tfa-Secret-42' });
    const code = await enableTotp(t, user.token);
    const disable = (password: string, otp: string, ip = '198.51.100.9') =>
      t.api({ url: '/api/v1/auth/2fa/disable', token: user.token, body: { password, code: otp }, remoteAddress: ip });
    const pw: string[] = [];
    for (let i = 0; i < 5; i++) pw.push((await disable(`wrong-${i}-x`, code())).body.error.code);
    expect(pw).toEqual(['INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'INVALID_CREDENTIALS', 'TOO_MANY_ATTEMPTS', 'TOO_MANY_ATTEMPTS']);
    const bad = wrongCode(code());
    const otp: string[] = [];
    for (let i = 0; i < 6; i++) otp.push((await disable('Tfa-Secret-42', bad, `198.51.100.${20 + i}`)).body.error.code);
    expect(otp).toEqual(['INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'ACCOUNT_LOCKED', 'ACCOUNT_LOCKED']);
    expect((await disable('Tfa-Secret-42', code(), '198.51.100.30')).body.error.code).toBe('ACCOUNT_LOCKED');
    t.clock.advance(16 * 60_000);
    expect((await disable('Tfa-Secret-42', code(), '198.51.100.30')).status).toBe(200);
  });
});

describe('CHAPAR_TRUST_PROXY ranges', () => {
  it('refuses a range so wide it trusts any client, as true is refused', () => {
    for (const wide of ['0.0.0.0/0', '::/0', '10.0.0.0/7', '128.0.0.0/1', '2000::/3', '::/16', '::ffff:0:0/96', '10.0.0.1, 0.0.0.0/0']) {
      expect(() => parseConfig({ CHAPAR_TRUST_PROXY: wide }), wide).toThrow(ConfigError);
    }
    expect(() => parseConfig({ CHAPAR_TRUST_PROXY: '::/0' })).toThrow(/\/8.*\/16/);
    expect(parseConfig({ CHAPAR_TRUST_PROXY: '10.0.0.0/8,fd00::/16,127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', 'fd00::/16', '127.0.0.1']);
    expect(parseConfig({ CHAPAR_TRUST_PROXY: '::ffff:10.0.0.0/104' }).trustProxy).toEqual(['::ffff:10.0.0.0/104']);
  });
});
