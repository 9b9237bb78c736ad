// Pattern (الگو) bodies: fixed text with typed %variables%. The platform approves the fixed text
// once; each send only fills the variables, so every value is checked against its declared type
// and length (an unchecked text variable would let a sender smuggle any content past approval).
import { toLatinDigits } from '../../lib/i18n.ts';
import { AppError } from '../../lib/app-error.ts';
import { parseDate } from '../phonebook/values.ts';

export type VariableType = 'number' | 'text' | 'date';
export type PatternVariable = { name: string; type: VariableType; maxLength: number };

export const MAX_BODY = 1000;
export const MAX_LENGTH = { number: 20, text: 100, date: 10 } as const;
const VARIABLE = /%([A-Za-z_][A-Za-z0-9_]{0,31})%/g;

/** Variable names in order of first appearance. */
export function variablesIn(body: string): string[] {
  return [...new Set([...body.matchAll(VARIABLE)].map((m) => m[1]))];
}

/** Every %name% of the body declared once, every declaration used, lengths within bounds. */
export function checkPattern(body: string, variables: readonly PatternVariable[]): void {
  const fail = (reason: string, variable?: string) => new AppError('PATTERN_INVALID', { reason, ...(variable ? { variable } : {}) });
  if (!body.trim()) throw fail('empty body');
  if (body.length > MAX_BODY) throw fail(`longer than ${MAX_BODY} characters`);
  const used = variablesIn(body);
  const declared = new Set<string>();
  for (const v of variables) {
    if (declared.has(v.name)) throw fail('declared twice', v.name);
    declared.add(v.name);
    if (!used.includes(v.name)) throw fail('declared but not in the body', v.name);
    if (!Number.isInteger(v.maxLength) || v.maxLength < 1 || v.maxLength > MAX_LENGTH[v.type]) throw fail(`maxLength must be 1–${MAX_LENGTH[v.type]}`, v.name);
  }
  for (const name of used) if (!declared.has(name)) throw fail('not declared', name);
}

/** One parameter value, normalised (Latin digits for numbers), or the reason it is refused. */
function checkParam(v: PatternVariable, raw: unknown): string {
  const fail = (reason: string) => new AppError('PATTERN_PARAM_INVALID', { param: v.name, reason, type: v.type, maxLength: v.maxLength });
  if (typeof raw !== 'string' && typeof raw !== 'number') throw fail('type');
  const value = String(raw).trim();
  if (!value) throw fail('empty');
  if (v.type === 'number') {
    const digits = toLatinDigits(value);
    if (!/^\d+$/.test(digits)) throw fail('type');
    if (digits.length > v.maxLength) throw fail('too_long');
    return digits;
  }
  if (value.length > v.maxLength) throw fail('too_long');
  if (v.type === 'date' && !parseDate(value)) throw fail('type');
  // A text value is one line with no '%': it cannot grow the message or fake another variable.
  if (v.type === 'text' && /[\r\n%]/.test(value)) throw fail('type');
  return value;
}

/** The body with every variable filled; missing, extra or ill-typed params are refused, each
 * error naming the parameter. */
export function renderPattern(body: string, variables: readonly PatternVariable[], params: Record<string, unknown>): string {
  for (const name of Object.keys(params)) {
    if (!variables.some((v) => v.name === name)) throw new AppError('PATTERN_PARAM_INVALID', { param: name, reason: 'unexpected' });
  }
  const values = new Map<string, string>();
  for (const v of variables) {
    if (!(v.name in params) || params[v.name] === null || params[v.name] === undefined) throw new AppError('PATTERN_PARAM_INVALID', { param: v.name, reason: 'missing', type: v.type });
    values.set(v.name, checkParam(v, params[v.name]));
  }
  return body.replace(VARIABLE, (whole, name: string) => values.get(name) ?? whole);
}
