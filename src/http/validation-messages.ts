// Why one field of a request was refused, in the caller's language. Zod's own issue messages are
// English ("Invalid input: expected string, received undefined"); a Persian panel or integrator
// reads these instead. Keyed by zod's issue codes, with the issue's own bounds and values.
import { toPersianDigits, type Lang } from '../lib/i18n.ts';

type Issue = { keyword?: string; message?: string; params?: Record<string, unknown> };

const typeWords: Record<string, { fa: string; en: string }> = {
  string: { fa: 'متن', en: 'text' },
  number: { fa: 'عدد', en: 'a number' },
  int: { fa: 'عدد صحیح', en: 'a whole number' },
  bigint: { fa: 'عدد صحیح', en: 'a whole number' },
  boolean: { fa: 'درست یا نادرست (true/false)', en: 'true or false' },
  array: { fa: 'فهرست', en: 'a list' },
  object: { fa: 'شیء JSON', en: 'a JSON object' },
  date: { fa: 'تاریخ', en: 'a date' },
};

export function describeIssue(issue: Issue, lang: Lang): string {
  const p = issue.params ?? {};
  const fa = lang === 'fa';
  const n = (v: unknown) => (fa ? toPersianDigits(String(v)) : String(v));
  switch (issue.keyword) {
    case 'invalid_type': {
      if (/received undefined/.test(issue.message ?? '') || ('input' in p && p.input === undefined)) return fa ? 'لازم است' : 'is required';
      const w = typeWords[String(p.expected)];
      return w ? (fa ? `باید ${w.fa} باشد` : `must be ${w.en}`) : fa ? 'نوع آن درست نیست' : 'has the wrong type';
    }
    case 'too_small': {
      const min = p.minimum as number | bigint;
      if (p.origin === 'string') return Number(min) <= 1 ? (fa ? 'خالی است' : 'is empty') : fa ? `دست‌کم ${n(min)} نویسه باید باشد` : `must be at least ${min} characters`;
      if (p.origin === 'array' || p.origin === 'set') return fa ? `دست‌کم ${n(min)} مورد لازم است` : `needs at least ${min} items`;
      return p.inclusive === false ? (fa ? `باید بیشتر از ${n(min)} باشد` : `must be more than ${min}`) : fa ? `دست‌کم ${n(min)} باید باشد` : `must be at least ${min}`;
    }
    case 'too_big': {
      const max = p.maximum as number | bigint;
      if (p.origin === 'string') return fa ? `حداکثر ${n(max)} نویسه مجاز است` : `must be at most ${max} characters`;
      if (p.origin === 'array' || p.origin === 'set') return fa ? `حداکثر ${n(max)} مورد مجاز است` : `allows at most ${max} items`;
      return p.inclusive === false ? (fa ? `باید کمتر از ${n(max)} باشد` : `must be less than ${max}`) : fa ? `حداکثر ${n(max)} مجاز است` : `must be at most ${max}`;
    }
    case 'invalid_format':
      if (p.format === 'email') return fa ? 'نشانی ایمیل درست نیست' : 'is not a valid e-mail address';
      if (p.format === 'url') return fa ? 'نشانی اینترنتی درست نیست' : 'is not a valid URL';
      if (p.format === 'datetime' || p.format === 'date') return fa ? 'تاریخ و زمان درست نیست (ISO 8601)' : 'is not a valid ISO 8601 date';
      return fa ? 'قالب آن درست نیست' : 'is not in the expected format';
    case 'invalid_value': {
      const values = Array.isArray(p.values) ? (p.values as unknown[]).map(String) : [];
      return values.length ? (fa ? `باید یکی از این‌ها باشد: ${values.join('، ')}` : `must be one of: ${values.join(', ')}`) : fa ? 'مقدار آن مجاز نیست' : 'is not an allowed value';
    }
    case 'custom':
    {
      const custom = (p.params ?? {}) as { reason?: unknown; maximum?: unknown };
      if (custom.reason === 'nul_character') return fa ? 'نویسهٔ NUL (U+0000) دارد که پذیرفته نیست' : 'contains a NUL character (U+0000), which is not accepted';
      if (custom.reason === 'rials_bound') return fa ? `حداکثر ${n(custom.maximum)} ریال مجاز است` : `must be at most ${String(custom.maximum)} rials`;
      return fa ? 'معتبر نیست' : 'is not valid';
    }
    case 'unrecognized_keys':
      return fa ? 'فیلدهای ناشناخته دارد' : 'has unknown fields';
    default:
      return fa ? 'معتبر نیست' : 'is not valid';
  }
}
