import { describe, expect, it } from 'vitest';
import { defaultTemplates, renderTemplate, templateKinds, unknownVariables, variablesOf } from '../notifications/templates.ts';
import { addYears, adminStateOf } from './validity.ts';

const DAY = 86_400_000;
const term = { accountId: 'acc_a', parentId: 'acc_p', applicationId: null, validUntil: new Date('2027-01-10T06:30:00Z'), renewalFee: 0n, graceDays: 15, state: 'active' as const };

describe('agency terms', () => {
  it('run a calendar year, leap days included', () => {
    expect(addYears(new Date('2026-01-10T06:30:00Z'), 1).toISOString()).toBe('2027-01-10T06:30:00.000Z');
    expect(addYears(new Date('2027-03-01T00:00:00Z'), 1).toISOString()).toBe('2028-03-01T00:00:00.000Z');
  });

  it('are active, then expiring 30 days before the end, in grace after it, suspended when grace is over', () => {
    const at = (ms: number) => adminStateOf(term, new Date(term.validUntil.getTime() + ms)).state;
    expect(at(-30 * DAY - 1)).toBe('active');
    expect(at(-30 * DAY)).toBe('expiring');
    expect(at(-1)).toBe('expiring');
    expect(at(0)).toBe('grace');
    expect(at(15 * DAY - 1)).toBe('grace');
    expect(at(15 * DAY)).toBe('suspended');
    expect(adminStateOf({ ...term, graceDays: 0 }, term.validUntil).state).toBe('suspended');
  });
});

describe('agency templates', () => {
  it('have Persian and English defaults that use only their own variables', () => {
    for (const kind of templateKinds.filter((k) => k.startsWith('agency.'))) {
      for (const lang of ['fa', 'en'] as const) expect(unknownVariables(defaultTemplates[kind][lang], kind), `${kind}/${lang}`).toEqual([]);
    }
    expect(variablesOf('agency.welcome')).toEqual(expect.arrayContaining(['username', 'password', 'loginUrl', 'brandName', 'signature']));
    expect(unknownVariables({ subject: '', body: '{{password}}', sms: '' }, 'agency.renewal_reminder')).toEqual(['password']);
  });

  it('render the welcome with the username and password in the recipient’s language', () => {
    const vars = { brandName: { fa: 'پیام', en: 'Payam' }, username: 'shop1', password: 'Xy7pQ2mK9a', loginUrl: 'https://sms.payam.test/', signature: 'پیام' };
    expect(renderTemplate(defaultTemplates['agency.welcome'].fa, vars, 'fa').sms).toBe('پیام\nبه پنل خوش آمدید.\nنام کاربری: shop1\nرمز: Xy7pQ2mK9a\nhttps://sms.payam.test/');
    expect(renderTemplate(defaultTemplates['agency.welcome'].en, vars, 'en').sms).toContain('Username: shop1\nPassword: Xy7pQ2mK9a');
  });
});
