// The moderation queue: batches the engine holds until an ancestor of the sender (its parent
// agency, any agency above, or the platform) approves or rejects them with a comment. What the
// platform's own content rules hold only the platform may approve: an agency approving its own
// customer (or a puppet account) must not be able to waive the platform's words and links.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AuditService } from '../audit/service.ts';
import { contentFromReasons, contentReasons, mergeContent, scanContent, type ContentMatches } from './content.ts';
import { emptyRow, mergePolicies, type EffectivePolicy } from './policy.ts';
import { complianceRepo, idsOfPath, type ModerationItem, type ModerationStatus } from './repo.ts';

export type ModerationContext = {
  policy: Pick<EffectivePolicy, 'moderationThreshold' | 'moderateWithoutKyc' | 'wordAction' | 'linkAction' | 'cardAction'>;
  accountKind: 'platform' | 'agency' | 'user';
  messageClass: 'service' | 'advertising' | 'otp';
  /** recipients that will actually be sent to (after blacklists) */
  recipientCount: number;
  kycApproved: boolean;
  content: ContentMatches;
};

/** Why a send must wait for a person, or [] when it need not. The platform has nobody above it;
 * OTP is never held. Reasons: advertising_over_threshold, kyc_not_approved, content_word:<word>,
 * content_link:<link>, content_card:<masked card>. */
export function requireModeration(ctx: ModerationContext): string[] {
  if (ctx.accountKind === 'platform' || ctx.messageClass === 'otp') return [];
  const reasons: string[] = [];
  if (ctx.messageClass === 'advertising' && ctx.recipientCount > ctx.policy.moderationThreshold) reasons.push('advertising_over_threshold');
  if (ctx.policy.moderateWithoutKyc && !ctx.kycApproved) reasons.push('kyc_not_approved');
  const c = ctx.content;
  const moderated = (action: string, found: string[]) => (action === 'moderate' ? found : []);
  reasons.push(...contentReasons({ words: moderated(ctx.policy.wordAction, c.words), links: moderated(ctx.policy.linkAction, c.links), cards: moderated(ctx.policy.cardAction, c.cards) }));
  return reasons;
}

/**
 * What in a held text the platform's own rules catch: its forbidden words, and links and card
 * numbers when the platform's policy does not allow them. Read at decision time, so a rule the
 * platform added after the send was held counts too.
 */
export async function platformContentHits(tx: Db, item: Pick<ModerationItem, 'accountPath' | 'body' | 'matched'>): Promise<string[]> {
  const [platformId] = idsOfPath(item.accountPath);
  const repo = complianceRepo(tx);
  const policy = mergePolicies([(await repo.policyRows([platformId])).get(platformId) ?? emptyRow()]);
  const words = (await repo.wordsOf([platformId])).map((w) => w.word);
  // The body is the template; what the recipients' own texts matched was kept with the item.
  const own = contentFromReasons(item.matched);
  const found = mergeContent(scanContent(item.body, words), { ...own, words: own.words.filter((w) => words.includes(w)) });
  return contentReasons({ words: found.words, links: policy.linkAction === 'allow' ? [] : found.links, cards: policy.cardAction === 'allow' ? [] : found.cards });
}

/** Runs inside the decision's transaction; what it hands to `afterCommit` runs once that has committed. */
export type DecisionListener = (tx: Db, item: ModerationItem, afterCommit: (fn: () => void) => void) => Promise<void>;

export function createModerationQueue(deps: { db: Db; clock: Clock; audit: AuditService }) {
  const listeners: DecisionListener[] = [];
  const repo = complianceRepo(deps.db);

  /** The engine queues a held batch inside its accept transaction. */
  async function enqueue(tx: Db, i: { batchId: string; account: { id: string; path: string }; reasons: string[]; matched?: string[]; messageClass: string; body: string; recipients: number }): Promise<ModerationItem> {
    return complianceRepo(tx).insertModeration({
      id: newId('mod'), batchId: i.batchId, accountId: i.account.id, accountPath: i.account.path, reasons: i.reasons, matched: i.matched ?? [],
      messageClass: i.messageClass, body: i.body, recipients: i.recipients, at: deps.clock.now(),
    });
  }

  async function decide(caller: Account, id: string, d: { decision: 'approve' | 'reject'; comment?: string | null }, ip: string | null): Promise<ModerationItem> {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    const comment = d.comment?.trim() || null;
    if (d.decision === 'reject' && !comment) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'comment', message: 'required when rejecting' }] });
    const committed: (() => void)[] = [];
    const result = await deps.db.transaction(async (tx) => {
      const r = complianceRepo(tx);
      const item = await r.findModerationForUpdate(scopeOf(caller), id);
      if (!item) throw new AppError('NOT_FOUND');
      if (item.status !== 'pending') throw new AppError('MODERATION_ALREADY_DECIDED', { status: item.status });
      if (d.decision === 'approve' && caller.kind !== 'platform') {
        const reasons = await platformContentHits(tx, item);
        if (reasons.length) throw new AppError('MODERATION_NEEDS_PLATFORM', { reasons });
      }
      const decided = await r.decideModeration(id, { status: d.decision === 'approve' ? 'approved' : 'rejected', by: caller.id, at: deps.clock.now(), comment });
      await deps.audit.record({
        actorId: caller.id, subject: { id: item.accountId, path: item.accountPath }, action: d.decision === 'approve' ? 'moderation.approved' : 'moderation.rejected', ip,
        details: { batchId: item.batchId, reasons: item.reasons, ...(comment ? { comment } : {}) },
      }, tx);
      // The engine releases or cancels the batch in the same transaction as the decision.
      for (const l of listeners) await l(tx, decided, (fn) => committed.push(fn));
      return decided;
    });
    for (const fn of committed) fn();
    return result;
  }

  return {
    enqueue,
    decide,
    /** Items of the caller's subtree (not its own sends), oldest first. */
    listModeration: (caller: Account, f: { status?: ModerationStatus; limit: number; offset: number }) =>
      caller.kind === 'user' ? Promise.resolve({ items: [] as ModerationItem[], total: 0 }) : repo.listModeration(scopeOf(caller), f),
    /** cb runs inside the decision's transaction: use its tx for every query. */
    onDecision: (cb: DecisionListener) => {
      listeners.push(cb);
    },
  };
}
