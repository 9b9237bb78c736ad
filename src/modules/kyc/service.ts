// KYC (احراز هویت). An account fills its profile (natural: name, national code, birth date and a
// verified mobile; legal: company, national ID, CEO and the CEO's national code), uploads documents
// and submits; an ancestor (its parent agency or the platform) approves, or rejects with a reason.
// draft → submitted → approved | rejected; a rejected profile is edited back to draft.
//
// For the message engine, inside its transaction: isKycApproved(tx, accountId).
import { createHash } from 'node:crypto';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { newId } from '../../lib/ids.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AuditService } from '../audit/service.ts';
import { cleanDigits, isValidNationalCode, isValidNationalId, parseBirthDate } from './identity.ts';
import { kycRepo, type KycDocumentMeta, type KycProfile, type PersonType, type ProfileFields } from './repo.ts';

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const documentKinds = ['national_card', 'birth_certificate', 'company_registration', 'official_gazette', 'other'] as const;
export type DocumentKind = (typeof documentKinds)[number];

export type ProfileInput = {
  personType: PersonType;
  fullName?: string | null;
  nationalCode?: string | null;
  birthDate?: string | null;
  companyName?: string | null;
  nationalId?: string | null;
  ceoName?: string | null;
  ceoNationalCode?: string | null;
};

type Caller = Pick<Account, 'id' | 'path' | 'kind'>;

