import type { ErrorCode, ErrorDetails } from '../lib/app-error.ts';
import { toPersianDigits } from '../lib/i18n.ts';
import { groupDigits } from '../lib/money.ts';

type Text = string | ((d: ErrorDetails) => string);

/** The refused fields by name (without body./querystring.), each with its reason when the request validation gave one. */
const fieldList = (d: ErrorDetails) => {
  const fields = ((d.fields as { path: string; reason?: string }[] | undefined) ?? []).filter((f) => f.path);
  return fields.map((f) => {
    const name = f.path.replace(/^(body|querystring|params|headers)\./, '');
    return f.reason ? `${name} (${f.reason})` : name;
  }).join('، ');
};

// An agency application's states and fields as the panel names them (web/src/features/agency).
const applicationStatus: Record<'fa' | 'en', Record<string, string>> = {
  fa: { draft: 'پیش‌نویس', submitted: 'در انتظار بررسی', quoted: 'هزینه اعلام شد', payment_declared: 'پرداخت اعلام شد', activated: 'فعال شد', contract_sent: 'قرارداد فرستاده شد', contract_received: 'قرارداد امضاشده رسید', countersigned: 'قرارداد نهایی شد', rejected: 'رد شد', cancelled: 'لغو شد' },
  en: { draft: 'a draft', submitted: 'awaiting review', quoted: 'quoted', payment_declared: 'paid (payment declared)', activated: 'activated', contract_sent: 'contract sent', contract_received: 'signed contract received', countersigned: 'countersigned', rejected: 'rejected', cancelled: 'cancelled' },
};
const applicationFieldNames: Record<'fa' | 'en', Record<string, string>> = {
  fa: { businessName: 'نام کسب‌وکار', nationalNumber: 'کد ملی یا شناسهٔ ملی', address: 'نشانی', phone: 'تلفن', email: 'ایمیل', plan: 'خدماتی که می‌فروشید' },
  en: { businessName: 'business name', nationalNumber: 'national code or ID', address: 'address', phone: 'phone', email: 'e-mail', plan: 'what you plan to sell' },
};
const applicationFields = (d: ErrorDetails, lang: 'fa' | 'en') =>
  ((d.fields as { path: string }[] | undefined) ?? []).map((f) => applicationFieldNames[lang][f.path] ?? f.path);

/** A details field of rials (a string of digits), grouped for reading; null when absent. */
const rials = (v: unknown) => (typeof v === 'string' && /^-?\d+$/.test(v) ? groupDigits(BigInt(v)) : null);
/** The rials a payer is short by, when the error says (digits only, more than zero). */
const shortBy = (d: ErrorDetails) => (typeof d.missing === 'string' && /^\d+$/.test(d.missing) && BigInt(d.missing) > 0n ? groupDigits(BigInt(d.missing)) : null);

// Why a tenant's URL was refused, without saying what the server's own network looks like.
const urlRefusal: Record<'fa' | 'en', Record<string, string>> = {
  fa: {
    scheme: 'این نشانی پذیرفته نیست: فقط http و https مجاز است.',
    port: 'این نشانی پذیرفته نیست: این درگاه (port) مجاز نیست.',
    address: 'این نشانی پذیرفته نیست: به شبکهٔ داخلی، loopback یا نشانی رزروشده اشاره می‌کند.',
    gateway_host: 'این درگاه پرداخت فقط با نشانی‌های خود ارائه‌دهنده کار می‌کند؛ نشانی دلخواه فقط برای حالت آزمایشی سامانه است.',
  },
  en: {
    scheme: 'This address is not allowed: only http and https are.',
    port: 'This address is not allowed: that port is not.',
    address: 'This address is not allowed: it points to an internal, loopback or reserved address.',
    gateway_host: 'This payment gateway talks only to its provider’s own addresses; a custom address is for the platform’s test mode only.',
  },
};

