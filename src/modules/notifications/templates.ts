// Alert wording per brand and language: built-in Persian and English defaults, which a brand may
// override (rows in notification_templates). {{name}} placeholders; unknown names render empty.
import type { Lang } from '../../lib/i18n.ts';

export const templateKinds = [
  'ticket.created', 'ticket.replied', 'ticket.forwarded',
  'agency.welcome', 'agency.password_reset', 'agency.renewal_reminder', 'agency.low_credit', 'agency.application',
  'line.renewal_reminder',
] as const;
export type TemplateKind = (typeof templateKinds)[number];

export type Template = { subject: string; body: string; sms: string };

/** A value is one string, or one per language (a priority's label, say). */
export type TemplateVars = Record<string, string | { fa: string; en: string }>;

export const templateVariables = ['ticketId', 'subject', 'brandName', 'priority', 'category', 'author', 'excerpt', 'status'] as const;

/** The agency kinds' own placeholders (every kind also has {{brandName}}, {{supportPhone}}, {{signature}}). */
export const agencyVariables = {
  'agency.welcome': ['name', 'username', 'password', 'loginUrl', 'validUntil'],
  'agency.password_reset': ['name', 'username', 'password', 'loginUrl'],
  'agency.renewal_reminder': ['name', 'username', 'validUntil', 'days', 'fee'],
  'agency.low_credit': ['name', 'username', 'balance'],
  'agency.application': ['name', 'applicationId', 'status', 'reason', 'fee'],
  'line.renewal_reminder': ['name', 'username', 'number', 'paidUntil', 'days', 'price'],
} as const;

const commonVariables = ['brandName', 'supportPhone', 'signature'];

/** The placeholders a kind fills. */
export function variablesOf(kind: TemplateKind): string[] {
  if (kind in agencyVariables) return [...commonVariables, ...agencyVariables[kind as keyof typeof agencyVariables]];
  return [...templateVariables];
}

