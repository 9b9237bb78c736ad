// What a parent (the platform, or an agency) sets for the agencies and users under it: the renewal
// fee and grace period of new agencies, the yearly cost of a user's panel, its own legal details
// for the contract, and the contract template.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { toPersianDigits } from '../../lib/i18n.ts';
import { AppError } from '../../lib/app-error.ts';
import { defaultContractTemplate, jalaliDate, renderContract, rialsFa, unknownContractVariables } from '../../contracts/contract.ts';
import type { Account } from '../accounts/types.ts';
import type { AccountService } from '../accounts/service.ts';
import type { AuditService } from '../audit/service.ts';
import { agencyRepo, type AgencySettings } from './repo.ts';
import { addYears, DEFAULT_GRACE_DAYS } from './validity.ts';

export type SettingsPatch = Partial<Omit<AgencySettings, 'accountId'>>;

export function createAgencySettingsService(deps: { db: Db; clock: Clock; accounts: AccountService; audit: AuditService }) {
  const repo = agencyRepo(deps.db);

  function defaults(accountId: string): AgencySettings {
    return { accountId, renewalFee: null, graceDays: DEFAULT_GRACE_DAYS, userRenewalFee: 0n, contractTemplate: null, legalName: '', nationalNumber: '', address: '', phone: '' };
  }

  async function get(caller: Account): Promise<AgencySettings & { contractTemplateDefault: string }> {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    return { ...((await repo.findSettings(caller.id)) ?? defaults(caller.id)), contractTemplateDefault: defaultContractTemplate };
  }

  async function set(caller: Account, patch: SettingsPatch, ip: string | null) {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
    await deps.accounts.assertMayAdminister(caller, 'settings');
    if (patch.contractTemplate) {
      const unknown = unknownContractVariables(patch.contractTemplate);
      if (unknown.length) throw new AppError('VALIDATION_FAILED', { fields: unknown.map((n) => ({ path: `{{${n}}}`, message: 'unknown variable' })) });
    }
    const current = (await repo.findSettings(caller.id)) ?? defaults(caller.id);
    const next = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)), accountId: caller.id } as AgencySettings;
    await repo.upsertSettings(next);
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'agency.settings_changed', ip, details: { fields: Object.keys(patch) } });
    return get(caller);
  }

  /** The contract as it would come out, with sample applicant details. */
  async function previewContract(caller: Account, template?: string): Promise<Buffer> {
    const s = await get(caller);
    const t = template ?? s.contractTemplate ?? defaultContractTemplate;
    const unknown = unknownContractVariables(t);
    if (unknown.length) throw new AppError('VALIDATION_FAILED', { fields: unknown.map((n) => ({ path: `{{${n}}}`, message: 'unknown variable' })) });
    const now = deps.clock.now();
    return renderContract(t, {
      contractNumber: 'نمونه', date: jalaliDate(now), parentName: s.legalName || caller.displayName || caller.username, parentNationalNumber: toPersianDigits(s.nationalNumber || '—'),
      parentAddress: s.address || '—', parentPhone: toPersianDigits(s.phone || '—'), applicantName: 'نام متقاضی', businessName: 'نام تجاری متقاضی', legalType: 'شخص حقوقی',
      nationalNumber: toPersianDigits('10380284790'), address: 'نشانی متقاضی', phone: toPersianDigits('02100000000'), email: 'applicant@example.com', fee: rialsFa(0n),
      renewalFee: rialsFa(s.renewalFee ?? 0n), validFrom: jalaliDate(now), validUntil: jalaliDate(addYears(now, 1)), graceDays: toPersianDigits(s.graceDays),
    });
  }

  return { get, set, previewContract, userRenewalFee: async (parentId: string, db: Db = deps.db) => (await agencyRepo(db).findSettings(parentId))?.userRenewalFee ?? 0n };
}

export type AgencySettingsService = ReturnType<typeof createAgencySettingsService>;
