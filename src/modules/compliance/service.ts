// Compliance: policies (platform sets, agencies tighten), «لغو۱۱», sending hours, blacklists,
// opt-outs, content filter and the moderation queue.
//
// What the message engine calls, always with ITS transaction (PGlite has one connection):
//
//   accept path, inside the accept transaction, after recipients are parsed and deduped:
//     evaluateSend(tx, { account: {id, path, kind}, line: {id, lineType, isShared}, messageClass,
//                        text, texts?, recipients: [{e164, operator}], now, extraBlocked? })
//       → { text, perRecipient, hold, reject, moderation, matched }
//     - reject ≠ null: throw new AppError(reject.code, reject.details); nothing else applies.
//     - text: send this (the «لغو۱۱» footer may have been appended: count parts from it).
//     - perRecipient[i] (aligned with recipients): 'blacklisted' | 'opted_out' → store that
//       recipient with status 'blacklisted', not charged; null → send.
//     - hold: { until } → status 'held', ready at `until` (the sending window opens).
//     - moderation: reasons[] non-empty → status 'held' and compliance.enqueue(tx, {batchId, matched, …});
//       release or cancel in onDecision((tx, item) => …), which runs in the decision's transaction.
//     The KYC restriction (own mobile only until approved) is already part of evaluateSend;
//     kycSendRestriction(tx, account) is there for quotes and the panel.
//   inbox listener (inbox.onMessage((m, tx) => …)):
//     handleInboundKeyword(tx, { accountId: m.accountId, from: m.sender, text: m.body, lineId: m.lineId })
//       → { action: 'opted_out' | 'opted_in' | null, reply? }: send `reply` back from the line.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import type { Operator } from '../../lib/operators.ts';
import { AppError, type ErrorCode } from '../../lib/app-error.ts';
import { createSlicer } from '../../lib/turns.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import type { KycService } from '../kyc/service.ts';
import type { LineType } from '../lines/types.ts';
import { appendOptOutFooter, contentReasons, hasOptOutFooter, mergeContent, parseKeyword, scanContent, scanTexts } from './content.ts';
import { createComplianceLists, numberKey } from './lists.ts';
import { createModerationQueue, requireModeration } from './moderation.ts';
import { createRecipientCheck } from './recipient-check.ts';
import { emptyRow, findLoosening, invalidWindowRule, lineTypeList, mergePolicies, operators, windowView, type EffectivePolicy, type PolicyRow } from './policy.ts';
import { complianceRepo, idsOfPath } from './repo.ts';
import { formatClock, intersectWindows, isInsideWindow, nextOpening, toTehranIso, type DailyWindow } from './tehran.ts';

export type SendAccount = { id: string; path: string; kind: 'platform' | 'agency' | 'user' };
export type SendCheck = {
  account: SendAccount;
  line: { id: string; lineType: LineType; isShared: boolean };
  messageClass: 'service' | 'advertising' | 'otp';
  text: string;
  /** Peer-to-peer: what each recipient receives (a personalised campaign's filled-in template);
   * the content rules judge these as well as `text`. */
  texts?: readonly string[];
  recipients: readonly { e164: string; operator: Operator }[];
  now: Date;
  /** numbers blocked by the caller's own rules (phonebook contact flags), E.164 */
  extraBlocked?: readonly string[];
};
export type RecipientBlock = null | 'blacklisted' | 'opted_out';
export type SendEvaluation = {
  text: string;
  perRecipient: RecipientBlock[];
  hold: { until: Date } | null;
  reject: { code: ErrorCode; details: Record<string, unknown> } | null;
  moderation: string[];
  /** What the content rules found in `texts`, as reasons: kept with a moderation item, whose body is the template. */
  matched: string[];
};

export const OPT_OUT_REPLY = 'شمارهٔ شما از فهرست دریافت پیامک‌های تبلیغاتی این خط حذف شد. برای عضویت دوباره، عدد ۱۲ را بفرستید.';
export const OPT_IN_REPLY = 'شمارهٔ شما دوباره در فهرست دریافت پیامک‌های تبلیغاتی این خط قرار گرفت. برای لغو، عدد ۱۱ را بفرستید.';

/** One combined window for every operator of the send, or null when they never overlap. */
function windowForSend(policy: EffectivePolicy, ops: Iterable<string>, lineType: string): DailyWindow | null {
  let w: DailyWindow | null = { start: 0, end: 86_400 };
  for (const op of ops) w = w && policy.windows[`${op}|${lineType}`] ? intersectWindows(w, policy.windows[`${op}|${lineType}`]!) : null;
  return w;
}

/** `recipientCheck.memoryFrom`: sends of at least this many recipients reload a stale in-memory
 * copy of the operator blacklist (recipient-check.ts); tests lower it. */