/** The type from the bytes, never from the name: JPEG, PNG or PDF only. */
export function sniffDocument(data: Uint8Array): 'image/jpeg' | 'image/png' | 'application/pdf' | null {
  const at = (magic: number[]) => magic.every((b, i) => data[i] === b);
  if (at([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (at([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (at([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

const isAncestorOf = (caller: Caller, path: string) => path !== caller.path && path.startsWith(caller.path);

export function createKycService(deps: { db: Db; clock: Clock; audit: AuditService }) {
  const repo = kycRepo(deps.db);

  function checkFields(input: ProfileInput): ProfileFields {
    const text = (v: string | null | undefined) => (v?.trim() ? v.trim() : null);
    const code = (v: string | null | undefined, valid: (s: string) => boolean, err: 'INVALID_NATIONAL_CODE' | 'INVALID_NATIONAL_ID', path: string) => {
      if (!v?.trim()) return null;
      if (!valid(v)) throw new AppError(err, { fields: [{ path }] });
      return cleanDigits(v);
    };
    let birthDate: string | null = null;
    if (input.birthDate?.trim()) {
      const parsed = parseBirthDate(input.birthDate);
      if (!parsed) throw new AppError('INVALID_BIRTH_DATE', { fields: [{ path: 'birthDate' }] });
      birthDate = parsed.gregorian;
    }
    const natural = input.personType === 'natural';
    return {
      personType: input.personType,
      fullName: text(input.fullName),
      nationalCode: natural ? code(input.nationalCode, isValidNationalCode, 'INVALID_NATIONAL_CODE', 'nationalCode') : null,
      birthDate: natural ? birthDate : null,
      companyName: natural ? null : text(input.companyName),
      nationalId: natural ? null : code(input.nationalId, isValidNationalId, 'INVALID_NATIONAL_ID', 'nationalId'),
      ceoName: natural ? null : text(input.ceoName),
      ceoNationalCode: natural ? null : code(input.ceoNationalCode, isValidNationalCode, 'INVALID_NATIONAL_CODE', 'ceoNationalCode'),
    };
  }

  async function getOwn(caller: Caller): Promise<{ profile: KycProfile | null; documents: KycDocumentMeta[]; mobileVerified: boolean }> {
    const scope = scopeOf(caller);
    const mobile = await repo.mobileOf(caller.id);
    return { profile: await repo.find(scope, caller.id), documents: await repo.listDocuments(scope, caller.id), mobileVerified: Boolean(mobile?.verified) };
  }

  /** The caller's own profile or one in its subtree (an ancestor reviewing it). */
  async function getFor(caller: Caller, accountId: string) {
    const scope = scopeOf(caller);
    const profile = await repo.find(scope, accountId);
    if (!profile) throw new AppError('NOT_FOUND');
    return { profile, documents: await repo.listDocuments(scope, accountId), mobileVerified: Boolean((await repo.mobileOf(accountId))?.verified) };
  }

  async function saveProfile(caller: Caller, input: ProfileInput): Promise<KycProfile> {
    const fields = checkFields(input);
    return deps.db.transaction(async (tx) => {
      const r = kycRepo(tx);
      const current = await r.find(scopeOf(caller), caller.id, { forUpdate: true });
      if (current && (current.status === 'submitted' || current.status === 'approved')) throw new AppError('KYC_NOT_EDITABLE', { status: current.status });
      return r.upsert(caller, fields, deps.clock.now());
    });
  }

  async function addDocument(caller: Caller, doc: { kind: DocumentKind; filename: string; data: Buffer }): Promise<KycDocumentMeta> {
    if (doc.data.length > MAX_DOCUMENT_BYTES) throw new AppError('KYC_DOCUMENT_NOT_ALLOWED', { maxBytes: MAX_DOCUMENT_BYTES, reason: 'size' });
    const contentType = doc.data.length ? sniffDocument(doc.data) : null;
    if (!contentType) throw new AppError('KYC_DOCUMENT_NOT_ALLOWED', { maxBytes: MAX_DOCUMENT_BYTES, reason: 'type' });
    const profile = await repo.find(scopeOf(caller), caller.id);
    if (profile && (profile.status === 'submitted' || profile.status === 'approved')) throw new AppError('KYC_NOT_EDITABLE', { status: profile.status });
    const filename = (doc.filename.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').slice(-120) || 'document';
    return repo.insertDocument({
      id: newId('kyd'), accountId: caller.id, kind: doc.kind, filename, contentType, size: doc.data.length,
      sha256: createHash('sha256').update(doc.data).digest('hex'), createdAt: deps.clock.now(), data: doc.data,
    });
  }

  async function deleteDocument(caller: Caller, id: string): Promise<void> {
    const profile = await repo.find(scopeOf(caller), caller.id);
    if (profile && (profile.status === 'submitted' || profile.status === 'approved')) throw new AppError('KYC_NOT_EDITABLE', { status: profile.status });
    if (!(await repo.deleteDocument(scopeOf(caller), id))) throw new AppError('NOT_FOUND');
  }

  /** What a profile still lacks before it can be submitted. */
  function missingFor(p: KycProfile | null, documents: number, mobileVerified: boolean): string[] {
    if (!p) return ['profile'];
    const need: Array<[string, unknown]> = p.personType === 'natural'
      ? [['fullName', p.fullName], ['nationalCode', p.nationalCode], ['birthDate', p.birthDate], ['mobileVerified', mobileVerified || null]]
      : [['companyName', p.companyName], ['nationalId', p.nationalId], ['ceoName', p.ceoName], ['ceoNationalCode', p.ceoNationalCode]];
    const missing = need.filter(([, v]) => v === null || v === undefined).map(([k]) => k);
    if (!documents) missing.push('documents');
    return missing;
  }

  async function submit(caller: Caller, ip: string | null): Promise<KycProfile> {
    return deps.db.transaction(async (tx) => {
      const r = kycRepo(tx);
      const scope = scopeOf(caller);
      const p = await r.find(scope, caller.id, { forUpdate: true });
      if (p && (p.status === 'submitted' || p.status === 'approved')) throw new AppError('KYC_NOT_EDITABLE', { status: p.status });
      const missing = missingFor(p, (await r.listDocuments(scope, caller.id)).length, Boolean((await r.mobileOf(caller.id))?.verified));
      if (missing.length || !p) throw new AppError('KYC_INCOMPLETE', { missing });
      await r.setStatus(caller.id, { status: 'submitted', at: deps.clock.now() });
      await deps.audit.record({ actorId: caller.id, subject: caller, action: 'kyc.submitted', ip, details: { personType: p.personType } }, tx);
      return (await r.find(scope, caller.id))!;
    });
  }

  /** An ancestor decides; nobody reviews their own profile. A rejection needs a reason. */
  async function review(caller: Caller, accountId: string, d: { decision: 'approve' | 'reject'; reason?: string | null }, ip: string | null): Promise<KycProfile> {
    const reason = d.reason?.trim() || null;
    if (d.decision === 'reject' && !reason) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'reason', message: 'required when rejecting' }] });
    return deps.db.transaction(async (tx) => {
      const r = kycRepo(tx);
      const scope = scopeOf(caller);
      const p = await r.find(scope, accountId, { forUpdate: true });
      if (!p || !isAncestorOf(caller, p.accountPath)) throw new AppError('NOT_FOUND');
      if (p.status !== 'submitted') throw new AppError('KYC_NOT_SUBMITTED', { status: p.status });
      const status = d.decision === 'approve' ? 'approved' : 'rejected';
      await r.setStatus(accountId, { status, at: deps.clock.now(), reviewedBy: caller.id, reason: status === 'rejected' ? reason : null });
      await deps.audit.record({ actorId: caller.id, subject: { id: p.accountId, path: p.accountPath }, action: status === 'approved' ? 'kyc.approved' : 'kyc.rejected', ip, details: reason ? { reason } : {} }, tx);
      return (await r.find(scope, accountId))!;
    });
  }

  return {
    getOwn,
    getFor,
    saveProfile,
    addDocument,
    deleteDocument,
    submit,
    review,
    /** Submitted profiles below the caller, oldest first. */
    listForReview: (caller: Caller, f: { status: 'submitted' | 'approved' | 'rejected'; limit: number; offset: number }) => repo.listForReview(scopeOf(caller), f),
    /** Owner or an ancestor only: the scope is the caller's subtree. */
    async getDocument(caller: Caller, accountId: string, id: string) {
      const doc = await repo.getDocument(scopeOf(caller), accountId, id);
      if (!doc) throw new AppError('NOT_FOUND');
      return doc;
    },
    /** Inside the engine's transaction: pass its tx. */
    async isKycApproved(tx: Db, accountId: string): Promise<boolean> {
      return (await kycRepo(tx).statusOf(accountId)) === 'approved';
    },
  };
}

export type KycService = ReturnType<typeof createKycService>;
