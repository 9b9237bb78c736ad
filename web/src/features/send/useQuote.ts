// The quote beside the send form: asked again ~400 ms after the last keystroke; an answer that
// arrives after a newer question is dropped.
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import type { MessageClass, Quote } from './types.ts';

export type QuoteInput = { to: string[]; text: string; class: MessageClass; from?: string };

export function useQuote(input: QuoteInput | null) {
  return useDebouncedQuote<Quote>('/api/v1/messages/quote', input);
}

/** Any quote endpoint: the send page's and the campaign page's ask the same way. */
export function useDebouncedQuote<Q>(url: string, input: object | null) {
  const [quote, setQuote] = useState<Q | null>(null);
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
        .post<Q>(url, JSON.parse(key))
        .then((q) => n === seq.current && (setQuote(q), setError(null)))
        .catch((err) => n === seq.current && (setQuote(null), setError(err)))
        .finally(() => n === seq.current && setLoading(false));
    }, 400);
    return () => clearTimeout(timer);
  }, [url, key]);

  return { quote, error, loading };
}
