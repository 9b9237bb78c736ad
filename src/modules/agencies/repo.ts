// The only SQL of the agency programme: applications, their documents and events, agency terms,
// renewal reminders and the parents' agency settings.
import type { Db } from '../../db/driver.ts';
import { toBigInt, toDate } from '../../db/driver.ts';
import { readFile, writeFile } from '../../db/files-repo.ts';
import type { Scope } from '../accounts/scope.ts';

export const applicationStatuses = ['draft', 'submitted', 'quoted', 'payment_declared', 'activated', 'contract_sent', 'contract_received', 'countersigned', 'rejected', 'cancelled'] as const;
export type ApplicationStatus = (typeof applicationStatuses)[number];
export type LegalType = 'natural' | 'legal';
export type TermState = 'active' | 'expiring' | 'expired' | 'renewed';

export type Application = {
  id: string;
  applicantId: string;
  applicantPath: string;
  parentId: string;
  status: ApplicationStatus;
  businessName: string;
  legalType: LegalType;
  nationalNumber: string;
  address: string;
  phone: string;
  email: string | null;
  plan: string;
  fee: bigint | null;
  renewalFee: bigint | null;
  quoteNote: string | null;
  paymentMethod: 'online' | 'deposit' | null;
  paymentReference: string | null;
  feeTransactionId: string | null;
  activatedAt: Date | null;
  validUntil: Date | null;
  contractNumber: string | null;
  contractSentAt: Date | null;
  signedPostedOn: string | null;
  signedTracking: string | null;
  receivedOn: string | null;
  countersignedOn: string | null;
  countersignedTracking: string | null;
  reason: string | null;
  createdAt: Date;
  updatedAt: Date;
};

export type ApplicationFields = Pick<Application, 'businessName' | 'legalType' | 'nationalNumber' | 'address' | 'phone' | 'email' | 'plan'>;
export type ApplicationEvent = { fromStatus: string | null; toStatus: string; actorId: string | null; reason: string | null; details: Record<string, unknown>; at: Date };
export type ApplicationDocument = { id: string; applicationId: string; kind: string; filename: string; contentType: string; size: number; sha256: string; createdAt: Date };
export type Term = { accountId: string; parentId: string; applicationId: string | null; validUntil: Date; renewalFee: bigint; graceDays: number; state: TermState };
export type AgencySettings = {
  accountId: string;
  renewalFee: bigint | null;
  graceDays: number;
  userRenewalFee: bigint;
  contractTemplate: string | null;
  legalName: string;
  nationalNumber: string;
  address: string;
  phone: string;
};

const ymd = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).slice(0, 10);
};
const big = (v: unknown): bigint | null => (v === null || v === undefined ? null : toBigInt(v));

const appColumns = `id, applicant_id, applicant_path, parent_id, status, business_name, legal_type, national_number, address, phone, email, plan,
  fee, renewal_fee, quote_note, payment_method, payment_reference, fee_transaction_id, activated_at, valid_until, contract_number,
  contract_sent_at, to_char(signed_posted_on, 'YYYY-MM-DD') AS signed_posted_on, signed_tracking, to_char(received_on, 'YYYY-MM-DD') AS received_on,
  to_char(countersigned_on, 'YYYY-MM-DD') AS countersigned_on, countersigned_tracking, reason, created_at, updated_at`;

