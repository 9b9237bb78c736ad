// What the message engine tells /metrics: messages per event counted once per committed slice
// (grouped by tier, connector and operator first), and the times a part waits for its answer and
// for its receipt. An account's tier (platform / agency / user) is its kind, read once a minute.
import type { Logger } from 'pino';
import type { MessageEvent, Metrics } from '../../lib/metrics.ts';
import type { AccountKind } from '../accounts/types.ts';

export type CountedMessage = { accountId: string; connectorId?: string | null; operator: string };

const TIER_TTL_MS = 60_000;
const MAX_TIERS = 50_000;
/** Parts whose submit time is kept for their receipt; past this many, later parts go unmeasured. */
const MAX_TIMED_PARTS = 50_000;
/** A part whose receipt has not come after this long is forgotten. */
const TIMED_PART_TTL_MS = 3_600_000;

export function createMessageMetrics(deps: { metrics: Metrics; kinds: (ids: readonly string[]) => Promise<Map<string, AccountKind>>; log: Logger }) {
  const { metrics } = deps;
  const tiers = new Map<string, { tier: string; at: number }>();

  function remember(accountId: string, tier: string, at: number) {
    if (tiers.size >= MAX_TIERS) tiers.clear();
    tiers.set(accountId, { tier, at });
  }

  async function countSlice(event: MessageEvent, rows: Iterable<CountedMessage>) {
    const byKey = new Map<string, number>();
    for (const r of rows) {
      const k = `${r.accountId}\u0000${r.connectorId ?? 'none'}\u0000${r.operator}`;
      byKey.set(k, (byKey.get(k) ?? 0) + 1);
    }
    if (!byKey.size) return;
    const now = Date.now();
    const accounts = new Set([...byKey.keys()].map((k) => k.slice(0, k.indexOf('\u0000'))));
    const stale = [...accounts].filter((id) => {
      const t = tiers.get(id);
      return !t || now - t.at > TIER_TTL_MS;
    });
    if (stale.length) {
      const kinds = await deps.kinds(stale);
      for (const id of stale) remember(id, kinds.get(id) ?? 'unknown', now);
    }
    for (const [k, n] of byKey) {
      const [accountId, connector, operator] = k.split('\u0000');
      metrics.messages.inc({ event, tier: tiers.get(accountId)?.tier ?? 'unknown', connector, operator }, n);
    }
  }

  // Submit times by connector and upstream id, oldest first (a Map keeps insertion order).
  const submitted = new Map<string, number>();
  const receiptChildren = new Map<string, { observe(v: number): void }>();
  const submitChildren = new Map<string, { observe(v: number): void }>();
  const child = (cache: Map<string, { observe(v: number): void }>, h: Metrics['receiptSeconds'], connector: string) => {
    let c = cache.get(connector);
    if (!c) cache.set(connector, (c = h.labels({ connector })));
    return c;
  };

  return {
    /** A committed slice of messages reached `event`; counted in the background, never failing the caller. */
    count(event: MessageEvent, rows: Iterable<CountedMessage>): void {
      void countSlice(event, rows).catch((err: unknown) => deps.log.warn({ err, event }, 'message metrics not counted'));
    },
    /** A send committed: its tier is the caller's kind, its counts per operator. */
    accepted(account: { id: string; kind: string }, perOperator: Record<string, { accepted: number; blacklisted: number }>): void {
      remember(account.id, account.kind, Date.now());
      for (const [operator, n] of Object.entries(perOperator)) {
        if (n.accepted) metrics.messages.inc({ event: 'accepted', tier: account.kind, connector: 'none', operator }, n.accepted);
        if (n.blacklisted) metrics.messages.inc({ event: 'blacklisted', tier: account.kind, connector: 'none', operator }, n.blacklisted);
      }
    },
    /** A message's parts were answered by the connector after `seconds`; accepted parts are timed to their receipts. */
    submitted(connectorId: string, seconds: number, upstreamIds: readonly string[], at: number): void {
      child(submitChildren, metrics.submitSeconds, connectorId).observe(seconds);
      for (const id of upstreamIds) {
        if (submitted.size >= MAX_TIMED_PARTS) {
          for (const [k, t] of submitted) {
            if (at - t < TIMED_PART_TTL_MS) break;
            submitted.delete(k);
          }
          if (submitted.size >= MAX_TIMED_PARTS) return;
        }
        submitted.set(`${connectorId}\u0000${id}`, at);
      }
    },
    /** A receipt for a part arrived at `at` (ms, the clock submitted() was given). */
    receipt(connectorId: string, upstreamId: string, at: number): void {
      const k = `${connectorId}\u0000${upstreamId}`;
      const t = submitted.get(k);
      if (t === undefined) return;
      submitted.delete(k);
      child(receiptChildren, metrics.receiptSeconds, connectorId).observe(Math.max(0, at - t) / 1000);
    },
    unmatchedReceipts(connectorId: string, n: number): void {
      metrics.unmatchedReceipts.inc({ connector: connectorId }, n);
    },
    /** A group commit of `sends` sends committed together. */
    groupCommitted(sends: number): void {
      metrics.groupSends.observe(sends);
    },
    groupFellBack(): void {
      metrics.groupFallbacks.inc();
    },
  };
}

export type MessageMetrics = ReturnType<typeof createMessageMetrics>;

/** Receives counts and times; does nothing (services built without /metrics, e.g. the CLI's). */
export const noMessageMetrics: MessageMetrics = {
  count: () => {},
  accepted: () => {},
  submitted: () => {},
  receipt: () => {},
  unmatchedReceipts: () => {},
  groupCommitted: () => {},
  groupFellBack: () => {},
};
