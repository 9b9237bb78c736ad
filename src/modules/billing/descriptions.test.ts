import { describe, expect, it } from 'vitest';
import { describeTransaction, typeLabel, type StatementRow } from './descriptions.ts';

const row = (r: Partial<StatementRow>): StatementRow => ({ type: 'transfer', params: {}, note: '', idempotencyKey: 'k', amount: -1n, party: null, ...r });
const both = (r: Partial<StatementRow>) => [describeTransaction(row(r), 'fa').description, describeTransaction(row(r), 'en').description];

describe('statement descriptions', () => {
  it('reads a type it does not know as a wallet transaction of that type, keeping the note', () => {
    const d = describeTransaction(row({ type: 'line_rent', params: { line: '30001234' }, note: 'by hand', party: 'nima' }), 'fa');
    expect(d).toEqual({ description: 'تراکنش کیف پول (line_rent) — حساب nima', params: { line: '30001234' }, note: 'by hand' });
    expect(describeTransaction(row({ type: 'line_rent' }), 'en').description).toBe('Wallet transaction (line_rent)');
    expect(typeLabel('line_rent', 'fa')).toBe('line_rent');
    expect(describeTransaction(row({ type: 'constructor' }), 'en').description).toBe('Wallet transaction (constructor)');
  });

  it('words renewals by what was renewed, counts in Persian digits', () => {
    expect(both({ type: 'renewal', params: { kind: 'panel', years: 2 } })).toEqual(['تمدید پنل برای ۲ سال', 'Panel renewal for 2 years']);
    expect(both({ type: 'renewal', params: { kind: 'agency', years: 1 }, amount: 5n, party: 'agency-s' })).toEqual(['تمدید نمایندگی agency-s برای ۱ سال', 'Agency renewal of agency-s for 1 year']);
    expect(both({ type: 'renewal', params: { kind: 'line', line: '30001234', years: 1 } })).toEqual(['تمدید خط ۳۰۰۰۱۲۳۴ برای ۱ سال', 'Renewal of line 30001234 for 1 year']);
    expect(both({ type: 'renewal', params: { kind: 'line', line: '30001234', first: true }, party: 'nima' })).toEqual(['اجارهٔ سال نخست خط ۳۰۰۰۱۲۳۴ حساب nima', 'First year’s rent of line 30001234 for nima']);
  });

  it('reads a received message’s charge and the notes old rows carried', () => {
    expect(both({ type: 'settle', params: { kind: 'receive' } })).toEqual(['هزینهٔ دریافت پیامک', 'Charge for a received message']);
    expect(both({ type: 'settle', params: null, note: 'received message' })).toEqual(['هزینهٔ دریافت پیامک', 'Charge for a received message']);
    expect(both({ type: 'renewal', params: null, note: 'panel renewal 3y' })).toEqual(['تمدید پنل برای ۳ سال', 'Panel renewal for 3 years']);
    expect(both({ type: 'send_reserve', params: null })).toEqual(['رزرو هزینهٔ ارسال پیامک', 'Reserved the cost of a send']);
    // A transfer's old note that merely looks like the package text was typed by a person.
    expect(describeTransaction(row({ type: 'transfer', params: null, note: 'package deal', amount: 5n }), 'fa')).toMatchObject({ description: 'دریافت اعتبار', note: 'package deal' });
  });
});
