// The only SQL of the KYC module: one profile per account, its documents (their bytes in db/files-repo.ts).
import type { Db } from '../../db/driver.ts';
import { toDate } from '../../db/driver.ts';
import { deleteFile, readFile, writeFile } from '../../db/files-repo.ts';
import type { Scope } from '../accounts/scope.ts';

export type KycStatus = 'draft' | 'submitted' | 'approved' | 'rejected';
export type PersonType = 'natural' | 'legal';

export type KycProfile = {
  accountId: string;
  accountPath: string;
  personType: PersonType;
  status: KycStatus;
  fullName: string | null;
  nationalCode: string | null;
  birthDate: string | null;
  companyName: string | null;
  nationalId: string | null;
  ceoName: string | null;
  ceoNationalCode: string | null;
  submittedAt: Date | null;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  rejectionReason: string | null;
  updatedAt: Date;
};

export type KycDocumentMeta = { id: string; accountId: string; kind: string; filename: string; contentType: string; size: number; sha256: string; createdAt: Date };

const dateOnly = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return `${v.getFullYear()}-${String(v.getMonth() + 1).padStart(2, '0')}-${String(v.getDate()).padStart(2, '0')}`;
  return String(v).slice(0, 10);
};

const toProfile = (r: Record<string, unknown>): KycProfile => ({
  accountId: r.account_id as string,
  accountPath: r.account_path as string,
  personType: r.person_type as PersonType,
  status: r.status as KycStatus,
  fullName: (r.full_name as string | null) ?? null,
  nationalCode: (r.national_code as string | null) ?? null,
  birthDate: dateOnly(r.birth_date),
  companyName: (r.company_name as string | null) ?? null,
  nationalId: (r.national_id as string | null) ?? null,
  ceoName: (r.ceo_name as string | null) ?? null,
  ceoNationalCode: (r.ceo_national_code as string | null) ?? null,
  submittedAt: toDate(r.submitted_at),
  reviewedBy: (r.reviewed_by as string | null) ?? null,
  reviewedAt: toDate(r.reviewed_at),
  rejectionReason: (r.rejection_reason as string | null) ?? null,
  updatedAt: toDate(r.updated_at)!,
});

const toMeta = (r: Record<string, unknown>): KycDocumentMeta => ({
  id: r.id as string,
  accountId: r.account_id as string,
  kind: r.kind as string,
  filename: r.filename as string,
  contentType: r.content_type as string,
  size: Number(r.size),
  sha256: r.sha256 as string,
  createdAt: toDate(r.created_at)!,
});

const profileColumns = `account_id, account_path, person_type, status, full_name, national_code, to_char(birth_date, 'YYYY-MM-DD') AS birth_date,
  company_name, national_id, ceo_name, ceo_national_code, submitted_at, reviewed_by, reviewed_at, rejection_reason, updated_at`;

export type ProfileFields = Pick<KycProfile, 'personType' | 'fullName' | 'nationalCode' | 'birthDate' | 'companyName' | 'nationalId' | 'ceoName' | 'ceoNationalCode'>;

