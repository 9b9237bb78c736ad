// Live counts of a send: GET /api/v1/messages/:id/events (server-sent events, the session cookie
// goes along). The server ends the stream when the send is finished; EventSource would reconnect
// to a finished stream forever, so it is closed here once the status is final.
import { useEffect, useState } from 'react';

export type Progress = { status: string; counts: Record<string, number>; total: number };
const FINAL = ['done', 'cancelled'];

export function useBatchProgress(batchId: string, enabled: boolean) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [live, setLive] = useState(false);

  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const es = new EventSource(`/api/v1/messages/${encodeURIComponent(batchId)}/events`);
    es.onopen = () => setLive(true);
    es.addEventListener('progress', (e) => {
      const p = JSON.parse((e as MessageEvent<string>).data) as Progress;
      setProgress(p);
      if (FINAL.includes(p.status)) {
        es.close();
        setLive(false);
      }
    });
    es.onerror = () => {
      setLive(false);
      if (es.readyState === EventSource.CLOSED) es.close();
    };
    return () => {
      es.close();
      setLive(false);
    };
  }, [batchId, enabled]);

  return { progress, live };
}
