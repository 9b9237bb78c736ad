// Which recipients of a send may not receive it: the operator blacklist (advertising only), the
// sender's and its agencies' own blacklists, opt-outs (advertising only) and the caller's extra
// numbers (phonebook flags).
//
// The operator list has millions of numbers; probing its index once per recipient made a
// 1M-recipient send spend ~10 s here. Each process keeps the list in memory instead, as a sorted
// Float64Array of E.164 digits (exact: they are below 2^53; 10M numbers = 80 MB), loaded once per
// list version. A trigger bumps `operator_blacklist_version` in the transaction of every change,
// and every check reads the version with the sender's list flags, so a process never uses a
// stale copy, whichever process or statement changed the list.
//
// A stale copy is reloaded only for a send big enough to pay for it (at least `memoryFrom`
// recipients and a tenth of the list); a smaller one meanwhile probes the table as before, so a
// long import (one version per 50 000-number statement) does not make every send reload the
// list. The process that imports reloads at the end of the import (refresh), before it answers.
import type { Db } from '../../db/driver.ts';
import { createSlicer } from '../../lib/turns.ts';
import { complianceRepo, type RecipientHit } from './repo.ts';

export const MEMORY_FROM = 20_000;
const LOAD_CHUNK = 1_000_000;
/** Probing the table for one recipient costs about as much as loading this many listed numbers. */
const PROBE_COST = 10;

export type CheckLists = {
  operatorList: boolean;
  /** the sender's own blacklist and those of the agencies above it */
  blacklistOwners: readonly string[];
  /** advertising: numbers opted out of this account's sends, or of anything sent on this line */
  optOuts: { account: string; lineId: string | null } | null;
  /** E.164 digits the caller blocks (phonebook contact flags) */
  extra: readonly string[];
};

type OperatorCopy = { version: string; numbers: Float64Array };

/** '989120000000,989120000002,…' → numbers, without a million-string split. */
function parseNumbers(text: string): Float64Array {
  if (!text) return new Float64Array(0);
  let count = 1;
  for (let i = text.indexOf(','); i >= 0; i = text.indexOf(',', i + 1)) count++;
  const out = new Float64Array(count);
  let k = 0;
  let acc = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 44) {
      out[k++] = acc;
      acc = 0;
    } else acc = acc * 10 + (c - 48);
  }
  out[k] = acc;
  return out;
}

/** The chunks end to end, sorted on the way if the database did not send them in order. */
function concatSorted(chunks: Float64Array[]): Float64Array {
  const out = new Float64Array(chunks.reduce((n, c) => n + c.length, 0));
  let k = 0;
  for (const c of chunks) {
    out.set(c, k);
    k += c.length;
  }
  for (let i = 1; i < out.length; i++) if (out[i] < out[i - 1]) return out.sort();
  return out;
}