export function kycRepo(db: Db) {
  return {
    /** A profile in the caller's subtree (the caller's own included). */
    async find(scope: Scope, accountId: string, opts: { forUpdate?: boolean } = {}): Promise<KycProfile | null> {
      const { rows } = await db.query(
        `SELECT ${profileColumns} FROM kyc_profiles WHERE account_id = $1 AND starts_with(account_path, $2)${opts.forUpdate ? ' FOR UPDATE' : ''}`,
        [accountId, scope.path],
      );
      return rows[0] ? toProfile(rows[0]) : null;
    },
    /** Unscoped status, for the send path (the engine knows whose send it is). */
    async statusOf(accountId: string): Promise<KycStatus | null> {
      const { rows } = await db.query('SELECT status FROM kyc_profiles WHERE account_id = $1', [accountId]);
      return (rows[0]?.status as KycStatus | undefined) ?? null;
    },
    async upsert(account: { id: string; path: string }, f: ProfileFields, at: Date): Promise<KycProfile> {
      const { rows } = await db.query(
        `INSERT INTO kyc_profiles (account_id, account_path, person_type, status, full_name, national_code, birth_date, company_name, national_id,
           ceo_name, ceo_national_code, updated_at)
         VALUES ($1,$2,$3,'draft',$4,$5,$6::date,$7,$8,$9,$10,$11)
         ON CONFLICT (account_id) DO UPDATE SET person_type = $3, status = 'draft', full_name = $4, national_code = $5, birth_date = $6::date,
           company_name = $7, national_id = $8, ceo_name = $9, ceo_national_code = $10, updated_at = $11
         RETURNING ${profileColumns}`,
        [account.id, account.path, f.personType, f.fullName, f.nationalCode, f.birthDate, f.companyName, f.nationalId, f.ceoName, f.ceoNationalCode, at],
      );
      return toProfile(rows[0]);
    },
    async setStatus(accountId: string, s: { status: KycStatus; at: Date; reviewedBy?: string | null; reason?: string | null }): Promise<void> {
      if (s.status === 'submitted') {
        await db.query("UPDATE kyc_profiles SET status = 'submitted', submitted_at = $2, updated_at = $2, rejection_reason = NULL WHERE account_id = $1", [accountId, s.at]);
      } else {
        await db.query('UPDATE kyc_profiles SET status = $2, reviewed_by = $3, reviewed_at = $4, rejection_reason = $5, updated_at = $4 WHERE account_id = $1', [
          accountId, s.status, s.reviewedBy ?? null, s.at, s.reason ?? null,
        ]);
      }
    },
    /** Submitted profiles strictly below the caller: its review queue. */
    async listForReview(scope: Scope, f: { status: KycStatus; limit: number; offset: number }): Promise<KycProfile[]> {
      const { rows } = await db.query(
        `SELECT ${profileColumns} FROM kyc_profiles WHERE starts_with(account_path, $1) AND account_id <> $2 AND status = $3
         ORDER BY submitted_at NULLS LAST, account_id LIMIT ${f.limit} OFFSET ${f.offset}`,
        [scope.path, scope.accountId, f.status],
      );
      return rows.map(toProfile);
    },
    async insertDocument(d: KycDocumentMeta & { data: Buffer }): Promise<KycDocumentMeta> {
      return db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO kyc_documents (id, account_id, kind, filename, content_type, size, sha256, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
           RETURNING id, account_id, kind, filename, content_type, size, sha256, created_at`,
          [d.id, d.accountId, d.kind, d.filename, d.contentType, d.size, d.sha256, d.createdAt],
        );
        await writeFile(tx, `kyc_documents/${d.id}`, d.data);
        return toMeta(rows[0]);
      });
    },
    async listDocuments(scope: Scope, accountId: string): Promise<KycDocumentMeta[]> {
      const { rows } = await db.query(
        `SELECT d.id, d.account_id, d.kind, d.filename, d.content_type, d.size, d.sha256, d.created_at FROM kyc_documents d
         JOIN accounts a ON a.id = d.account_id WHERE d.account_id = $1 AND starts_with(a.path, $2) ORDER BY d.created_at, d.id`,
        [accountId, scope.path],
      );
      return rows.map(toMeta);
    },
    async getDocument(scope: Scope, accountId: string, id: string): Promise<(KycDocumentMeta & { data: Buffer }) | null> {
      const { rows } = await db.query(
        `SELECT d.id, d.account_id, d.kind, d.filename, d.content_type, d.size, d.sha256, d.created_at FROM kyc_documents d
         JOIN accounts a ON a.id = d.account_id WHERE d.id = $1 AND d.account_id = $2 AND starts_with(a.path, $3)`,
        [id, accountId, scope.path],
      );
      return rows[0] ? { ...toMeta(rows[0]), data: await readFile(db, `kyc_documents/${id}`) } : null;
    },
    async deleteDocument(scope: Scope, id: string): Promise<boolean> {
      return db.transaction(async (tx) => {
        const gone = (await tx.query('DELETE FROM kyc_documents WHERE id = $1 AND account_id = $2', [id, scope.accountId])).rowCount > 0;
        if (gone) await deleteFile(tx, `kyc_documents/${id}`);
        return gone;
      });
    },
    async mobileOf(accountId: string): Promise<{ mobile: string; verified: boolean } | null> {
      const { rows } = await db.query('SELECT mobile, mobile_verified_at FROM accounts WHERE id = $1', [accountId]);
      return rows[0] ? { mobile: rows[0].mobile as string, verified: rows[0].mobile_verified_at !== null } : null;
    },
  };
}
