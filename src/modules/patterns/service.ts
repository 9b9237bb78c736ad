// Patterns (الگو, OTP templates): an account submits a body with typed %variables%; the platform
// approves or rejects it with a comment (pending → approved | rejected; editing a rejected one
// returns it to pending; an approved one is immutable).
//
// What the message engine calls, inside its transaction, for POST /api/v1/messages/pattern:
//   renderForSend(tx, accountId, templateId, params) → { text, template: { id, name } }
//     NOT_FOUND (not this account's), PATTERN_NOT_APPROVED { status },
//     PATTERN_PARAM_INVALID { param, reason: missing|unexpected|type|too_long|empty, type?, maxLength? }
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { analyseText } from '../../lib/sms-parts.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AuditService } from '../audit/service.ts';
import { patternRepo, type PatternStatus } from './repo.ts';
import { checkPattern, renderPattern, type PatternVariable } from './template.ts';

export type PatternInput = { name: string; body: string; variables: PatternVariable[] };

export function createPatternService(deps: { db: Db; clock: Clock; audit: AuditService }) {
  const repo = patternRepo(deps.db);

  async function getOwn(caller: Account, id: string) {
    const p = await repo.findOwn(scopeOf(caller), id);
    if (!p) throw new AppError('NOT_FOUND');
    return p;
  }

  async function submit(caller: Account, input: PatternInput) {
    checkPattern(input.body, input.variables);
    const p = await repo.insert(scopeOf(caller), { id: newId('ptn'), name: input.name.trim(), body: input.body, variables: input.variables });
    return p;
  }

  async function update(caller: Account, id: string, input: PatternInput) {
    const current = await getOwn(caller, id);
    if (current.status === 'approved') throw new AppError('PATTERN_NOT_EDITABLE');
    checkPattern(input.body, input.variables);
    if (!(await repo.update(scopeOf(caller), id, { name: input.name.trim(), body: input.body, variables: input.variables }))) throw new AppError('PATTERN_NOT_EDITABLE');
    return getOwn(caller, id);
  }

  /** The platform decides; a rejection needs a comment the submitter will read. */
  async function review(caller: Account, id: string, d: { decision: 'approve' | 'reject'; comment?: string }, ip: string | null) {
    if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
    const comment = d.comment?.trim() || null;
    if (d.decision === 'reject' && !comment) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'comment', message: 'a reason is required to reject' }] });
    const p = await repo.findInScope(scopeOf(caller), id);
    if (!p) throw new AppError('NOT_FOUND');
    const status = d.decision === 'approve' ? 'approved' : 'rejected';
    await deps.db.transaction(async (tx) => {
      if (!(await patternRepo(tx).decide(id, { status, comment, reviewerId: caller.id, at: deps.clock.now() }))) throw new AppError('MODERATION_ALREADY_DECIDED');
      await deps.audit.record({ actorId: caller.id, subject: { id: p.accountId, path: p.accountPath }, action: status === 'approved' ? 'moderation.approved' : 'moderation.rejected', ip, details: { kind: 'pattern', patternId: id, comment } }, tx);
    });
    return (await repo.findInScope(scopeOf(caller), id))!;
  }

  /** Fills the variables of one of the caller's patterns, approved or not (the panel's preview). */
  async function preview(caller: Account, id: string, params: Record<string, unknown>) {
    const p = await getOwn(caller, id);
    const text = renderPattern(p.body, p.variables, params);
    const a = analyseText(text);
    return { text, alphabet: a.alphabet, parts: a.parts, status: p.status };
  }

  /** Engine: the text to send for an approved pattern of this account. */
  async function renderForSend(tx: Db, accountId: string, templateId: string, params: Record<string, unknown>): Promise<{ text: string; template: { id: string; name: string } }> {
    const p = await patternRepo(tx).findOwn(scopeOf({ id: accountId, path: '' }), templateId);
    if (!p) throw new AppError('NOT_FOUND', { what: 'pattern' });
    if (p.status !== 'approved') throw new AppError('PATTERN_NOT_APPROVED', { status: p.status });
    return { text: renderPattern(p.body, p.variables, params), template: { id: p.id, name: p.name } };
  }

  return {
    submit,
    update,
    review,
    preview,
    renderForSend,
    getPattern: async (caller: Account, id: string) => (caller.kind === 'platform' ? await repo.findInScope(scopeOf(caller), id) : null) ?? getOwn(caller, id),
    listOwn: (caller: Account, f: { status?: PatternStatus; limit: number; offset: number }) => repo.listOwn(scopeOf(caller), f),
    reviewQueue: async (caller: Account, f: { status?: PatternStatus; limit: number; offset: number }) => {
      if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
      return repo.listInScope(scopeOf(caller), f);
    },
    remove: async (caller: Account, id: string) => {
      if (!(await repo.delete(scopeOf(caller), id))) throw new AppError('NOT_FOUND');
    },
  };
}

export type PatternService = ReturnType<typeof createPatternService>;
