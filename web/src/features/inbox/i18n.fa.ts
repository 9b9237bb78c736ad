// Strings of the inbox (Persian; the shape English must match).
export const inboxFa = {
  'inbox.nav': 'صندوق دریافت',
  'inbox.title': 'صندوق دریافت',
  'inbox.search': 'جستجو در متن یا شماره',
  'inbox.empty': 'پیامی دریافت نشده است.',
  'inbox.colTime': 'زمان دریافت',
  'inbox.colFrom': 'فرستنده',
  'inbox.colTo': 'خط',
  'inbox.colText': 'متن',
  'inbox.colParts': 'بخش',
  'inbox.simTitle': 'شبیه‌سازی پیامک دریافتی',
  'inbox.simIntro': 'در حالت نمایشی، یک گوشی از راه شبیه‌ساز SMSC به یکی از خط‌ها پیامک می‌فرستد.',
  'inbox.simFrom': 'شمارهٔ فرستنده',
  'inbox.simTo': 'خط گیرنده',
  'inbox.simText': 'متن',
  'inbox.simSend': 'ارسال از گوشی',
  'inbox.simSent': 'پیامک به شبیه‌ساز سپرده شد؛ چند لحظهٔ دیگر در صندوق دیده می‌شود.',
} as const;
