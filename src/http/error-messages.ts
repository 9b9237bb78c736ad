import type { ErrorCode, ErrorDetails } from './errors.ts';
import { toPersianDigits } from '../lib/i18n.ts';

type Text = string | ((d: ErrorDetails) => string);

const fieldList = (d: ErrorDetails) => {
  const fields = (d.fields as { path: string }[] | undefined)?.map((f) => f.path).filter(Boolean) ?? [];
  return fields.length ? fields.join('، ') : '';
};

export const errorMessages: Record<ErrorCode, { fa: Text; en: Text }> = {
  VALIDATION_FAILED: {
    fa: (d) => `اطلاعات ارسالی معتبر نیست${fieldList(d) ? `: ${fieldList(d)}` : '.'}`,
    en: (d) => `The request is not valid${fieldList(d) ? `: ${fieldList(d).replaceAll('، ', ', ')}` : '.'}`,
  },
  BAD_REQUEST: { fa: 'درخواست نامعتبر است.', en: 'Bad request.' },
  UNAUTHENTICATED: { fa: 'ابتدا وارد حساب خود شوید.', en: 'Please sign in first.' },
  INVALID_CREDENTIALS: { fa: 'نام کاربری یا رمز عبور اشتباه است.', en: 'Wrong username or password.' },
  OTP_REQUIRED: { fa: 'کد ورود دومرحله‌ای را وارد کنید.', en: 'Enter your two-factor code.' },
  INVALID_OTP: { fa: 'کد دومرحله‌ای اشتباه است.', en: 'The two-factor code is wrong.' },
  CSRF_FAILED: { fa: 'نشست شما نامعتبر شده است؛ صفحه را دوباره بارگذاری کنید.', en: 'Your session token is missing or stale; reload the page.' },
  FORBIDDEN: { fa: 'اجازهٔ این کار را ندارید.', en: 'You are not allowed to do this.' },
  IP_NOT_ALLOWED: {
    fa: (d) => `این کلید از نشانی ${String(d.ip ?? '')} مجاز نیست.`,
    en: (d) => `This API key may not be used from ${String(d.ip ?? 'this address')}.`,
  },
  ACCOUNT_SUSPENDED: { fa: 'حساب شما مسدود شده است؛ با پشتیبانی تماس بگیرید.', en: 'Your account is suspended; contact support.' },
  NOT_FOUND: { fa: 'پیدا نشد.', en: 'Not found.' },
  UNKNOWN_HOST: { fa: 'این دامنه به هیچ سامانه‌ای وصل نیست.', en: 'This domain is not connected to any panel.' },
  USERNAME_TAKEN: { fa: 'این نام کاربری قبلاً ثبت شده است.', en: 'That username is taken.' },
  CONFLICT: { fa: 'این تغییر با وضعیت فعلی سازگار نیست.', en: 'This change conflicts with the current state.' },
  IDEMPOTENCY_CONFLICT: {
    fa: 'این کلید یکتایی (Idempotency-Key) قبلاً با درخواست دیگری استفاده شده است.',
    en: 'This Idempotency-Key was already used with a different request.',
  },
  CODE_INVALID: { fa: 'کد تأیید اشتباه است.', en: 'The verification code is wrong.' },
  CODE_EXPIRED: { fa: 'کد تأیید منقضی شده است؛ کد تازه بگیرید.', en: 'The verification code has expired; request a new one.' },
  WEAK_PASSWORD: {
    fa: (d) => `رمز عبور باید دست‌کم ${toPersianDigits(Number(d.min ?? 8))} نویسه باشد.`,
    en: (d) => `The password must be at least ${Number(d.min ?? 8)} characters.`,
  },
  INVALID_MOBILE: { fa: 'شمارهٔ موبایل معتبر نیست (نمونه: ۰۹۱۲۱۲۳۴۵۶۷).', en: 'Not a valid mobile number (e.g. 09121234567).' },
  TWO_FACTOR_ALREADY_ENABLED: { fa: 'ورود دومرحله‌ای از قبل فعال است.', en: 'Two-factor sign-in is already on.' },
  TWO_FACTOR_NOT_ENABLED: { fa: 'ورود دومرحله‌ای فعال نیست.', en: 'Two-factor sign-in is not on.' },
  INSUFFICIENT_CREDIT: {
    fa: (d) => (d.level === 'self' || !d.level ? 'اعتبار حساب شما کافی نیست.' : 'اعتبار نمایندگی شما کافی نیست؛ با نمایندهٔ خود تماس بگیرید.'),
    en: (d) => (d.level === 'self' || !d.level ? 'Your credit is not enough.' : 'Your agency is out of credit; contact your agency.'),
  },
  LINE_NOT_ALLOWED: {
    fa: (d) => `از خط ${String(d.from ?? '')} نمی‌توانید ارسال کنید.`,
    en: (d) => `You may not send from line ${String(d.from ?? '')}.`,
  },
  TEXT_TOO_LONG: {
    fa: (d) => `متن پیام ${toPersianDigits(Number(d.parts ?? 0))} بخش می‌شود؛ بیشینه ${toPersianDigits(Number(d.max ?? 10))} بخش است.`,
    en: (d) => `The text needs ${Number(d.parts ?? 0)} parts; the most is ${Number(d.max ?? 10)}.`,
  },
  TOO_MANY_RECIPIENTS: {
    fa: (d) => `حداکثر ${toPersianDigits(Number(d.max ?? 0).toLocaleString('en'))} گیرنده در یک ارسال مجاز است.`,
    en: (d) => `At most ${Number(d.max ?? 0).toLocaleString('en')} recipients per send.`,
  },
  NO_VALID_RECIPIENTS: { fa: 'هیچ شمارهٔ معتبری در فهرست گیرندگان نیست.', en: 'None of the recipients is a valid number.' },
  BATCH_NOT_CANCELLABLE: { fa: 'ارسال این پیام آغاز شده و دیگر لغو نمی‌شود.', en: 'This send has started and can no longer be cancelled.' },
  NO_LINE: { fa: 'هیچ خط ارسالی برای حساب شما تعریف نشده است.', en: 'Your account has no sending line.' },
  LINE_NUMBER_TAKEN: { fa: 'این شمارهٔ خط قبلاً ثبت شده است.', en: 'That line number already exists.' },
  ACCOUNT_LOCKED: {
    fa: (d) => `به دلیل تلاش‌های ناموفق، ورود تا ${toPersianDigits(Number(d.minutes ?? 15))} دقیقهٔ دیگر ممکن نیست.`,
    en: (d) => `Too many failed attempts; try again in ${Number(d.minutes ?? 15)} minutes.`,
  },
  TOO_MANY_REQUESTS: {
    fa: (d) => `درخواست‌ها زیاد است؛ ${toPersianDigits(Number(d.retryAfterSeconds ?? 60))} ثانیه دیگر دوباره تلاش کنید.`,
    en: (d) => `Too many requests; try again in ${Number(d.retryAfterSeconds ?? 60)} seconds.`,
  },
  NOT_READY: { fa: 'سامانه هنوز آماده نیست.', en: 'The service is not ready.' },
  INTERNAL: { fa: 'خطای داخلی رخ داد؛ دوباره تلاش کنید.', en: 'Something went wrong on our side; please try again.' },
};
