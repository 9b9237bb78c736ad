// Attacks on the unauthenticated auth routes, each over real HTTP: SMS pumping through sign-up,
// locking an owner out, credential stuffing, TOTP replay, reset codes across brands, and client
// addresses spoofed through X-Forwarded-For.
import { createHash } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';
import { createChild, PLATFORM_HOST, testChapar, type TestChapar } from '../helpers/app.ts';

const HOST_A = 'panel.agency-a.test';

async function smsCount(t: TestChapar): Promise<number> {
  const { rows } = await t.db.query<{ n: bigint }>("SELECT count(*)::int8 AS n FROM notifications WHERE channel = 'sms'");
  return Number(rows[0].n);
}

async function lastCode(t: TestChapar, e164: string): Promise<string> {
  const [sms] = await t.services.notifications.listForRecipient('sms', e164, 1);
  const code = sms?.body.match(/\d{6}/)?.[0];
  if (!code) throw new Error(`no code sent to ${e164}`);
  return code;
}

let mobileSeq = 1000;
const nextMobile = () => `0912000${String(mobileSeq++).padStart(4, '0')}`;
const signupBody = (username: string, extra: Record<string, unknown> = {}) => ({ username, password: `${username}-pass-1`, mobile: nextMobile(), ...extra });

/**
 * What a person reads off the image. The test finds it the slow way: the server keeps only a
 * hash of the answer, and five digits are few enough to try them all.
 */
async function solveCaptcha(t: TestChapar, id: string): Promise<string> {
  const { rows } = await t.db.query<{ answer_hash: string }>('SELECT answer_hash FROM captchas WHERE id = $1', [id]);
  for (let n = 0; n < 100_000; n++) {
    const guess = String(n).padStart(5, '0');
    if (createHash('sha256').update(`${id}:${guess}`).digest('hex') === rows[0].answer_hash) return guess;
  }
  throw new Error('no answer');
}

