// The campaign's quote, asked again ~400 ms after the last change; a late answer to an older
// question is dropped.
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import type { MessageClass, Quote } from '../send/types.ts';

export type CampaignFilter = { field: string; op: 'eq' | 'contains' | 'gt' | 'lt' | 'before' | 'after'; value: string | number };
export type CampaignInput = { groupIds: string[]; tags?: string[]; filters?: CampaignFilter[]; text: string; personalised: boolean; class: MessageClass; from?: string };
export type CampaignQuote = Quote & { recipients: number };

export function useCampaignQuote(input: CampaignInput | null) {
  const [quote, setQuote] = useState<CampaignQuote | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const key = input ? JSON.stringify(input) : '';

  useEffect(() => {
    const n = ++seq.current;
    if (!key) {
      setQuote(null);
      setError(null);
      setLoading(false);
      return;
    }
    setLoading(true);
    const timer = setTimeout(() => {
      api
        .post<CampaignQuote>('/api/v1/campaigns/quote', JSON.parse(key))
        .then((q) => n === seq.current && (setQuote(q), setError(null)))
        .catch((err) => n === seq.current && (setQuote(null), setError(err)))
        .finally(() => n === seq.current && setLoading(false));
    }, 400);
    return () => clearTimeout(timer);
  }, [key]);

  return { quote, error, loading };
}
