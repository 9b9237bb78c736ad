// Alert wording per brand and language: built-in Persian and English defaults, which a brand may
// override (rows in notification_templates). {{name}} placeholders; unknown names render empty.
import type { Lang } from '../../lib/i18n.ts';

export const templateKinds = ['ticket.created', 'ticket.replied', 'ticket.forwarded'] as const;
export type TemplateKind = (typeof templateKinds)[number];

export type Template = { subject: string; body: string; sms: string };

/** A value is one string, or one per language (a priority's label, say). */
export type TemplateVars = Record<string, string | { fa: string; en: string }>;

export const templateVariables = ['ticketId', 'subject', 'brandName', 'priority', 'category', 'author', 'excerpt', 'status'] as const;

export const defaultTemplates: Record<TemplateKind, Record<Lang, Template>> = {
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
};

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
export function unknownVariables(t: Template): string[] {
  const known = new Set<string>(templateVariables);
  const found = [t.subject, t.body, t.sms].flatMap((s) => [...s.matchAll(placeholder)].map((m) => m[1]));
  return [...new Set(found.filter((n) => !known.has(n)))];
}