/** A body limit as people read it: whole megabytes, or kilobytes below one. */
const sizeOf = (bytes: unknown, lang: 'fa' | 'en') => {
  const n = Number(bytes ?? 0);
  const mb = n >= 1048576;
  const value = mb ? Math.round(n / 1048576) : Math.round(n / 1024);
  return lang === 'fa' ? `${value} ${mb ? 'مگابایت' : 'کیلوبایت'}` : `${value} ${mb ? 'MB' : 'KB'}`;
};
const policyFields = (d: ErrorDetails) => (d.violations as { field: string }[] | undefined)?.map((v) => v.field).join(', ') ?? '';

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
  CONNECTOR_DISABLED: { fa: 'این اتصال به اپراتور غیرفعال است.', en: 'This upstream connector is disabled.' },
  IDEMPOTENCY_CONFLICT: {
    fa: 'این کلید یکتایی (Idempotency-Key) قبلاً با درخواست دیگری استفاده شده است.',
    en: 'This Idempotency-Key was already used with a different request.',
  },
  ALREADY_CREATED: {
    fa: 'این درخواست با همین کلید یکتایی (Idempotency-Key) قبلاً انجام شده است. رمز یا کلیدی که یک بار نشان داده شد دوباره نشان داده نمی‌شود.',
    en: 'This request was already carried out with this Idempotency-Key. A secret shown once is not shown again.',
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
    fa: (d) =>
      d.level === 'applicant'
        ? `اعتبار متقاضی برای هزینهٔ نمایندگی کافی نیست؛ ${toPersianDigits(shortBy(d) ?? '0')} ریال کم دارد. اگر فیش واریزی اعلام کرده است، نخست آن را تأیید کنید.`
        : d.level === 'self' || !d.level ? `اعتبار حساب شما کافی نیست${shortBy(d) ? `؛ ${toPersianDigits(shortBy(d)!)} ریال کم دارید.` : '.'}` : 'اعتبار نمایندگی شما کافی نیست؛ با نمایندهٔ خود تماس بگیرید.',
    en: (d) =>
      d.level === 'applicant'
        ? `The applicant's credit does not cover the agency fee; ${shortBy(d) ?? '0'} rials short. If they declared a bank deposit, approve it first.`
        : d.level === 'self' || !d.level ? `Your credit is not enough${shortBy(d) ? `; ${shortBy(d)} rials short.` : '.'}` : 'Your agency is out of credit; contact your agency.',
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
  LINE_EXPIRED: {
    fa: (d) => (d.level === 'ancestor'
      ? `خط ${toPersianDigits(String(d.from ?? ''))} به‌دلیل تمدیدنشدن از سوی نمایندهٔ شما موقتاً غیرفعال است؛ با نمایندهٔ خود تماس بگیرید.`
      : `مهلت تمدید خط ${toPersianDigits(String(d.from ?? ''))} گذشته و ارسال از آن متوقف شده است؛ برای ادامه، خط را تمدید کنید.`),
    en: (d) => (d.level === 'ancestor'
      ? `Line ${String(d.from ?? '')} is suspended because your agency has not renewed it; contact your agency.`
      : `Line ${String(d.from ?? '')} has not been renewed and its grace period is over; renew it to send again.`),
  },
  LINE_NOT_RENEWABLE: {
    fa: (d) => (d.reason === 'not_due' ? 'این خط هنوز به موعد تمدید نرسیده است (تمدید از ۳۰ روز پیش از سررسید ممکن است).' : 'این خط هزینهٔ تمدید ندارد.'),
    en: (d) => (d.reason === 'not_due' ? 'This line is not due for renewal yet (renewal opens 30 days before it ends).' : 'This line has no renewal.'),
  },
  NO_LINE: { fa: 'هیچ خط ارسالی برای حساب شما تعریف نشده است.', en: 'Your account has no sending line.' },
  LINE_NUMBER_TAKEN: { fa: 'این شمارهٔ خط قبلاً ثبت شده است.', en: 'That line number already exists.' },
  TICKET_CLOSED: { fa: 'این تیکت بسته شده است.', en: 'This ticket is closed.' },
  TICKET_NOT_FORWARDABLE: {
    fa: 'این تیکت را نمی‌توانید ارجاع دهید؛ فقط پاسخ‌دهندهٔ فعلی آن را به بالادستی خود ارجاع می‌دهد.',
    en: 'You cannot forward this ticket; only its current handler forwards it, to its own parent.',
  },
  ATTACHMENT_TOO_LARGE: {
    fa: (d) => `حجم هر پیوست حداکثر ${toPersianDigits(Math.round(Number(d.maxBytes ?? 5242880) / 1048576))} مگابایت است${d.filename ? ` (${String(d.filename)})` : ''}.`,
    en: (d) => `Each attachment may be at most ${Math.round(Number(d.maxBytes ?? 5242880) / 1048576)} MB${d.filename ? ` (${String(d.filename)})` : ''}.`,
  },
  ATTACHMENT_TYPE_NOT_ALLOWED: {
    fa: (d) => `نوع پیوست${d.filename ? ` ${String(d.filename)}` : ''} مجاز نیست؛ فقط PNG، JPEG، PDF و متن ساده.`,
    en: (d) => `Attachment${d.filename ? ` ${String(d.filename)}` : ''} is not an allowed type; only PNG, JPEG, PDF and plain text.`,
  },
  TOO_MANY_ATTACHMENTS: {
    fa: (d) => `حداکثر ${toPersianDigits(Number(d.max ?? 5))} پیوست در هر پیام مجاز است.`,
    en: (d) => `At most ${Number(d.max ?? 5)} attachments per message.`,
  },
  AMOUNT_EXCEEDS_BALANCE: { fa: 'این حساب این مقدار اعتبار استفاده‌نشده ندارد.', en: 'The account does not have that much unused credit.' },
  CREDIT_LIMIT_BELOW_DEBT: { fa: 'بدهی فعلی حساب از این سقف اعتبار بیشتر است.', en: 'The account already owes more than this credit limit.' },
  CREDIT_LIMIT_UNBACKED: {
    fa: (d) => `سقف اعتباری که به زیرمجموعه می‌دهید به همان اندازه از موجودی خودتان کنار گذاشته می‌شود و موجودی شما کافی نیست${rials(d.needed) ? ` (لازم: ${toPersianDigits(rials(d.needed)!)} ریال، قابل استفاده: ${toPersianDigits(rials(d.available) ?? '۰')} ریال)` : ''}.`,
    en: (d) => `A credit limit you grant sets the same amount of your own balance aside, and your balance is not enough${rials(d.needed) ? ` (needed ${rials(d.needed)} rials, available ${rials(d.available) ?? '0'} rials)` : ''}.`,
  },
  PRICE_ABOVE_CEILING: {
    fa: (d) => `قیمت هر بخش${d.cell ? ` (${String(d.cell)})` : ''} از سقف مجاز سامانه بیشتر است${rials(d.ceiling) ? `؛ سقف: ${toPersianDigits(rials(d.ceiling)!)} ریال` : ''}.`,
    en: (d) => `The price per part${d.cell ? ` (${String(d.cell)})` : ''} is above the platform's ceiling${rials(d.ceiling) ? ` of ${rials(d.ceiling)} rials` : ''}.`,
  },
  SMPP_LIMIT_ABOVE_PARENT: {
    fa: (d) => `${({ tps: 'سرعت (پیام در ثانیه)', window: 'پنجره', maxBinds: 'تعداد اتصال' } as Record<string, string>)[String(d.field)] ?? 'محدودیت SMPP'} بیش از محدودیت خود شماست${d.max !== undefined ? `؛ حداکثر: ${toPersianDigits(String(d.max))}` : ''}.`,
    en: (d) => `The ${({ tps: 'throughput (messages a second)', window: 'window', maxBinds: 'number of binds' } as Record<string, string>)[String(d.field)] ?? 'SMPP limit'} is above your own limit${d.max !== undefined ? ` of ${String(d.max)}` : ''}.`,
  },
  GROUP_IN_USE: { fa: 'این گروه پیش‌فرض است یا کاربر دارد و حذف نمی‌شود.', en: 'This group is the default or still has members; it cannot be deleted.' },
  INVALID_IBAN: { fa: 'شمارهٔ شبا معتبر نیست (IR و ۲۴ رقم).', en: 'Not a valid IBAN (IR followed by 24 digits).' },
  INVALID_CARD_NUMBER: { fa: 'شمارهٔ کارت معتبر نیست.', en: 'Not a valid card number.' },
  RECEIPT_NOT_ALLOWED: {
    fa: (d) => `تصویر فیش باید JPEG، PNG یا PDF و حداکثر ${toPersianDigits(Math.round(Number(d.maxBytes ?? 5242880) / 1048576))} مگابایت باشد.`,
    en: (d) => `The receipt must be a JPEG, PNG or PDF of at most ${Math.round(Number(d.maxBytes ?? 5242880) / 1048576)} MB.`,
  },
  GATEWAY_UNAVAILABLE: { fa: 'درگاه پرداخت در دسترس نیست؛ کمی بعد دوباره تلاش کنید.', en: 'The payment gateway is unavailable; please try again shortly.' },
  URL_NOT_ALLOWED: {
    fa: (d) => urlRefusal.fa[String(d.reason)] ?? urlRefusal.fa.address,
    en: (d) => urlRefusal.en[String(d.reason)] ?? urlRefusal.en.address,
  },
  SANDBOX_GATEWAY_REFUSED: {
    fa: 'درگاه آزمایشی در محیط عملیاتی پذیرفته نمی‌شود و پولی با آن جابه‌جا نمی‌شود؛ درگاه واقعی را به کار ببرید.',
    en: 'The sandbox gateway is refused in production (it moves no money); use a real payment gateway.',
  },
  ACCOUNT_LOCKED: {
    fa: (d) => `به دلیل تلاش‌های ناموفق، ورود تا ${toPersianDigits(Number(d.minutes ?? 15))} دقیقهٔ دیگر ممکن نیست.`,
    en: (d) => `Too many failed attempts; try again in ${Number(d.minutes ?? 15)} minutes.`,
  },
  TOO_MANY_REQUESTS: {
    fa: (d) => `درخواست‌ها زیاد است؛ ${toPersianDigits(Number(d.retryAfterSeconds ?? 60))} ثانیه دیگر دوباره تلاش کنید.`,
    en: (d) => `Too many requests; try again in ${Number(d.retryAfterSeconds ?? 60)} seconds.`,
  },
  TOO_MANY_STREAMS: {
    fa: (d) => `بیش از ${toPersianDigits(Number(d.limit ?? 5))} نمایش زندهٔ هم‌زمان برای این حساب باز است؛ یکی را ببندید و دوباره تلاش کنید.`,
    en: (d) => `This account already has ${Number(d.limit ?? 5)} live progress streams open; close one and try again.`,
  },
  CALLBACK_TOKEN_IN_URL: {
    fa: 'توکن فراخوان نباید در نشانی (URL) بیاید؛ آن را در سرآیند X-Chapar-Callback-Token بفرستید یا مسیر امضاشدهٔ اتصال را به کار ببرید.',
    en: 'The callback token must not be in the URL; send it in the X-Chapar-Callback-Token header or use the connector\'s signed path.',
  },
  TOO_MANY_ATTEMPTS: {
    fa: (d) => `تلاش‌های ناموفق برای این حساب از این نشانی زیاد بوده است؛ ${toPersianDigits(Number(d.retryAfterSeconds ?? 60))} ثانیه دیگر دوباره تلاش کنید.`,
    en: (d) => `Too many failed attempts for this account from your address; try again in ${Number(d.retryAfterSeconds ?? 60)} seconds.`,
  },
  CAPTCHA_REQUIRED: { fa: 'برای ادامه، رقم‌های تصویر را وارد کنید.', en: 'To continue, type the digits in the image.' },
  CAPTCHA_INVALID: { fa: 'رقم‌های تصویر درست نبود یا تصویر منقضی شده است؛ تصویر تازه را وارد کنید.', en: 'The digits did not match or the image expired; type the digits in the new image.' },
  IMPERSONATION_NOT_ALLOWED: {
    fa: 'وقتی به جای کاربر وارد شده‌اید نمی‌توانید رمز عبور یا ورود دومرحله‌ای او را تغییر دهید؛ خود کاربر باید این کار را بکند.',
    en: 'While signed in as this user you cannot change its password or two-factor sign-in; the user must do it.',
  },
  POLICY_LOOSENING: {
    fa: (d) => `نمی‌توانید قواعد بالادستی را سست‌تر کنید؛ فقط سخت‌گیرانه‌تر کردن مجاز است${policyFields(d) ? ` (${policyFields(d)})` : ''}.`,
    en: (d) => `You may only tighten the rules set above you, not loosen them${policyFields(d) ? ` (${policyFields(d)})` : ''}.`,
  },
  OPT_OUT_FOOTER_MISSING: { fa: 'متن تبلیغاتی باید با «لغو۱۱» تمام شود.', en: 'Advertising text must end with «لغو۱۱» (the opt-out footer).' },
  OUTSIDE_SENDING_HOURS: {
    fa: (d) => `ارسال پیامک تبلیغاتی فقط از ساعت ${toPersianDigits(String(d.start ?? '08:00'))} تا ${toPersianDigits(String(d.end ?? '21:00'))} مجاز است.`,
    en: (d) => `Advertising may only be sent between ${String(d.start ?? '08:00')} and ${String(d.end ?? '21:00')} Tehran time.`,
  },
  CONTENT_FORBIDDEN_WORD: {
    fa: (d) => `متن پیام واژهٔ غیرمجاز «${String(d.word ?? '')}» را دارد.`,
    en: (d) => `The text contains the forbidden word «${String(d.word ?? '')}».`,
  },
  CONTENT_LINK_NOT_ALLOWED: {
    fa: (d) => `ارسال پیوند در متن پیام برای حساب شما مجاز نیست (${String(d.link ?? '')}).`,
    en: (d) => `Links are not allowed in your messages (${String(d.link ?? '')}).`,
  },
  CONTENT_CARD_NUMBER: {
    fa: (d) => `متن پیام شمارهٔ کارت بانکی دارد (${toPersianDigits(String(d.card ?? ''))}) و ارسال آن مجاز نیست.`,
    en: (d) => `The text contains a bank card number (${String(d.card ?? '')}), which is not allowed.`,
  },
  RECIPIENTS_BLACKLISTED: {
    fa: (d) => `${toPersianDigits(Number(d.count ?? 0))} شماره در لیست سیاه هستند یا از دریافت پیامک تبلیغاتی انصراف داده‌اند؛ گیرندهٔ دیگری نمانده است.`,
    en: (d) => `${Number(d.count ?? 0)} numbers are blacklisted or opted out; no recipient is left.`,
  },
  KYC_REQUIRED: {
    fa: 'تا پیش از تأیید احراز هویت، فقط به شمارهٔ موبایل خودتان می‌توانید پیامک بفرستید.',
    en: 'Until your identity (KYC) is approved you may only send to your own mobile number.',
  },
  INVALID_NATIONAL_CODE: { fa: 'کد ملی معتبر نیست (۱۰ رقم با رقم کنترل درست).', en: 'Not a valid national code (10 digits with a correct check digit).' },
  INVALID_NATIONAL_ID: { fa: 'شناسهٔ ملی شرکت معتبر نیست (۱۱ رقم با رقم کنترل درست).', en: 'Not a valid company national ID (11 digits with a correct check digit).' },
  INVALID_BIRTH_DATE: { fa: 'تاریخ تولد معتبر نیست (نمونه: ۱۳۷۰/۰۵/۱۲).', en: 'Not a valid birth date (e.g. 1370/05/12 or 1991-08-03).' },
  KYC_INCOMPLETE: {
    fa: (d) => `اطلاعات احراز هویت کامل نیست${Array.isArray(d.missing) && d.missing.length ? `: ${(d.missing as string[]).join('، ')}` : '.'}`,
    en: (d) => `Your identity details are incomplete${Array.isArray(d.missing) && d.missing.length ? `: ${(d.missing as string[]).join(', ')}` : '.'}`,
  },
  KYC_NOT_EDITABLE: { fa: 'مدارک احراز هویت شما در حال بررسی یا تأییدشده است و تغییر نمی‌کند.', en: 'Your identity details are under review or approved and cannot be changed.' },
  KYC_NOT_SUBMITTED: { fa: 'این درخواست احراز هویت در انتظار بررسی نیست.', en: 'This identity check is not waiting for review.' },
  KYC_DOCUMENT_NOT_ALLOWED: {
    fa: (d) => `مدرک باید تصویر JPEG یا PNG یا فایل PDF و حداکثر ${toPersianDigits(Math.round(Number(d.maxBytes ?? 5242880) / 1048576))} مگابایت باشد.`,
    en: (d) => `A document must be a JPEG, PNG or PDF of at most ${Math.round(Number(d.maxBytes ?? 5242880) / 1048576)} MB.`,
  },
  MODERATION_ALREADY_DECIDED: { fa: 'دربارهٔ این ارسال قبلاً تصمیم گرفته شده است.', en: 'This send has already been decided.' },
  MODERATION_NEEDS_PLATFORM: {
    fa: 'این متن به قواعد محتوای سامانه برخورده است و فقط سامانه می‌تواند تأییدش کند؛ شما می‌توانید آن را رد کنید.',
    en: 'This text matches the platform\'s content rules: only the platform can approve it (you may reject it).',
  },
  APPLICATION_STATE: {
    fa: (d) => `این کار در وضعیت فعلی درخواست («${applicationStatus.fa[String(d.status)] ?? String(d.status ?? '')}») ممکن نیست.`,
    en: (d) => `This step is not possible while the application is ${applicationStatus.en[String(d.status)] ?? String(d.status ?? 'in its current state')}.`,
  },
  APPLICATION_INCOMPLETE: {
    fa: (d) => `درخواست کامل نیست؛ این‌ها را پر کنید: ${applicationFields(d, 'fa').join('، ')}.`,
    en: (d) => `The application is incomplete; fill in: ${applicationFields(d, 'en').join(', ')}.`,
  },
  AGENCY_ADMIN_SUSPENDED: {
    fa: 'اعتبار نمایندگی به پایان رسیده و مهلت تمدید هم گذشته است؛ تا تمدید، ساختن کاربر و تغییر تنظیمات ممکن نیست. کاربران همچنان پیامک می‌فرستند.',
    en: 'The agency’s term has ended and its grace period is over: creating users and changing settings are suspended until it is renewed. Its users can still send.',
  },
  PERMISSION_DENIED: {
    fa: (d) => `بستهٔ دسترسی شما اجازهٔ این کار را نمی‌دهد (${String(d.permission ?? '')}).`,
    en: (d) => `Your access package does not allow this (${String(d.permission ?? '')}).`,
  },
  SUBACCOUNT_LIMIT: {
    fa: (d) => `سقف زیرحساب‌های بستهٔ شما (${toPersianDigits(Number(d.max ?? 0))}) پر شده است.`,
    en: (d) => `Your package allows at most ${Number(d.max ?? 0)} sub-accounts.`,
  },
  DOMAIN_TAKEN: { fa: 'این دامنه قبلاً ثبت شده است.', en: 'That domain is already registered.' },
  INVALID_DOMAIN: { fa: 'نام دامنه معتبر نیست (نمونه: sms.example.ir).', en: 'Not a valid domain name (e.g. sms.example.com).' },
  ASSET_NOT_ALLOWED: {
    fa: (d) => `فایل پذیرفته نیست؛ فقط PNG، JPEG، WebP یا ICO تا ${toPersianDigits(Math.round(Number(d.maxBytes ?? 0) / 1024))} کیلوبایت.`,
    en: (d) => `File not accepted: only PNG, JPEG, WebP or ICO up to ${Math.round(Number(d.maxBytes ?? 0) / 1024)} KB.`,
  },
  IMPORT_FILE_INVALID: {
    fa: (d) => (d.reason === 'too_large' ? `حجم فایل بیش از ${toPersianDigits(Math.round(Number(d.maxBytes ?? 0) / 1048576))} مگابایت است.` : d.reason === 'empty' ? 'فایل خالی است.' : d.reason === 'zip_sizes' ? 'فایل اکسل معتبر نیست: اندازه‌هایی که فایل فشرده برای محتوایش نوشته با خود محتوا نمی‌خواند.' : 'فایل خوانده نشد؛ فقط CSV یا XLSX (اکسل) پذیرفته می‌شود.'),
    en: (d) => (d.reason === 'too_large' ? `The file is larger than ${Math.round(Number(d.maxBytes ?? 0) / 1048576)} MB.` : d.reason === 'empty' ? 'The file is empty.' : d.reason === 'zip_sizes' ? 'Not a valid Excel file: the sizes its zip records do not match its contents.' : 'The file could not be read; only CSV or XLSX (Excel) files are accepted.'),
  },
  IMPORT_FILE_TOO_LARGE: {
    fa: (d) => {
      const n = toPersianDigits(Number(d.max ?? 0).toLocaleString('en'));
      const mb = toPersianDigits(Math.round(Number(d.max ?? 0) / 1048576));
      if (d.limit === 'bytes') return `حجم فایل بیش از ${mb} مگابایت است.`;
      if (d.limit === 'uncompressed_bytes') return `محتوای این فایل اکسل پس از بازشدن بیش از ${mb} مگابایت می‌شود.`;
      if (d.limit === 'rows') return `فایل ردیفی با شمارهٔ بیش از ${n} دارد؛ یک برگهٔ اکسل بیش از این ردیف ندارد.`;
      if (d.limit === 'columns') return `ردیفی از فایل بیش از ${n} ستون دارد.`;
      if (d.limit === 'cell_chars') return `خانه‌ای از فایل بیش از ${n} نویسه دارد.`;
      return `فایل بیش از ${n} خانه دارد؛ آن را در چند فایل کوچک‌تر بارگذاری کنید.`;
    },
    en: (d) => {
      const n = Number(d.max ?? 0).toLocaleString('en');
      const mb = Math.round(Number(d.max ?? 0) / 1048576);
      if (d.limit === 'bytes') return `The file is larger than ${mb} MB.`;
      if (d.limit === 'uncompressed_bytes') return `This Excel file unpacks to more than ${mb} MB.`;
      if (d.limit === 'rows') return `The file has a row numbered beyond ${n}, the last row an Excel sheet can have.`;
      if (d.limit === 'columns') return `A row of the file has more than ${n} columns.`;
      if (d.limit === 'cell_chars') return `A cell of the file has more than ${n} characters.`;
      return `The file has more than ${n} cells; upload it as several smaller files.`;
    },
  },
  BODY_TOO_LARGE: {
    fa: (d) => `حجم درخواست بیش از ${toPersianDigits(sizeOf(d.maxBytes, 'fa'))} است${d.maxRecipients ? `؛ هر ارسال حداکثر ${toPersianDigits(Number(d.maxRecipients).toLocaleString('en'))} گیرنده دارد` : ''}.`,
    en: (d) => `The request body is larger than ${sizeOf(d.maxBytes, 'en')}${d.maxRecipients ? `; a send takes at most ${Number(d.maxRecipients).toLocaleString('en')} recipients` : ''}.`,
  },
  FIELD_KEY_TAKEN: { fa: 'فیلدی با این کلید از قبل وجود دارد.', en: 'A field with this key already exists.' },
  GROUP_NAME_TAKEN: { fa: 'گروهی با این نام از قبل در دفترچه تلفن شما هست.', en: 'Your phonebook already has a group with this name.' },
  PATTERN_INVALID: {
    fa: (d) => `الگو معتبر نیست${d.variable ? ` (متغیر %${String(d.variable)}%)` : ''}: ${String(d.reason ?? '')}`,
    en: (d) => `The pattern is not valid${d.variable ? ` (variable %${String(d.variable)}%)` : ''}: ${String(d.reason ?? '')}`,
  },
  PATTERN_NOT_APPROVED: {
    fa: (d) => (d.status === 'rejected' ? 'این الگو رد شده است و با آن نمی‌توان پیامک فرستاد.' : 'این الگو هنوز تأیید نشده است؛ پس از تأیید سامانه می‌توانید با آن پیامک بفرستید.'),
    en: (d) => (d.status === 'rejected' ? 'This pattern was rejected; it cannot be used to send.' : 'This pattern is not approved yet; you can send with it once the platform approves it.'),
  },
  PATTERN_NOT_EDITABLE: { fa: 'الگوی تأییدشده تغییر نمی‌کند؛ الگوی تازه‌ای بسازید.', en: 'An approved pattern cannot be changed; create a new one.' },
  PATTERN_PARAM_INVALID: {
    fa: (d) => {
      const p = `«${String(d.param ?? '')}»`;
      const why = { missing: 'داده نشده است', unexpected: 'در الگو نیست', type: d.type === 'number' ? 'باید فقط رقم باشد' : d.type === 'date' ? 'باید تاریخ باشد' : 'نوعش درست نیست', too_long: `بیش از ${toPersianDigits(Number(d.maxLength ?? 0))} نویسه است`, empty: 'خالی است' }[String(d.reason)] ?? 'معتبر نیست';
      return `مقدار متغیر ${p} ${why}.`;
    },
    en: (d) => {
      const p = `"${String(d.param ?? '')}"`;
      const why = { missing: 'is missing', unexpected: 'is not a variable of this pattern', type: `must be a ${String(d.type ?? 'valid value')}`, too_long: `is longer than ${Number(d.maxLength ?? 0)} characters`, empty: 'is empty' }[String(d.reason)] ?? 'is not valid';
      return `Parameter ${p} ${why}.`;
    },
  },
  NOT_READY: { fa: 'سامانه در حال راه‌اندازی است؛ چند ثانیه دیگر دوباره بفرستید.', en: 'Chapar is starting; try again in a few seconds.' },
  INTERNAL: { fa: 'خطای داخلی رخ داد؛ دوباره تلاش کنید.', en: 'Something went wrong on our side; please try again.' },
};