const agencyDefaults: Record<keyof typeof agencyVariables, Record<Lang, Template>> = {
  'agency.welcome': {
    fa: {
      subject: 'به {{brandName}} خوش آمدید',
      body: '{{name}} گرامی، حساب شما در {{brandName}} ساخته شد.\n\nنام کاربری: {{username}}\nرمز عبور: {{password}}\nنشانی ورود: {{loginUrl}}\n\nپس از نخستین ورود رمز خود را تغییر دهید.\n{{signature}}',
      sms: '{{brandName}}\nبه پنل خوش آمدید.\nنام کاربری: {{username}}\nرمز: {{password}}\n{{loginUrl}}',
    },
    en: {
      subject: 'Welcome to {{brandName}}',
      body: 'Dear {{name}}, your {{brandName}} account is ready.\n\nUsername: {{username}}\nPassword: {{password}}\nSign in at: {{loginUrl}}\n\nPlease change your password after signing in.\n{{signature}}',
      sms: '{{brandName}}\nWelcome.\nUsername: {{username}}\nPassword: {{password}}\n{{loginUrl}}',
    },
  },
  'agency.password_reset': {
    fa: {
      subject: 'رمز تازهٔ شما در {{brandName}}',
      body: '{{name}} گرامی، رمز عبور حساب {{username}} بازنشانی شد.\n\nرمز تازه: {{password}}\nنشانی ورود: {{loginUrl}}\n{{signature}}',
      sms: '{{brandName}}\nرمز تازهٔ {{username}}: {{password}}',
    },
    en: {
      subject: 'Your new {{brandName}} password',
      body: 'Dear {{name}}, the password of {{username}} was reset.\n\nNew password: {{password}}\nSign in at: {{loginUrl}}\n{{signature}}',
      sms: '{{brandName}}\nNew password for {{username}}: {{password}}',
    },
  },
  'agency.renewal_reminder': {
    fa: {
      subject: 'اعتبار پنل شما {{days}} روز دیگر پایان می‌یابد',
      body: '{{name}} گرامی، اعتبار پنل {{username}} در تاریخ {{validUntil}} پایان می‌یابد. هزینهٔ تمدید: {{fee}} ریال.\n{{signature}}',
      sms: '{{brandName}}: اعتبار پنل شما {{days}} روز دیگر ({{validUntil}}) پایان می‌یابد. هزینهٔ تمدید {{fee}} ریال.',
    },
    en: {
      subject: 'Your panel expires in {{days}} days',
      body: 'Dear {{name}}, the panel of {{username}} expires on {{validUntil}}. Renewal costs {{fee}} rials.\n{{signature}}',
      sms: '{{brandName}}: your panel expires in {{days}} days ({{validUntil}}). Renewal: {{fee}} rials.',
    },
  },
  'agency.low_credit': {
    fa: {
      subject: 'اعتبار حساب شما رو به پایان است',
      body: '{{name}} گرامی، اعتبار حساب {{username}} به {{balance}} ریال رسیده است؛ لطفاً حساب خود را شارژ کنید.\n{{signature}}',
      sms: '{{brandName}}: اعتبار شما {{balance}} ریال است؛ لطفاً شارژ کنید.',
    },
    en: {
      subject: 'Your credit is running low',
      body: 'Dear {{name}}, the credit of {{username}} is down to {{balance}} rials; please top up.\n{{signature}}',
      sms: '{{brandName}}: your credit is {{balance}} rials; please top up.',
    },
  },
  'agency.application': {
    fa: {
      subject: 'درخواست نمایندگی {{applicationId}}: {{status}}',
      body: '{{name}} گرامی، وضعیت درخواست نمایندگی شما ({{applicationId}}) اکنون «{{status}}» است.\n{{reason}}\n{{fee}}\n{{signature}}',
      sms: '{{brandName}}: درخواست نمایندگی {{applicationId}}: {{status}}. {{reason}}',
    },
    en: {
      subject: 'Agency application {{applicationId}}: {{status}}',
      body: 'Dear {{name}}, your agency application ({{applicationId}}) is now "{{status}}".\n{{reason}}\n{{fee}}\n{{signature}}',
      sms: '{{brandName}}: agency application {{applicationId}}: {{status}}. {{reason}}',
    },
  },
  'line.renewal_reminder': {
    fa: {
      subject: 'خط {{number}} {{days}} روز دیگر نیاز به تمدید دارد',
      body: '{{name}} گرامی، مهلت اجارهٔ خط {{number}} در تاریخ {{paidUntil}} پایان می‌یابد. هزینهٔ تمدید سالانه: {{price}} ریال. اگر اعتبار کافی داشته باشید، خط در سررسید خودکار تمدید می‌شود؛ وگرنه پس از مهلت ارفاق، ارسال از آن متوقف می‌شود.\n{{signature}}',
      sms: '{{brandName}}: خط {{number}} {{days}} روز دیگر ({{paidUntil}}) سررسید تمدید است. هزینه {{price}} ریال؛ با اعتبار کافی خودکار تمدید می‌شود.',
    },
    en: {
      subject: 'Line {{number}} is due for renewal in {{days}} days',
      body: 'Dear {{name}}, line {{number}} is paid until {{paidUntil}}. The yearly renewal is {{price}} rials. With enough credit it renews automatically on that day; otherwise sending from it stops after the grace period.\n{{signature}}',
      sms: '{{brandName}}: line {{number}} is due for renewal in {{days}} days ({{paidUntil}}): {{price}} rials, taken from your credit automatically.',
    },
  },
};
export const defaultTemplates = {
  'ticket.created': {
    fa: {
      subject: '[{{brandName}}] تیکت تازه {{ticketId}}: {{subject}}',
      body: 'یک تیکت پشتیبانی تازه منتظر پاسخ شماست.\n\nتیکت: {{ticketId}}\nاز: {{author}}\nاولویت: {{priority}}\nدسته: {{category}}\nموضوع: {{subject}}\n\n{{excerpt}}',
      sms: '{{brandName}}: تیکت تازه {{ticketId}} با اولویت {{priority}}: {{subject}}',
    },
    en: {
      subject: '[{{brandName}}] New ticket {{ticketId}}: {{subject}}',
      body: 'A new support ticket is waiting for you.\n\nTicket: {{ticketId}}\nFrom: {{author}}\nPriority: {{priority}}\nCategory: {{category}}\nSubject: {{subject}}\n\n{{excerpt}}',
      sms: '{{brandName}}: new {{priority}} ticket {{ticketId}}: {{subject}}',
    },
  },
  'ticket.replied': {
    fa: {
      subject: '[{{brandName}}] پاسخ تازه در تیکت {{ticketId}}: {{subject}}',
      body: '{{author}} در تیکت {{ticketId}} ({{subject}}) پاسخ داد:\n\n{{excerpt}}',
      sms: '{{brandName}}: پاسخ تازه در تیکت {{ticketId}}: {{subject}}',
    },
    en: {
      subject: '[{{brandName}}] New reply on ticket {{ticketId}}: {{subject}}',
      body: '{{author}} replied on ticket {{ticketId}} ({{subject}}):\n\n{{excerpt}}',
      sms: '{{brandName}}: new reply on ticket {{ticketId}}: {{subject}}',
    },
  },
  'ticket.forwarded': {
    fa: {
      subject: '[{{brandName}}] تیکت {{ticketId}} به شما ارجاع شد: {{subject}}',
      body: '{{author}} تیکت {{ticketId}} ({{subject}}، اولویت {{priority}}) را به شما ارجاع داد.\n\n{{excerpt}}',
      sms: '{{brandName}}: تیکت {{ticketId}} با اولویت {{priority}} به شما ارجاع شد: {{subject}}',
    },
    en: {
      subject: '[{{brandName}}] Ticket {{ticketId}} forwarded to you: {{subject}}',
      body: '{{author}} forwarded ticket {{ticketId}} ({{subject}}, {{priority}} priority) to you.\n\n{{excerpt}}',
      sms: '{{brandName}}: {{priority}} ticket {{ticketId}} forwarded to you: {{subject}}',
    },
  },
  ...agencyDefaults,
} as Record<TemplateKind, Record<Lang, Template>>;


const placeholder = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

export function renderText(text: string, vars: TemplateVars, lang: Lang): string {
  return text.replace(placeholder, (_m, name: string) => {
    const v = vars[name];
    if (v === undefined) return '';
    return typeof v === 'string' ? v : v[lang];
  });
}

export function renderTemplate(t: Template, vars: TemplateVars, lang: Lang): Template {
  return { subject: renderText(t.subject, vars, lang), body: renderText(t.body, vars, lang), sms: renderText(t.sms, vars, lang) };
}

/** Placeholders a brand wrote that we do not fill: a typo would otherwise vanish silently. */
export function unknownVariables(t: Template, kind?: TemplateKind): string[] {
  const known = new Set<string>(kind ? variablesOf(kind) : templateVariables);
  const found = [t.subject, t.body, t.sms].flatMap((s) => [...s.matchAll(placeholder)].map((m) => m[1]));
  return [...new Set(found.filter((n) => !known.has(n)))];
}
