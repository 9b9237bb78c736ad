// The campaign's quote: the send page's debounced quote, on the campaign endpoint.
import { useDebouncedQuote } from '../send/useQuote.ts';
import type { MessageClass, Quote } from '../send/types.ts';

export type CampaignFilter = { field: string; op: 'eq' | 'contains' | 'gt' | 'lt' | 'before' | 'after'; value: string | number };
export type CampaignInput = { groupIds: string[]; tags?: string[]; filters?: CampaignFilter[]; text: string; personalised: boolean; class: MessageClass; from?: string };
export type CampaignQuote = Quote & { recipients: number };

export function useCampaignQuote(input: CampaignInput | null) {
  return useDebouncedQuote<CampaignQuote>('/api/v1/campaigns/quote', input);
}