describe('code requests (sign-up, password reset) are limited per address, per brand and overall', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar({ env: { CHAPAR_AUTH_CODES_PER_IP: '2', CHAPAR_AUTH_CODES_PER_BRAND: '4', CHAPAR_AUTH_CODES_GLOBAL: '6', CHAPAR_CAPTCHA_AFTER: '50' } });
    const agency = await createChild(t, await t.adminToken(), { username: 'agency-a', kind: 'agency' });
    await t.services.brands.addActiveHost((await t.services.brands.findByAccount(agency.id))!.id, HOST_A);
  });
  afterAll(() => t.close());

  it('stops a pumping loop from one address with 429 and retry-after, sending nothing more', async () => {
    const before = await smsCount(t);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await t.api({ url: '/api/v1/auth/signup', body: signupBody(`pump${i}`), remoteAddress: '198.51.100.1' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429, 429]);
    expect(answers[2].body.error.code).toBe('TOO_MANY_REQUESTS');
    expect(Number(answers[2].headers['retry-after'])).toBeGreaterThan(0);
    expect(await smsCount(t)).toBe(before + 2);
    // The same address asking for reset codes is the same budget.
    const forgot = await t.api({ url: '/api/v1/auth/password/forgot', body: { username: 'admin' }, remoteAddress: '198.51.100.1', lang: 'fa' });
    expect(forgot.status).toBe(429);
    expect(forgot.body.error.message).toMatch(/ثانیه/);
  });

  it('caps one brand across many addresses, and all brands together', async () => {
    // the platform brand has used 2 of its 4
    expect((await t.api({ url: '/api/v1/auth/signup', body: signupBody('spread1'), remoteAddress: '198.51.100.2' })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/auth/signup', body: signupBody('spread2'), remoteAddress: '198.51.100.3' })).status).toBe(200);
    const brandFull = await t.api({ url: '/api/v1/auth/signup', body: signupBody('spread3'), remoteAddress: '198.51.100.4' });
    expect(brandFull.status).toBe(429);
    // another brand still has its own budget, until the global one (6) runs out
    expect((await t.api({ url: '/api/v1/auth/signup', host: HOST_A, body: signupBody('agencyuser1'), remoteAddress: '198.51.100.5' })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/auth/signup', host: HOST_A, body: signupBody('agencyuser2'), remoteAddress: '198.51.100.6' })).status).toBe(200);
    const globalFull = await t.api({ url: '/api/v1/auth/signup', host: HOST_A, body: signupBody('agencyuser3'), remoteAddress: '198.51.100.7' });
    expect(globalFull.status).toBe(429);
    // an hour later the budgets are back
    t.clock.advance(61 * 60_000);
    expect((await t.api({ url: '/api/v1/auth/signup', body: signupBody('later1'), remoteAddress: '198.51.100.1' })).status).toBe(200);
  });

  it('counts a whole IPv6 /64 as one address', async () => {
    const statuses = [];
    for (let i = 1; i <= 3; i++) statuses.push((await t.api({ url: '/api/v1/auth/signup', body: signupBody(`six${i}`), remoteAddress: `2001:db8:1:2::${i}` })).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe('a captcha after a few code requests from one address', () => {
  let t: TestChapar;
  beforeAll(async () => {
    t = await testChapar({ env: { CHAPAR_AUTH_CODES_PER_IP: '20', CHAPAR_CAPTCHA_AFTER: '2' } });
  });
  afterAll(() => t.close());

  it('asks for a drawn captcha, refuses a wrong or reused answer and accepts the right one once', async () => {
    const ip = '203.0.113.20';
    expect((await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap1'), remoteAddress: ip })).status).toBe(200);
    expect((await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap2'), remoteAddress: ip })).status).toBe(200);
    const before = await smsCount(t);
    const asked = await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap3'), remoteAddress: ip, lang: 'fa' });
    expect(asked.status).toBe(428);
    expect(asked.body.error.code).toBe('CAPTCHA_REQUIRED');
    expect(asked.body.error.message).toMatch(/تصویر/);
    const { captchaId, image } = asked.body.error.details;
    expect(image).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(image.split(',')[1], 'base64');
    expect(png.subarray(1, 4).toString()).toBe('PNG');

    const answer = await solveCaptcha(t, captchaId);
    const wrongAnswer = answer === '00000' ? '11111' : '00000';
    const wrong = await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap3', { captcha: { id: captchaId, answer: wrongAnswer } }), remoteAddress: ip });
    expect(wrong.status).toBe(428);
    expect(wrong.body.error.code).toBe('CAPTCHA_INVALID');
    expect(wrong.body.error.details.captchaId).not.toBe(captchaId);
    // a wrong answer used the challenge up: its right answer no longer helps
    const late = await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap3', { captcha: { id: captchaId, answer } }), remoteAddress: ip });
    expect(late.body.error.code).toBe('CAPTCHA_INVALID');

    const fresh = late.body.error.details.captchaId;
    const ok = await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap4', { captcha: { id: fresh, answer: `  ${await solveCaptcha(t, fresh)} ` } }), remoteAddress: ip });
    expect(ok.status).toBe(200);
    const reused = await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap5', { captcha: { id: fresh, answer: await solveCaptcha(t, fresh) } }), remoteAddress: ip });
    expect(reused.body.error.code).toBe('CAPTCHA_INVALID');
    expect(await smsCount(t)).toBe(before + 1);
    // other addresses are not asked
    expect((await t.api({ url: '/api/v1/auth/signup', body: signupBody('cap6'), remoteAddress: '203.0.113.21' })).status).toBe(200);
  });

  it('lets a challenge expire after five minutes', async () => {
    const ip = '203.0.113.30';
    for (let i = 0; i < 2; i++) await t.api({ url: '/api/v1/auth/signup', body: signupBody(`exp${i}`), remoteAddress: ip });
    const asked = await t.api({ url: '/api/v1/auth/signup', body: signupBody('exp2'), remoteAddress: ip });
    const id = asked.body.error.details.captchaId;
    const answer = await solveCaptcha(t, id);
    t.clock.advance(5 * 60_000 + 1);
    const late = await t.api({ url: '/api/v1/auth/signup', body: signupBody('exp2', { captcha: { id, answer } }), remoteAddress: ip });
    expect(late.body.error.code).toBe('CAPTCHA_INVALID');
  });
});

describe('sign-in throttling, TOTP replay and reset codes', () => {
  let t: TestChapar;
  let admin: string;
  beforeAll(async () => {
    t = await testChapar();
    admin = await t.adminToken();
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, ip: string, otp?: string) =>
    t.api({ url: '/api/v1/auth/login', body: { username, password, ...(otp ? { otp } : {}) }, remoteAddress: ip });

  it('does not let a stranger lock the owner out from another address', async () => {
    await t.api({ url: '/api/v1/accounts', token: admin, body: { username: 'victim', password: 'victim-pass-1', mobile: '09123330001', kind: 'user' } });
    for (let i = 0; i < 8; i++) {
      await login('victim', 'guess-guess', '198.51.100.66');
      t.clock.advance(2_000);
    }
    expect((await login('victim', 'victim-pass-1', '203.0.113.5')).status).toBe(200);
    // the stranger's address is the one held back, even with the right password
    const held = await login('victim', 'victim-pass-1', '198.51.100.66');
    expect(held.status).toBe(429);
    expect(held.body.error.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('holds an address back for a delay that doubles with each further failure', async () => {
    await t.api({ url: '/api/v1/accounts', token: admin, body: { username: 'slowme', password: 'slowme-pass-1', mobile: '09123330002', kind: 'user' } });
    const ip = '198.51.100.77';
    for (let i = 0; i < 3; i++) expect((await login('slowme', 'wrong-wrong', ip)).body.error.code).toBe('INVALID_CREDENTIALS');
    const waits: number[] = [];
    for (let round = 0; round < 3; round++) {
      const held = await login('slowme', 'slowme-pass-1', ip);
      expect(held.body.error.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(held.headers['retry-after'])).toBe(held.body.error.details.retryAfterSeconds);
      waits.push(held.body.error.details.retryAfterSeconds);
      t.clock.advance(held.body.error.details.retryAfterSeconds * 1000);
      expect((await login('slowme', 'wrong-wrong', ip)).body.error.code).toBe('INVALID_CREDENTIALS');
    }
    expect(waits).toEqual([30, 60, 120]);
    const fa = await t.api({ url: '/api/v1/auth/login', lang: 'fa', body: { username: 'slowme', password: 'x-x-x-x-x' }, remoteAddress: ip });
    expect(fa.body.error.message).toMatch(/ثانیه/);
    t.clock.advance(240_000);
    expect((await login('slowme', 'slowme-pass-1', ip)).status).toBe(200);
    // a success forgets the failures
    expect((await login('slowme', 'wrong-wrong', ip)).body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('stops one address trying passwords across many accounts', async () => {
    const ip = '198.51.100.88';
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push((await login(`stuffed${i}`, 'leaked-pass-1', ip)).body.error.code);
    expect(codes.slice(0, 10).every((c) => c === 'INVALID_CREDENTIALS')).toBe(true);
    expect(codes.slice(10)).toEqual(['TOO_MANY_REQUESTS', 'TOO_MANY_REQUESTS']);
    // others are unaffected
    expect((await login('victim', 'victim-pass-1', '203.0.113.6')).status).toBe(200);
  });

  it('accepts a TOTP code only once', async () => {
    await t.api({ url: '/api/v1/accounts', token: admin, body: { username: 'replay', password: 'replay-pass-1', mobile: '09123330003', kind: 'user' } });
    const token = await t.login('replay', 'replay-pass-1');
    const setup = await t.api({ url: '/api/v1/auth/2fa/setup', token, body: {} });
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    const code = () => totp.generate({ timestamp: t.clock.now().getTime() });
    expect((await t.api({ url: '/api/v1/auth/2fa/enable', token, body: { code: code() } })).status).toBe(200);
    const sameStep = await login('replay', 'replay-pass-1', '203.0.113.7', code());
    expect(sameStep.body.error.code).toBe('INVALID_OTP');
    t.clock.advance(30_000);
    const seenAt = t.clock.now().getTime();
    const seen = code();
    expect((await login('replay', 'replay-pass-1', '203.0.113.7', seen)).status).toBe(200);
    // the code before it, still inside the window, is refused too
    const older = totp.generate({ timestamp: seenAt - 30_000 });
    expect((await login('replay', 'replay-pass-1', '203.0.113.8', older)).body.error.code).toBe('INVALID_OTP');
    // someone who watched the code go by, from elsewhere, within its window
    t.clock.advance(10_000);
    expect((await login('replay', 'replay-pass-1', '203.0.113.8', seen)).body.error.code).toBe('INVALID_OTP');
    t.clock.advance(30_000);
    expect((await login('replay', 'replay-pass-1', '203.0.113.8', code())).status).toBe(200);
  });

  it('keeps two-factor’s own limit per account, whatever the address', async () => {
    await t.api({ url: '/api/v1/accounts', token: admin, body: { username: 'otpguess', password: 'otpguess-pass-1', mobile: '09123330004', kind: 'user' } });
    const token = await t.login('otpguess', 'otpguess-pass-1');
    const setup = await t.api({ url: '/api/v1/auth/2fa/setup', token, body: {} });
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setup.body.secret), digits: 6, period: 30 });
    await t.api({ url: '/api/v1/auth/2fa/enable', token, body: { code: totp.generate({ timestamp: t.clock.now().getTime() }) } });
    t.clock.advance(30_000);
    const good = totp.generate({ timestamp: t.clock.now().getTime() });
    const bad = good === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await login('otpguess', 'otpguess-pass-1', `192.0.2.${10 + i}`, bad)).body.error.code);
    expect(answers).toEqual(['INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'INVALID_OTP', 'ACCOUNT_LOCKED']);
    expect((await login('otpguess', 'otpguess-pass-1', '192.0.2.99', good)).body.error.code).toBe('ACCOUNT_LOCKED');
    // a stranger without the password does not learn of the lock
    expect((await login('otpguess', 'wrong-pass-1', '192.0.2.98')).body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses a reset code on a brand other than the one that sent it, as if it did not exist', async () => {
    const agency = await createChild(t, admin, { username: 'reset-agency', kind: 'agency' });
    await t.services.brands.addActiveHost((await t.services.brands.findByAccount(agency.id))!.id, HOST_A);
    await t.api({ url: '/api/v1/accounts', token: agency.token, body: { username: 'resetter', password: 'resetter-pass-1', mobile: '09123330005', kind: 'user' } });
    const start = await t.api({ url: '/api/v1/auth/password/forgot', host: HOST_A, body: { username: 'resetter' }, remoteAddress: '203.0.113.9' });
    const code = await lastCode(t, '+989123330005');
    const body = { verificationId: start.body.verificationId, code, newPassword: 'hijacked-pass-1' };
    const elsewhere = await t.api({ url: '/api/v1/auth/password/reset', host: PLATFORM_HOST, body });
    expect(elsewhere.body.error).toMatchObject({ code: 'CODE_INVALID' });
    expect(elsewhere.body.error.details).toBeUndefined();
    expect((await login('resetter', 'resetter-pass-1', '203.0.113.9')).status).toBe(200);
    expect((await t.api({ url: '/api/v1/auth/password/reset', host: HOST_A, body })).status).toBe(200);
  });
});

describe('CHAPAR_TRUST_PROXY', () => {
  it('takes false, a hop count or proxy addresses, and refuses true with the choices', () => {
    expect(parseConfig({}).trustProxy).toBe(false);
    expect(parseConfig({ CHAPAR_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(parseConfig({ CHAPAR_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(parseConfig({ CHAPAR_TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,::1' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', '::1']);
    expect(() => parseConfig({ CHAPAR_TRUST_PROXY: 'true' })).toThrow(ConfigError);
    expect(() => parseConfig({ CHAPAR_TRUST_PROXY: 'true' })).toThrow(/hop count.*CIDR|CIDR.*hop count/i);
    expect(() => parseConfig({ CHAPAR_TRUST_PROXY: '10.0.0.0/99' })).toThrow(ConfigError);
    expect(() => parseConfig({ CHAPAR_TRUST_PROXY: 'proxy.example' })).toThrow(ConfigError);
    expect(() => parseConfig({ CHAPAR_TRUST_PROXY: '0' })).toThrow(ConfigError);
  });

  async function keyFor(t: TestChapar, allowedIp: string): Promise<string> {
    const user = await createChild(t, await t.adminToken(), { username: `keyed${mobileSeq++}`, kind: 'user' });
    const key = await t.api({ url: '/api/v1/api-keys', token: user.token, body: { name: 'k', allowedIps: [allowedIp] } });
    return key.body.key;
  }

  describe('with one trusted hop', () => {
    let t: TestChapar;
    beforeAll(async () => {
      t = await testChapar({ env: { CHAPAR_TRUST_PROXY: '1', CHAPAR_AUTH_CODES_PER_IP: '2', CHAPAR_CAPTCHA_AFTER: '50' } });
    });
    afterAll(() => t.close());

    it('sees the address the proxy saw, not one the client wrote before it', async () => {
      const key = await keyFor(t, '198.51.100.7');
      const proxy = '10.0.0.5';
      const spoofed = await t.api({ url: '/api/v1/me', token: key, remoteAddress: proxy, headers: { 'x-forwarded-for': '198.51.100.7, 203.0.113.50' } });
      expect(spoofed.body.error).toMatchObject({ code: 'IP_NOT_ALLOWED', details: { ip: '203.0.113.50' } });
      const real = await t.api({ url: '/api/v1/me', token: key, remoteAddress: proxy, headers: { 'x-forwarded-for': '203.0.113.50, 198.51.100.7' } });
      expect(real.status).toBe(200);
    });

    it('does not give a client a fresh limiter budget per invented address', async () => {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        const xff = `192.0.2.${100 + i}, 203.0.113.60`;
        statuses.push((await t.api({ url: '/api/v1/auth/signup', body: signupBody(`hop${i}`), remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': xff } })).status);
      }
      expect(statuses).toEqual([200, 200, 429, 429]);
    });
  });

  describe('with trusted proxy ranges', () => {
    let t: TestChapar;
    beforeAll(async () => {
      t = await testChapar({ env: { CHAPAR_TRUST_PROXY: '10.0.0.0/8' } });
    });
    afterAll(() => t.close());

    it('walks back through trusted proxies only, and ignores the header from anyone else', async () => {
      const key = await keyFor(t, '198.51.100.7');
      const through = (remoteAddress: string, xff: string) => t.api({ url: '/api/v1/me', token: key, remoteAddress, headers: { 'x-forwarded-for': xff } });
      expect((await through('10.0.0.5', '198.51.100.7, 10.1.2.3')).status).toBe(200);
      expect((await through('10.0.0.5', '198.51.100.7, 203.0.113.50')).body.error.details.ip).toBe('203.0.113.50');
      // not from a trusted proxy: the header is the client's own words
      expect((await through('203.0.113.51', '198.51.100.7')).body.error.details.ip).toBe('203.0.113.51');
    });
  });

  describe('by default', () => {
    let t: TestChapar;
    beforeAll(async () => {
      t = await testChapar();
    });
    afterAll(() => t.close());

    it('ignores X-Forwarded-For', async () => {
      const key = await keyFor(t, '198.51.100.7');
      const res = await t.api({ url: '/api/v1/me', token: key, remoteAddress: '203.0.113.52', headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(res.body.error).toMatchObject({ code: 'IP_NOT_ALLOWED', details: { ip: '203.0.113.52' } });
    });
  });
});