function contains(sorted: Float64Array, n: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v === n) return true;
    if (v < n) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export function createRecipientCheck(opts: { memoryFrom?: number } = {}) {
  const memoryFrom = opts.memoryFrom ?? MEMORY_FROM;
  let copy: OperatorCopy | null = null;
  // Concurrent sends on PostgreSQL that find the copy stale share one load.
  let loading: { version: string; done: Promise<OperatorCopy> } | null = null;

  async function load(tx: Db, version: string): Promise<OperatorCopy> {
    const repo = complianceRepo(tx);
    const chunks: Float64Array[] = [];
    let after = 0;
    for (;;) {
      const { text, last } = await repo.operatorNumbersAfter(after, LOAD_CHUNK);
      if (last === null) break;
      const chunk = parseNumbers(text);
      chunks.push(chunk);
      after = last;
      if (chunk.length < LOAD_CHUNK) break;
    }
    // Labelled with the version read before loading: a change that commits meanwhile bumps it
    // again, and the next check reloads.
    return { version, numbers: concatSorted(chunks) };
  }

  async function operatorCopy(tx: Db, version: string): Promise<OperatorCopy> {
    if (copy?.version === version) return copy;
    if (loading?.version === version) {
      try {
        return await loading.done;
      } catch {
        // that send's transaction failed: load in this one
      }
    }
    const done = load(tx, version);
    loading = { version, done };
    try {
      const loaded = await done;
      if (!copy || Number(loaded.version) > Number(copy.version)) copy = loaded;
      return loaded;
    } finally {
      if (loading?.done === done) loading = null;
    }
  }

  /** Outside any transaction, after this process changed the list (an import): load the new
   * version now, so the next big send does not. Sends never wait for it (on PGlite a send's
   * transaction holds the only connection this load needs). */
  async function refresh(db: Db): Promise<void> {
    const { operatorVersion } = await complianceRepo(db).listState({ blacklistOwners: [], optOutAccount: null, lineId: null });
    if (copy?.version === operatorVersion) return;
    const loaded = await load(db, operatorVersion);
    if (!copy || Number(loaded.version) > Number(copy.version)) copy = loaded;
  }

  /** The blocked recipients of a send (e164: +98… or its digits). */
  async function blockedRecipients(tx: Db, recipients: readonly { e164: string }[], lists: CheckLists): Promise<RecipientHit[]> {
    const repo = complianceRepo(tx);
    const state = await repo.listState({ blacklistOwners: lists.blacklistOwners, optOutAccount: lists.optOuts?.account ?? null, lineId: lists.optOuts?.lineId ?? null });
    const big = recipients.length >= memoryFrom;
    // Reloading costs about a tenth of probing per number: worth it when the send is at least a
    // tenth of the list's last known size.
    const reload = big && recipients.length * PROBE_COST >= (copy?.numbers.length ?? 0);
    const inMemory = lists.operatorList && (copy?.version === state.operatorVersion || reload);
    const hits: RecipientHit[] = [];
    // '+989121234567' reads as the number 989121234567: no string per recipient
    // A million recipients: the loops below give other requests a turn between slices.
    const slicer = createSlicer();
    const numbers = new Float64Array(recipients.length);
    for (let i = 0; i < recipients.length; i++) {
      if (slicer.due()) await slicer.pause();
      numbers[i] = Number(recipients[i].e164) || 0;
    }

    const mark = async (has: (n: number) => boolean, kind: RecipientHit['kind']) => {
      for (let i = 0; i < numbers.length; i++) {
        if (slicer.due()) await slicer.pause();
        if (has(numbers[i])) hits.push({ index: i, kind });
      }
    };
    const markSet = async (listed: readonly string[], kind: RecipientHit['kind']) => {
      const set = new Set(listed.map(Number));
      if (set.size) await mark((n) => set.has(n), kind);
    };

    if (inMemory) {
      const sorted = (await operatorCopy(tx, state.operatorVersion)).numbers;
      if (sorted.length) await mark((n) => contains(sorted, n), 'blacklisted');
    }
    // A big send reads the sender's lists whole when they are smaller than the send; otherwise
    // (and for small sends) the table is probed once per recipient, in one query.
    let blacklistOwners: readonly string[] | null = state.blacklist ? lists.blacklistOwners : null;
    if (blacklistOwners && big) {
      const listed = await repo.blacklistNumbers(blacklistOwners, recipients.length);
      if (listed) {
        await markSet(listed, 'blacklisted');
        blacklistOwners = null;
      }
    }
    let optOuts = state.optOuts ? lists.optOuts : null;
    if (optOuts && big) {
      const listed = await repo.optOutNumbers(optOuts.account, optOuts.lineId, recipients.length);
      if (listed) {
        await markSet(listed, 'opted_out');
        optOuts = null;
      }
    }
    await markSet(lists.extra, 'blacklisted');
    const operatorList = lists.operatorList && !inMemory;
    if (operatorList || blacklistOwners || optOuts) {
      const csv = Array.from(numbers, String).join(',');
      for (const h of await repo.blockedRecipients(csv, { operatorList, blacklistOwners, optOuts })) hits.push(h);
    }
    return hits;
  }

  return { blockedRecipients, refresh };
}

export type RecipientCheck = ReturnType<typeof createRecipientCheck>;