export function createComplianceService(deps: { db: Db; clock: Clock; audit: AuditService; kyc: KycService; accounts: AccountService; recipientCheck?: { memoryFrom?: number } }) {
  const lists = createComplianceLists(deps);
  const recipientCheck = createRecipientCheck(deps.recipientCheck);
  const queue = createModerationQueue(deps);

  async function effectivePolicy(db: Db, path: string, opts: { excludeOwn?: boolean } = {}): Promise<EffectivePolicy> {
    const ids = idsOfPath(path);
    const chain = opts.excludeOwn ? ids.slice(0, -1) : ids;
    const rows = await complianceRepo(db).policyRows(chain);
    return mergePolicies(chain.map((id) => rows.get(id) ?? emptyRow()));
  }

  async function kycSendRestriction(tx: Db, account: SendAccount): Promise<{ ownMobileOnly: boolean; mobile: string | null }> {
    const mobile = await complianceRepo(tx).accountMobile(account.id);
    if (account.kind === 'platform') return { ownMobileOnly: false, mobile };
    const policy = await effectivePolicy(tx, account.path);
    return { ownMobileOnly: policy.kycOwnMobileOnly && !(await deps.kyc.isKycApproved(tx, account.id)), mobile };
  }

  async function evaluateSend(tx: Db, s: SendCheck): Promise<SendEvaluation> {
    const repo = complianceRepo(tx);
    const ids = idsOfPath(s.account.path);
    const rows = await repo.policyRows(ids);
    const policy = mergePolicies(ids.map((id) => rows.get(id) ?? emptyRow()));
    const words = (await repo.wordsOf(ids)).map((w) => w.word);
    const advertising = s.messageClass === 'advertising';
    const none = (): RecipientBlock[] => new Array<RecipientBlock>(s.recipients.length).fill(null);
    const out = (reject: SendEvaluation['reject'], text = s.text): SendEvaluation => ({ text, perRecipient: none(), hold: null, reject, moderation: [], matched: [] });
    // A million recipients: each pass over them gives other requests a turn between slices.
    const slicer = createSlicer();

    let text = s.text;
    if (advertising && !hasOptOutFooter(text)) {
      if (policy.optOutFooter === 'reject') return out({ code: 'OPT_OUT_FOOTER_MISSING', details: { footer: 'لغو۱۱' } });
      text = appendOptOutFooter(text);
    }

    const kycApproved = s.account.kind === 'platform' || (await deps.kyc.isKycApproved(tx, s.account.id));
    if (!kycApproved && policy.kycOwnMobileOnly) {
      const mobile = await repo.accountMobile(s.account.id);
      let others = 0;
      for (let i = 0; i < s.recipients.length; i++) {
        if (slicer.due()) await slicer.pause();
        if (s.recipients[i].e164 !== mobile) others++;
      }
      if (others) return out({ code: 'KYC_REQUIRED', details: { others } }, text);
    }

    const own = s.texts ? await scanTexts(s.texts, words) : null;
    const content = own ? mergeContent(scanContent(text, words), own) : scanContent(text, words);
    if (policy.wordAction === 'reject' && content.words.length) return out({ code: 'CONTENT_FORBIDDEN_WORD', details: { word: content.words[0], words: content.words } }, text);
    if (policy.linkAction === 'reject' && content.links.length) return out({ code: 'CONTENT_LINK_NOT_ALLOWED', details: { link: content.links[0], links: content.links } }, text);
    if (policy.cardAction === 'reject' && content.cards.length) return out({ code: 'CONTENT_CARD_NUMBER', details: { card: content.cards[0] } }, text);

    let hold: SendEvaluation['hold'] = null;
    if (advertising && s.recipients.length) {
      const reached = new Set<Operator>();
      for (let i = 0; i < s.recipients.length; i++) {
        if (slicer.due()) await slicer.pause();
        reached.add(s.recipients[i].operator);
      }
      const window = windowForSend(policy, reached, s.line.lineType);
      if (!window) return out({ code: 'OUTSIDE_SENDING_HOURS', details: { reason: 'no_common_window' } }, text);
      if (!isInsideWindow(window, s.now)) {
        const until = nextOpening(window, s.now);
        const details = { start: formatClock(window.start), end: formatClock(window.end), nextOpening: toTehranIso(until) };
        if (policy.outsideHours === 'reject') return out({ code: 'OUTSIDE_SENDING_HOURS', details }, text);
        hold = { until };
      }
    }

    const perRecipient = none();
    let blocked = 0;
    if (s.recipients.length) {
      const hits = await recipientCheck.blockedRecipients(tx, s.recipients, {
        operatorList: advertising,
        // the sender's own list and the lists of the agencies above it
        blacklistOwners: ids,
        optOuts: advertising ? { account: s.account.id, lineId: s.line.id } : null,
        extra: (s.extraBlocked ?? []).map((n) => numberKey(normaliseIranMobile(n) ?? n)).filter(Boolean),
      });
      for (const h of hits) {
        if (perRecipient[h.index] === null) blocked++;
        if (perRecipient[h.index] !== 'blacklisted') perRecipient[h.index] = h.kind;
      }
      if (blocked === s.recipients.length) {
        const optedOut = perRecipient.filter((p) => p === 'opted_out').length;
        // with each recipient's block: a caller may accept such a send (SMPP: REJECTD receipts)
        return { ...out({ code: 'RECIPIENTS_BLACKLISTED', details: { count: blocked, blacklisted: blocked - optedOut, optedOut } }, text), perRecipient };
      }
    }

    const moderation = requireModeration({ policy, accountKind: s.account.kind, messageClass: s.messageClass, recipientCount: s.recipients.length - blocked, kycApproved, content });
    return { text, perRecipient, hold, reject: null, moderation, matched: own ? contentReasons(own) : [] };
  }

  /** «11» / «12» from `from` to a line of `accountId`. Inside the inbox's transaction. */
  async function handleInboundKeyword(tx: Db, m: { accountId: string | null; from: string; text: string; lineId?: string | null }): Promise<{ action: 'opted_out' | 'opted_in' | null; reply?: string }> {
    const keyword = parseKeyword(m.text);
    const e164 = normaliseIranMobile(m.from);
    if (!keyword || !e164 || !m.accountId) return { action: null };
    const repo = complianceRepo(tx);
    if (keyword === 'opt_out') {
      await repo.optOut(m.accountId, numberKey(e164), m.lineId ?? null, deps.clock.now());
      return { action: 'opted_out', reply: OPT_OUT_REPLY };
    }
    await repo.optIn(m.accountId, numberKey(e164), m.lineId ?? null);
    return { action: 'opted_in', reply: OPT_IN_REPLY };
  }

  function policyView(p: EffectivePolicy) {
    const { windows, ...rest } = p;
    const list = operators.flatMap((op) => lineTypeList.map((lt) => windowView(windows[`${op}|${lt}`], op, lt)));
    return { ...rest, sendingWindows: list };
  }

  /** The effective policy of the caller or of an account in its subtree, with that account's own row. */
  async function getPolicy(caller: Account, accountId?: string) {
    const target = accountId && accountId !== caller.id ? await findInScope(caller, accountId) : caller;
    const own = (await complianceRepo(deps.db).policyRows([target.id])).get(target.id) ?? emptyRow();
    return { accountId: target.id, effective: policyView(await effectivePolicy(deps.db, target.path)), own };
  }

  async function findInScope(caller: Account, accountId: string): Promise<{ id: string; path: string; kind: string }> {
    return deps.accounts.getAccount(scopeOf(caller), accountId);
  }

  /** Platform and agencies set their own row; they also set the rows of users below them. Below
   * the platform, a row may only tighten what the levels above it say. */
  async function setPolicy(caller: Account, accountId: string | null, row: PolicyRow, ip: string | null) {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    const target = accountId && accountId !== caller.id ? await findInScope(caller, accountId) : caller;
    if (target.id !== caller.id && target.kind !== 'user') throw new AppError('FORBIDDEN', { reason: 'an agency sets its own policy' });
    if (row.sendingWindows) {
      const bad = invalidWindowRule(row.sendingWindows);
      if (bad >= 0) throw new AppError('VALIDATION_FAILED', { fields: [{ path: `sendingWindows.${bad}`, message: 'start must be before end (HH:MM)' }] });
    }
    if (target.kind !== 'platform') {
      const violations = findLoosening(await effectivePolicy(deps.db, target.path, { excludeOwn: true }), row);
      if (violations.length) throw new AppError('POLICY_LOOSENING', { violations });
    }
    await deps.db.transaction(async (tx) => {
      await complianceRepo(tx).upsertPolicy(target.id, row, caller.id, deps.clock.now());
      await deps.audit.record({ actorId: caller.id, subject: target, action: 'compliance.policy_changed', ip, details: { policy: row } }, tx);
    });
    return getPolicy(caller, target.id);
  }

  return {
    evaluateSend,
    handleInboundKeyword,
    kycSendRestriction,
    requireModeration,
    effectivePolicy: (tx: Db, path: string) => effectivePolicy(tx, path),
    getPolicy,
    setPolicy,
    ...lists,
    importOperatorBlacklist: async (...args: Parameters<typeof lists.importOperatorBlacklist>) => {
      const result = await lists.importOperatorBlacklist(...args);
      await recipientCheck.refresh(deps.db);
      return result;
    },
    ...queue,
  };
}

export type ComplianceService = ReturnType<typeof createComplianceService>;
