// Customers' SMPP: binds authenticated by username + the account's SMPP password, submit_sm through the same accept
// service as POST /api/v1/messages, and the durable queue of deliver_sm (receipts for what was
// submitted over SMPP, inbound messages to the account's lines). The sockets are in listener.ts.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import { batchLoader } from '../../lib/batch-load.ts';
import { status } from '../../upstreams/smpp/lib.ts';
import type { Pdu } from '../../upstreams/smpp/lib.ts';
import type { Account } from '../accounts/types.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import { createIpLimiter } from '../auth/ip-limiter.ts';
import { DEFAULT_VALIDITY_MS } from '../messages/accept.ts';
import type { MessageEngine } from '../messages/engine.ts';
import type { MessageClass } from '../messages/types.ts';
import type { PackageService } from '../permission-packages/service.ts';
import { createBindThrottle } from './bind-throttle.ts';
import { createSmppCredentials } from './credentials.ts';
import { createSmppLimits, type SmppLimitValues } from './limits.ts';
import { readSubmitText, readSubmitTiming, receiptError, receiptState, smppDate, submitEsmClassValid, submitStatusFor, textHead, wantsReceipt } from './pdu.ts';
import { smppRepo, type Fragment, type ReceiptPayload, type Submission } from './repo.ts';

/** Undelivered receipts and inbound messages wait this long for a bind, like an SMSC's validity. */
export const PENDING_TTL_MS = 3 * 86_400_000;
/** Parts of a concatenated submit whose siblings do not come in time are rejected (REJECTD receipts). */
export const REASSEMBLY_TIMEOUT_MS = 5 * 60_000;
const SUBMISSION_KEEP_MS = 14 * 86_400_000;
/** Wrong binds of one (username, address) before each further one waits: 30 s, then 60, 120 … at most an hour. */
export const BIND_FREE_FAILURES = 5;
export const BIND_DELAY_BASE_MS = 30_000;
const BIND_DELAY_MAX_MS = 3_600_000;
const BIND_FORGET_MS = 24 * 3_600_000;
/** Wrong binds one address may make across usernames in the window before its binds are refused. */
export const BIND_FAILURES_PER_IP = 10;
export const BIND_FAILURE_WINDOW_MS = 15 * 60_000;

/** 16 base32 characters: no '_', which GSM 03.38 and ASCII read differently in a receipt's text. */
const messageId = () => newId('msg').slice(4);

export type BindMode = 'tx' | 'rx' | 'trx';
export type BindResult = { ok: true; account: Account; credentialId: string } | { ok: false; status: number };
/** A live bind: which account, with which password. */
export type LiveBind = { accountId: string; credentialId: string };
export type SubmitAnswer = { status: number; messageId?: string };

// service_type (≤ 5 characters) chooses the class; anything else is a service message, as the API defaults.
const classByServiceType: Record<string, MessageClass | undefined> = { adv: 'advertising', otp: 'otp' };