function toApplication(r: Record<string, unknown>): Application {
  return {
    id: r.id as string,
    applicantId: r.applicant_id as string,
    applicantPath: r.applicant_path as string,
    parentId: r.parent_id as string,
    status: r.status as ApplicationStatus,
    businessName: r.business_name as string,
    legalType: r.legal_type as LegalType,
    nationalNumber: r.national_number as string,
    address: r.address as string,
    phone: r.phone as string,
    email: (r.email as string | null) ?? null,
    plan: r.plan as string,
    fee: big(r.fee),
    renewalFee: big(r.renewal_fee),
    quoteNote: (r.quote_note as string | null) ?? null,
    paymentMethod: (r.payment_method as Application['paymentMethod']) ?? null,
    paymentReference: (r.payment_reference as string | null) ?? null,
    feeTransactionId: (r.fee_transaction_id as string | null) ?? null,
    activatedAt: toDate(r.activated_at),
    validUntil: toDate(r.valid_until),
    contractNumber: (r.contract_number as string | null) ?? null,
    contractSentAt: toDate(r.contract_sent_at),
    signedPostedOn: ymd(r.signed_posted_on),
    signedTracking: (r.signed_tracking as string | null) ?? null,
    receivedOn: ymd(r.received_on),
    countersignedOn: ymd(r.countersigned_on),
    countersignedTracking: (r.countersigned_tracking as string | null) ?? null,
    reason: (r.reason as string | null) ?? null,
    createdAt: toDate(r.created_at)!,
    updatedAt: toDate(r.updated_at)!,
  };
}

function toTerm(r: Record<string, unknown>): Term {
  return {
    accountId: r.account_id as string,
    parentId: r.parent_id as string,
    applicationId: (r.application_id as string | null) ?? null,
    validUntil: toDate(r.valid_until)!,
    renewalFee: toBigInt(r.renewal_fee),
    graceDays: Number(r.grace_days),
    state: r.state as TermState,
  };
}

/** Which columns a patch may set, mapped to their SQL names. */
const patchable = {
  status: 'status', fee: 'fee', renewalFee: 'renewal_fee', quoteNote: 'quote_note', paymentMethod: 'payment_method', paymentReference: 'payment_reference',
  feeTransactionId: 'fee_transaction_id', activatedAt: 'activated_at', validUntil: 'valid_until', contractNumber: 'contract_number', contractPdf: 'contract_pdf',
  contractSentAt: 'contract_sent_at', signedPostedOn: 'signed_posted_on', signedTracking: 'signed_tracking', receivedOn: 'received_on', countersignedOn: 'countersigned_on',
  countersignedTracking: 'countersigned_tracking', reason: 'reason', businessName: 'business_name', legalType: 'legal_type', nationalNumber: 'national_number',
  address: 'address', phone: 'phone', email: 'email', plan: 'plan',
} as const;
export type ApplicationPatch = Partial<Record<keyof typeof patchable, unknown>>;

