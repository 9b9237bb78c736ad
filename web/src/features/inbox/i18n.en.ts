import type { inboxFa } from './i18n.fa.ts';

export const inboxEn: { readonly [K in keyof typeof inboxFa]: string } = {
  'inbox.nav': 'Inbox',
  'inbox.title': 'Inbox',
  'inbox.search': 'Search text or number',
  'inbox.empty': 'No messages received.',
  'inbox.colTime': 'Received',
  'inbox.colFrom': 'From',
  'inbox.colTo': 'Line',
  'inbox.colText': 'Text',
  'inbox.colParts': 'Parts',
  'inbox.simTitle': 'Simulate an inbound SMS',
  'inbox.simIntro': 'In demo mode, a handset texts one of the lines through the simulator SMSC.',
  'inbox.simFrom': 'Sender number',
  'inbox.simTo': 'Receiving line',
  'inbox.simText': 'Text',
  'inbox.simSend': 'Send from the handset',
  'inbox.simSent': 'Handed to the simulator; it shows up in the inbox in a moment.',
} as const;