export function createSmppServerService(deps: {
  db: Db;
  clock: Clock;
  log: Logger;
  accounts: AccountService;
  packages: Pick<PackageService, 'has' | 'check'>;
  audit: AuditService;
  engine: Pick<MessageEngine, 'accept' | 'lines' | 'settlement' | 'inbox'>;
  /** the platform's default and own SMPP limits (config.smpp.limits) */
  limits: { default: SmppLimitValues; max: SmppLimitValues };
}) {
  const repo = smppRepo(deps.db);
  const credentials = createSmppCredentials(deps);
  const limits = createSmppLimits({ ...deps, limits: deps.limits });
  const bindLimiter = createIpLimiter({ clock: deps.clock, max: 20, windowMs: 60_000 });
  const failedBinds = createBindThrottle({
    clock: deps.clock,
    limits: {
      freeFailures: BIND_FREE_FAILURES, baseDelayMs: BIND_DELAY_BASE_MS, maxDelayMs: BIND_DELAY_MAX_MS, forgetMs: BIND_FORGET_MS,
      perAddress: BIND_FAILURES_PER_IP, windowMs: BIND_FAILURE_WINDOW_MS,
    },
  });
  // Submits that arrive together (an ESME's window) read their account with one statement, and
  // their submission rows go in with the accept's group (one statement for the group).
  const accountsNow = batchLoader((ids: string[]) => deps.accounts.findAccountsForAuth(ids));
  const writeSubmissions = (tx: Db, rows: readonly unknown[]) => smppRepo(tx).insertSubmissions(rows as Submission[]);
  const wakers = new Set<() => void>();
  const nudge = () => {
    for (const w of wakers) w();
  };

  // A final status of a message accepted over SMPP queues its receipts in the finalising
  // transaction: the receipt commits with the status, or neither does.
  deps.engine.settlement.onFinal(async (tx, finals) => {
    const batchIds = [...new Set(finals.filter((f) => f.source === 'smpp').map((f) => f.batchId))];
    if (!batchIds.length) return;
    const subs = await smppRepo(tx).findSubmissionsOfBatches(batchIds);
    if (!subs.length) return;
    const byBatch = new Map(finals.map((f) => [f.batchId, f]));
    const now = deps.clock.now();
    const rows = subs.flatMap((s) => {
      const f = byBatch.get(s.batchId)!;
      return wantsReceipt(s.registeredDelivery, f.status === 'delivered') ? [{ accountId: s.accountId, kind: 'receipt' as const, payload: receiptFor(s, f.status, f.errorCode, now), sessionId: s.sessionId }] : [];
    });
    await smppRepo(tx).enqueue(rows, now, new Date(now.getTime() + PENDING_TTL_MS));
    if (rows.length) setImmediate(nudge);
  });

  // Inbound to a line whose owner receives over SMPP: queued with the inbox row.
  deps.engine.inbox.onMessage(async (m, tx) => {
    if (!m.accountId || !(await smppRepo(tx).bindsAsReceiver(m.accountId))) return;
    if (!(await deps.packages.has(tx, m.accountId, 'receive'))) return;
    const now = deps.clock.now();
    await smppRepo(tx).enqueue([{ accountId: m.accountId, kind: 'inbound', payload: { from: m.sender, to: m.recipient, text: m.body } }], now, new Date(now.getTime() + PENDING_TTL_MS));
    setImmediate(nudge);
  });

  function receiptFor(s: Pick<Submission, 'messageId' | 'sourceAddr' | 'destAddr' | 'textHead' | 'submittedAt'>, finalStatus: string, errorCode: string | null, now: Date): ReceiptPayload {
    const { stat, state } = receiptState(finalStatus);
    return {
      messageId: s.messageId, sourceAddr: s.sourceAddr, destAddr: s.destAddr, stat, state, err: receiptError(finalStatus, errorCode),
      submittedAt: smppDate(s.submittedAt), doneAt: smppDate(now), text: s.textHead,
    };
  }

  /**
   * system_id = username, password = the account's SMPP password (its IP allow-list applies). API
   * keys are not accepted: none fits the 8 characters SMPP 3.4 allows.
   */
  async function bind(pdu: Pdu, mode: BindMode, ip: string | null): Promise<BindResult> {
    if (!bindLimiter.take(ip ?? 'unknown')) return { ok: false, status: status.BINDFAIL };
    const systemId = (pdu.system_id ?? '').trim().toLowerCase();
    const account = await deps.accounts.findByUsernameForAuth(systemId);
    const fail = async (code: number, reason: string): Promise<BindResult> => {
      if (account) await deps.audit.record({ actorId: null, subject: account, action: 'smpp.bind_failed', ip, details: { reason, mode } });
      return { ok: false, status: code };
    };
    // Each wrong password costs an argon2 hash: the attempt is admitted (and counted) before it.
    const admitted = failedBinds.admit(systemId, ip ?? 'unknown');
    if (!admitted.ok) return fail(admitted.why === 'delay' ? status.THROTTLED : status.BINDFAIL, 'throttled');
    let checked;
    try {
      checked = await credentials.check(account?.id ?? null, pdu.password ?? '', ip);
    } catch (err) {
      admitted.done('unchecked');
      throw err;
    }
    admitted.done(account && checked.ok ? 'right' : 'wrong');
    // Wrong username, wrong password, no password: one answer, so a bind cannot probe which.
    if (!account || !checked.ok) return fail(status.INVPASWD, checked.ok ? 'invalid_credentials' : checked.reason);
    if (!checked.ipAllowed) return fail(status.BINDFAIL, 'ip_not_allowed');
    const refusal = await bindRefusal(account.id);
    if (refusal) return fail(status.BINDFAIL, refusal);
    await repo.recordBind(account.id, mode !== 'tx', deps.clock.now());
    await deps.audit.record({ actorId: account.id, subject: account, action: 'smpp.bound', ip, details: { mode, credentialId: checked.credential.id } });
    return { ok: true, account, credentialId: checked.credential.id };
  }

  /** Why the account may not hold a bind now (suspended, package without use_smpp), or null. */
  async function bindRefusal(accountId: string): Promise<string | null> {
    const account = await deps.accounts.findAccountForAuth(accountId);
    if (!account) return 'account_missing';
    if (account.status !== 'active') return `account_${account.status}`;
    if (!(await deps.packages.has(deps.db, account.id, 'use_smpp'))) return 'permission_denied';
    return null;
  }

  /** Of these live binds, the ones to drop and why: password rotated or removed, account suspended, package changed. */
  async function findRevokedBinds(binds: LiveBind[]): Promise<(LiveBind & { reason: string })[]> {
    if (!binds.length) return [];
    const current = await credentials.findCurrent([...new Set(binds.map((b) => b.credentialId))]);
    const refusals = new Map<string, string | null>();
    for (const id of new Set(binds.map((b) => b.accountId))) refusals.set(id, await bindRefusal(id));
    return binds.flatMap((b) => {
      const reason = !current.has(b.credentialId) ? 'password_revoked' : refusals.get(b.accountId);
      return reason ? [{ ...b, reason }] : [];
    });
  }

  const statusOf = (err: unknown): number => {
    if (err instanceof AppError) return submitStatusFor(err.code);
    deps.log.error({ err }, 'smpp submit_sm failed');
    return status.SYSERR;
  };

  /** One submit_sm of a bound transmitter; the answer carries the message id or an error status. */
  /** `sessionId`: the transceiver session it came on, where its receipt goes while it is bound. */
  async function submit(bound: Account, pdu: Pdu, sessionId: string | null = null): Promise<SubmitAnswer> {
    const account = await accountsNow.load(bound.id);
    if (!account || account.status !== 'active') return { status: submitStatusFor('ACCOUNT_SUSPENDED') };
    if (!submitEsmClassValid(pdu.esm_class)) return { status: status.INVESMCLASS };
    const body = readSubmitText(pdu);
    if (!body.ok) return { status: body.status };
    const dest = normaliseIranMobile(pdu.destination_addr ?? '');
    if (!dest) return { status: status.INVDSTADR };
    const now = deps.clock.now();
    const timing = readSubmitTiming(pdu, now);
    if (!timing.ok) return { status: timing.status };
    const messageClass = classByServiceType[((pdu as Pdu & { service_type?: string }).service_type ?? '').trim().toLowerCase()] ?? 'service';
    const sub = { sourceAddr: (pdu.source_addr ?? '').trim(), destAddr: pdu.destination_addr ?? '', registeredDelivery: pdu.registered_delivery ?? 0, sessionId };
    if (!body.concat) {
      const id = messageId();
      const key = `smpp:${id}`;
      const row = { ...sub, messageId: id, accountId: account.id, idempotencyKey: key, seq: 1, total: 1, textHead: textHead(body.text), submittedAt: now, keepUntil: keepUntil(now, timing) };
      return accept(account, [row], { text: body.text, to: dest, messageClass, sendAt: timing.sendAt, validUntil: timing.validUntil }, id);
    }
    // A part: check the line now (fail the part, not the whole message later), then keep it.
    try {
      await deps.engine.lines.resolveSendLine(account, sub.sourceAddr || undefined);
    } catch (err) {
      return { status: statusOf(err) };
    }
    const { ref, total, seq } = body.concat;
    const parts = await repo.addFragment({
      accountId: account.id, sourceAddr: sub.sourceAddr, destAddr: sub.destAddr, ref, total, seq, messageId: messageId(), body: body.text, messageClass,
      registeredDelivery: sub.registeredDelivery, sendAt: timing.sendAt, validUntil: timing.validUntil, receivedAt: now,
    });
    const mine = parts.find((p) => p.seq === seq)!;
    if (parts.length < total) return { status: status.OK, messageId: mine.messageId };
    const whole = parts.map((p) => p.body).join('');
    const key = `smpp:${parts[0].messageId}`;
    // The first part's schedule and validity are the message's (ESMEs repeat them on every part).
    const first = { sendAt: parts[0].sendAt && parts[0].sendAt > now ? parts[0].sendAt : null, validUntil: parts[0].validUntil };
    const rows: Submission[] = parts.map((p) => ({ ...sub, messageId: p.messageId, accountId: account.id, idempotencyKey: key, seq: p.seq, total, registeredDelivery: p.registeredDelivery, textHead: textHead(whole), submittedAt: p.receivedAt, keepUntil: keepUntil(now, first) }));
    const answer = await accept(account, rows, { text: whole, to: dest, messageClass: parts[0].messageClass as MessageClass, ...first }, mine.messageId);
    await repo.deleteFragments(parts[0]);
    return answer;
  }

  /** A submission row outlives every receipt it can get: the send time, the validity, then SUBMISSION_KEEP_MS. */
  function keepUntil(now: Date, t: { sendAt: Date | null; validUntil: Date | null }): Date {
    const end = t.validUntil ?? new Date((t.sendAt ?? now).getTime() + DEFAULT_VALIDITY_MS);
    return new Date(end.getTime() + SUBMISSION_KEEP_MS);
  }

  type Message = { text: string; to: string; messageClass: MessageClass; sendAt: Date | null; validUntil: Date | null };

  /**
   * Accepts the message with its submission rows in the accept's transaction: they commit with
   * its messages (a receipt, which can only follow a send, never misses them) or not at all.
   */
  async function accept(account: Account, rows: Submission[], m: Message, answerId: string): Promise<SubmitAnswer> {
    const key = rows[0].idempotencyKey;
    let res;
    try {
      const input = { to: [m.to], text: m.text, class: m.messageClass, from: rows[0].sourceAddr || undefined, sendAt: m.sendAt, validUntil: m.validUntil, acceptBlocked: true };
      res = await deps.engine.accept.send(account, input, { idempotencyKey: key, source: 'smpp', withSend: { rows, write: writeSubmissions } });
    } catch (err) {
      // Parts answered earlier were told "accepted": their receipts say otherwise.
      await queueRejections(rows.filter((r) => r.messageId !== answerId));
      return { status: statusOf(err) };
    }
    // A blacklisted recipient is final at accept (not charged): its receipt goes now.
    if (!res.accepted && res.blacklisted) await queueRejections(rows);
    return { status: status.OK, messageId: answerId };
  }

  async function queueRejections(rows: (Pick<Submission, 'messageId' | 'sourceAddr' | 'destAddr' | 'textHead' | 'submittedAt' | 'registeredDelivery' | 'sessionId'> & { accountId: string })[]) {
    const now = deps.clock.now();
    const wanted = rows.filter((r) => wantsReceipt(r.registeredDelivery, false));
    await repo.enqueue(wanted.map((r) => ({ accountId: r.accountId, kind: 'receipt' as const, payload: receiptFor(r, 'rejected', null, now), sessionId: r.sessionId })), now, new Date(now.getTime() + PENDING_TTL_MS));
    if (wanted.length) setImmediate(nudge);
  }

  /** Periodic: incomplete concatenations time out, expired deliveries and old submissions go. */
  async function sweep(): Promise<{ timedOut: number; expired: number }> {
    const now = deps.clock.now();
    const stale: Fragment[] = await repo.takeStaleFragments(new Date(now.getTime() - REASSEMBLY_TIMEOUT_MS));
    await queueRejections(stale.map((f) => ({ ...f, textHead: '', submittedAt: f.receivedAt })));
    const expired = await repo.purgeExpired(now);
    await repo.purgeSubmissions(now);
    return { timedOut: stale.length, expired };
  }

  let listeningPort: number | null = null;

  /** What a customer needs to bind: shown on the profile page. */
  async function endpoint(caller: Account) {
    return {
      enabled: listeningPort !== null, port: listeningPort, systemId: caller.username,
      permitted: await deps.packages.has(deps.db, caller.id, 'use_smpp'), credential: await credentials.find(caller),
      limits: await limits.of(caller),
    };
  }

  return {
    bind,
    findRevokedBinds,
    credentials,
    limits,
    submit,
    sweep,
    endpoint,
    /** Set by the listener once it listens (null when it stops). */
    setListening(port: number | null) {
      listeningPort = port;
    },
    /** The listener registers here to hear of newly queued deliveries. */
    onQueued(waker: () => void): () => void {
      wakers.add(waker);
      return () => wakers.delete(waker);
    },
    claim: repo.claim,
    forgetSession: repo.forgetSession,
    delivered: repo.remove,
    release: repo.release,
    pendingCount: repo.pendingCount,
  };
}

export type SmppServerService = ReturnType<typeof createSmppServerService>;
