import { describe, expect, it } from 'vitest';
import { defaultTemplates, renderTemplate, templateKinds, templateVariables, unknownVariables } from './templates.ts';

describe('alert templates', () => {
  it('fill variables, per language where a value has two', () => {
    const out = renderTemplate(defaultTemplates['ticket.created'].fa, { ticketId: 'tkt_1', subject: 'خطا', brandName: 'پیامک‌نو', priority: { fa: 'فوری', en: 'urgent' } }, 'fa');
    expect(out.sms).toBe('پیامک‌نو: تیکت تازه tkt_1 با اولویت فوری: خطا');
    expect(renderTemplate({ subject: '{{ priority }}', body: '{{nothing}}x', sms: '' }, { priority: { fa: 'فوری', en: 'urgent' } }, 'en')).toEqual({ subject: 'urgent', body: 'x', sms: '' });
  });

  it('have a Persian and an English default for every kind, using only known variables', () => {
    // Ticket alerts here; the agency kinds (welcome, renewal …) are checked in agencies/validity.test.ts.
    for (const kind of templateKinds.filter((k) => k.startsWith('ticket.'))) {
      for (const lang of ['fa', 'en'] as const) {
        expect(unknownVariables(defaultTemplates[kind][lang], kind)).toEqual([]);
        expect(defaultTemplates[kind][lang].sms).toContain('{{ticketId}}');
      }
    }
    expect(unknownVariables({ subject: '{{ticketID}}', body: '{{subject}} {{foo}}', sms: '{{foo}}' })).toEqual(['ticketID', 'foo']);
    expect(templateVariables).toContain('brandName');
  });
});
