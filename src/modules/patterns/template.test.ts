import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/app-error.ts';
import { checkPattern, renderPattern, type PatternVariable } from './template.ts';

const vars: PatternVariable[] = [
  { name: 'code', type: 'number', maxLength: 6 },
  { name: 'name', type: 'text', maxLength: 20 },
];
const body = 'کد ورود %name%: %code%';

function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error('no error');
}

describe('patterns', () => {
  it('fills typed variables, Persian digits becoming Latin', () => {
    expect(renderPattern(body, vars, { code: '۱۲۳۴۵۶', name: 'علی' })).toBe('کد ورود علی: 123456');
    expect(renderPattern(body, vars, { code: 42, name: 'Ali' })).toBe('کد ورود Ali: 42');
  });

  it('names the parameter that is missing, extra, of the wrong type or too long', () => {
    expect(errorOf(() => renderPattern(body, vars, { name: 'x' })).details).toMatchObject({ param: 'code', reason: 'missing' });
    expect(errorOf(() => renderPattern(body, vars, { code: 1, name: 'x', link: 'y' })).details).toMatchObject({ param: 'link', reason: 'unexpected' });
    expect(errorOf(() => renderPattern(body, vars, { code: '12a', name: 'x' })).details).toMatchObject({ param: 'code', reason: 'type' });
    expect(errorOf(() => renderPattern(body, vars, { code: '1234567', name: 'x' })).details).toMatchObject({ param: 'code', reason: 'too_long', maxLength: 6 });
    expect(errorOf(() => renderPattern(body, vars, { code: 1, name: 'a\nb' })).details).toMatchObject({ param: 'name', reason: 'type' });
    expect(errorOf(() => renderPattern(body, vars, { code: 1, name: '%code%' })).code).toBe('PATTERN_PARAM_INVALID');
  });

  it('accepts 6 digits exactly at maxLength 6 and checks dates', () => {
    expect(renderPattern('%c%', [{ name: 'c', type: 'number', maxLength: 6 }], { c: '000000' })).toBe('000000');
    const d: PatternVariable[] = [{ name: 'd', type: 'date', maxLength: 10 }];
    expect(renderPattern('تا %d%', d, { d: '1403/12/30' })).toBe('تا 1403/12/30');
    expect(errorOf(() => renderPattern('%d%', d, { d: '1404/12/31' })).details).toMatchObject({ param: 'd', reason: 'type' });
  });

  it('refuses bodies whose variables and declarations disagree', () => {
    expect(errorOf(() => checkPattern('کد %code%', [])).details).toMatchObject({ variable: 'code', reason: 'not declared' });
    expect(errorOf(() => checkPattern('کد', [vars[0]])).details).toMatchObject({ variable: 'code' });
    expect(errorOf(() => checkPattern('%code%', [{ name: 'code', type: 'number', maxLength: 21 }])).code).toBe('PATTERN_INVALID');
    expect(() => checkPattern(body, vars)).not.toThrow();
  });
});