export function agencyRepo(db: Db) {
  return {
    async insertApplication(a: { id: string; applicantId: string; applicantPath: string; parentId: string; fields: ApplicationFields; at: Date }): Promise<void> {
      const f = a.fields;
      await db.query(
        `INSERT INTO agency_applications (id, applicant_id, applicant_path, parent_id, status, business_name, legal_type, national_number, address, phone, email, plan, created_at, updated_at)
         VALUES ($1,$2,$3,$4,'draft',$5,$6,$7,$8,$9,$10,$11,$12,$12)`,
        [a.id, a.applicantId, a.applicantPath, a.parentId, f.businessName, f.legalType, f.nationalNumber, f.address, f.phone, f.email, f.plan, a.at],
      );
    },

    /** The applicant's own, or one its parent handles: anyone else gets null (404). */
    async findApplication(scope: Scope, id: string, opts: { forUpdate?: boolean } = {}): Promise<Application | null> {
      const { rows } = await db.query(
        `SELECT ${appColumns} FROM agency_applications WHERE id = $1 AND (applicant_id = $2 OR parent_id = $2) AND starts_with(applicant_path, $3)${opts.forUpdate ? ' FOR UPDATE' : ''}`,
        [id, scope.accountId, scope.path],
      );
      return rows[0] ? toApplication(rows[0]) : null;
    },

    async listApplications(scope: Scope, f: { side: 'mine' | 'queue'; status?: ApplicationStatus; limit: number; offset: number }): Promise<{ items: Application[]; total: number }> {
      const where = [f.side === 'mine' ? 'applicant_id = $1' : 'parent_id = $1', 'starts_with(applicant_path, $2)'];
      const params: unknown[] = [scope.accountId, scope.path];
      if (f.status) {
        params.push(f.status);
        where.push(`status = $${params.length}`);
      }
      const w = where.join(' AND ');
      const total = await db.query<{ n: bigint }>(`SELECT count(*)::int8 AS n FROM agency_applications WHERE ${w}`, params);
      const { rows } = await db.query(`SELECT ${appColumns} FROM agency_applications WHERE ${w} ORDER BY updated_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset}`, params);
      return { items: rows.map(toApplication), total: Number(total.rows[0].n) };
    },

    /** The parent's queue: how many applications wait in each state. */
    async countByStatus(scope: Scope): Promise<Record<string, number>> {
      const { rows } = await db.query('SELECT status, count(*)::int8 AS n FROM agency_applications WHERE parent_id = $1 GROUP BY status', [scope.accountId]);
      return Object.fromEntries(rows.map((r) => [r.status as string, Number(r.n)]));
    },

    async patchApplication(id: string, patch: ApplicationPatch, at: Date): Promise<void> {
      const sets: string[] = [];
      const params: unknown[] = [id, at];
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        params.push(v);
        sets.push(`${patchable[k as keyof typeof patchable]} = $${params.length}`);
      }
      await db.query(`UPDATE agency_applications SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1`, params);
    },

    async contractPdf(scope: Scope, id: string): Promise<Buffer | null> {
      const { rows } = await db.query('SELECT contract_pdf FROM agency_applications WHERE id = $1 AND (applicant_id = $2 OR parent_id = $2) AND starts_with(applicant_path, $3)', [id, scope.accountId, scope.path]);
      const data = rows[0]?.contract_pdf;
      return data ? Buffer.from(data as Uint8Array) : null;
    },

    async insertEvent(e: ApplicationEvent & { applicationId: string }): Promise<void> {
      await db.query(
        'INSERT INTO agency_application_events (application_id, from_status, to_status, actor_id, reason, details, at) VALUES ($1,$2,$3,$4,$5,$6,$7)',
        [e.applicationId, e.fromStatus, e.toStatus, e.actorId, e.reason, JSON.stringify(e.details), e.at],
      );
    },

    async events(applicationId: string): Promise<ApplicationEvent[]> {
      const { rows } = await db.query('SELECT * FROM agency_application_events WHERE application_id = $1 ORDER BY id', [applicationId]);
      return rows.map((r) => ({ fromStatus: (r.from_status as string | null) ?? null, toStatus: r.to_status as string, actorId: (r.actor_id as string | null) ?? null, reason: (r.reason as string | null) ?? null, details: (r.details as Record<string, unknown>) ?? {}, at: toDate(r.at)! }));
    },

    async insertDocument(d: ApplicationDocument & { data: Buffer }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx.query(
          'INSERT INTO agency_application_documents (id, application_id, kind, filename, content_type, size, sha256, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)',
          [d.id, d.applicationId, d.kind, d.filename, d.contentType, d.size, d.sha256, d.createdAt],
        );
        await writeFile(tx, `agency_application_documents/${d.id}`, d.data);
      });
    },

    async documents(applicationId: string): Promise<ApplicationDocument[]> {
      const { rows } = await db.query('SELECT id, application_id, kind, filename, content_type, size, sha256, created_at FROM agency_application_documents WHERE application_id = $1 ORDER BY created_at, id', [applicationId]);
      return rows.map((r) => ({ id: r.id as string, applicationId: r.application_id as string, kind: r.kind as string, filename: r.filename as string, contentType: r.content_type as string, size: Number(r.size), sha256: r.sha256 as string, createdAt: toDate(r.created_at)! }));
    },

    async document(applicationId: string, id: string): Promise<{ filename: string; contentType: string; data: Buffer } | null> {
      const { rows } = await db.query('SELECT filename, content_type FROM agency_application_documents WHERE application_id = $1 AND id = $2', [applicationId, id]);
      return rows[0] ? { filename: rows[0].filename as string, contentType: rows[0].content_type as string, data: await readFile(db, `agency_application_documents/${id}`) } : null;
    },

    async findSettings(accountId: string): Promise<AgencySettings | null> {
      const { rows } = await db.query('SELECT * FROM agency_settings WHERE account_id = $1', [accountId]);
      const r = rows[0];
      if (!r) return null;
      return {
        accountId, renewalFee: big(r.renewal_fee), graceDays: Number(r.grace_days), userRenewalFee: toBigInt(r.user_renewal_fee), contractTemplate: (r.contract_template as string | null) ?? null,
        legalName: r.legal_name as string, nationalNumber: r.national_number as string, address: r.address as string, phone: r.phone as string,
      };
    },

    async upsertSettings(s: AgencySettings): Promise<void> {
      await db.query(
        `INSERT INTO agency_settings (account_id, renewal_fee, grace_days, user_renewal_fee, contract_template, legal_name, national_number, address, phone)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
         ON CONFLICT (account_id) DO UPDATE SET renewal_fee = EXCLUDED.renewal_fee, grace_days = EXCLUDED.grace_days, user_renewal_fee = EXCLUDED.user_renewal_fee,
           contract_template = EXCLUDED.contract_template, legal_name = EXCLUDED.legal_name, national_number = EXCLUDED.national_number,
           address = EXCLUDED.address, phone = EXCLUDED.phone, updated_at = now()`,
        [s.accountId, s.renewalFee, s.graceDays, s.userRenewalFee, s.contractTemplate, s.legalName, s.nationalNumber, s.address, s.phone],
      );
    },

    async upsertTerm(t: Term, at: Date): Promise<void> {
      await db.query(
        `INSERT INTO agency_terms (account_id, parent_id, application_id, valid_until, renewal_fee, grace_days, state, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
         ON CONFLICT (account_id) DO UPDATE SET valid_until = EXCLUDED.valid_until, renewal_fee = EXCLUDED.renewal_fee, grace_days = EXCLUDED.grace_days,
           state = EXCLUDED.state, application_id = COALESCE(EXCLUDED.application_id, agency_terms.application_id), updated_at = EXCLUDED.updated_at`,
        [t.accountId, t.parentId, t.applicationId, t.validUntil, t.renewalFee, t.graceDays, t.state, at],
      );
    },

    async findTerm(accountId: string, opts: { forUpdate?: boolean } = {}): Promise<Term | null> {
      const { rows } = await db.query(`SELECT * FROM agency_terms WHERE account_id = $1${opts.forUpdate ? ' FOR UPDATE' : ''}`, [accountId]);
      return rows[0] ? toTerm(rows[0]) : null;
    },

    async setTermState(accountId: string, state: TermState, at: Date): Promise<void> {
      await db.query('UPDATE agency_terms SET state = $2, updated_at = $3 WHERE account_id = $1', [accountId, state, at]);
    },

    /** Terms that end before `until` (reminders, expiry): the daily job's work list. */
    async termsEndingBefore(until: Date): Promise<Term[]> {
      const { rows } = await db.query('SELECT * FROM agency_terms WHERE valid_until < $1 ORDER BY valid_until', [until]);
      return rows.map(toTerm);
    },

    /** True once per (account, term end, lead time): the reminder's idempotency. */
    async claimReminder(accountId: string, validUntil: Date, daysBefore: number, at: Date): Promise<boolean> {
      const r = await db.query(
        'INSERT INTO renewal_reminders (account_id, valid_until, days_before, sent_at) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING',
        [accountId, validUntil, daysBefore, at],
      );
      return r.rowCount === 1;
    },

    /** A new agency's own default user group, as billing creates one for every agency at birth. */
    async ensureDefaultGroup(ownerId: string, id: string): Promise<void> {
      await db.query(
        `INSERT INTO user_groups (id, owner_id, name, is_default) SELECT $1, $2, 'default', true
         WHERE NOT EXISTS (SELECT 1 FROM user_groups WHERE owner_id = $2 AND is_default)`,
        [id, ownerId],
      );
    },
  };
}

export type AgencyRepo = ReturnType<typeof agencyRepo>;
