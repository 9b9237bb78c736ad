// What the applicant hears: each transition by SMS, e-mail and the panel (the parent's brand
// templates, kind 'agency.application'), and the contract PDF by e-mail as an attachment.
import type { Logger } from 'pino';
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { toPersianDigits } from '../../lib/i18n.ts';
import { groupDigits } from '../../lib/money.ts';
import type { Mailer } from '../../mail/mailer.ts';
import { defaultContractTemplate, jalaliDate, renderContract, rialsFa } from '../../contracts/contract.ts';
import type { AccountService } from '../accounts/service.ts';
import type { BrandService } from '../brands/service.ts';
import type { Brand } from '../brands/types.ts';
import type { NotificationService } from '../notifications/service.ts';
import { agencyRepo, type Application, type ApplicationStatus } from './repo.ts';
import { addYears } from './validity.ts';

export const statusLabels: Record<ApplicationStatus, { fa: string; en: string }> = {
  draft: { fa: 'پیش‌نویس', en: 'draft' },
  submitted: { fa: 'ارسال شد', en: 'submitted' },
  quoted: { fa: 'هزینه اعلام شد', en: 'fee quoted' },
  payment_declared: { fa: 'پرداخت اعلام شد', en: 'payment declared' },
  activated: { fa: 'نمایندگی فعال شد', en: 'agency activated' },
  contract_sent: { fa: 'قرارداد فرستاده شد', en: 'contract sent' },
  contract_received: { fa: 'قرارداد امضاشده رسید', en: 'signed contract received' },
  countersigned: { fa: 'نسخهٔ امضاشدهٔ سامانه پست شد', en: 'countersigned copy posted' },
  rejected: { fa: 'رد شد', en: 'rejected' },
  cancelled: { fa: 'لغو شد', en: 'cancelled' },
};

/** The brand's SMS / e-mail signature: its own text, else its name and support phone. */
export function signatureOf(brand: Brand, lang: 'fa' | 'en'): string {
  const s = brand.settings;
  const own = lang === 'fa' ? s.smsSignatureFa : s.smsSignatureEn;
  if (own) return own;
  const name = lang === 'fa' ? brand.nameFa : brand.nameEn;
  return s.supportPhone ? `${name} — ${lang === 'fa' ? toPersianDigits(s.supportPhone) : s.supportPhone}` : name;
}

export function createAnnouncer(deps: { db: Db; clock: Clock; log: Logger; accounts: AccountService; brands: BrandService; notifications: NotificationService; mailer: Mailer }) {
  const repo = agencyRepo(deps.db);

  async function parentBrand(a: Application): Promise<Brand> {
    return (await deps.brands.findByAccount(a.parentId)) ?? (await deps.brands.brandsOf({ id: a.parentId, path: a.applicantPath.replace(/[^/]+\/$/, '') })).customerOf ?? deps.brands.getPlatformBrand();
  }

  async function applicationChanged(a: Application): Promise<void> {
    const applicant = await deps.accounts.findAccountForAuth(a.applicantId);
    if (!applicant) return;
    const brand = await parentBrand(a);
    const fee = a.fee !== null && a.status === 'quoted' ? { fa: `هزینهٔ نمایندگی: ${rialsFa(a.fee)} ریال`, en: `Agency fee: ${groupDigits(a.fee)} rials` } : '';
    await deps.notifications.alert({
      to: { ...applicant, email: a.email ?? applicant.email },
      kind: 'agency.application',
      priority: 'high',
      data: { applicationId: a.id, status: a.status },
      vars: {
        name: applicant.displayName || applicant.username,
        applicationId: a.id,
        status: statusLabels[a.status],
        reason: a.reason && (a.status === 'rejected' || a.status === 'cancelled') ? a.reason : '',
        fee,
        supportPhone: brand.settings.supportPhone ?? '',
        signature: { fa: signatureOf(brand, 'fa'), en: signatureOf(brand, 'en') },
      },
    });
  }

  async function contractPdf(a: Application & { contractNumber: string }): Promise<Buffer> {
    const parent = (await deps.accounts.findAccountForAuth(a.parentId))!;
    const applicant = (await deps.accounts.findAccountForAuth(a.applicantId))!;
    const settings = await repo.findSettings(a.parentId);
    const brand = await parentBrand(a);
    const from = a.activatedAt ?? deps.clock.now();
    const until = a.validUntil ?? addYears(from, 1);
    const term = await repo.findTerm(a.applicantId);
    return renderContract(settings?.contractTemplate ?? defaultContractTemplate, {
      contractNumber: a.contractNumber,
      date: jalaliDate(deps.clock.now()),
      parentName: settings?.legalName || brand.nameFa || parent.displayName || parent.username,
      parentNationalNumber: toPersianDigits(settings?.nationalNumber || '—'),
      parentAddress: settings?.address || '—',
      parentPhone: toPersianDigits(settings?.phone || brand.settings.supportPhone || '—'),
      applicantName: applicant.displayName || applicant.username,
      businessName: a.businessName,
      legalType: a.legalType === 'legal' ? 'شخص حقوقی' : 'شخص حقیقی',
      nationalNumber: toPersianDigits(a.nationalNumber),
      address: a.address,
      phone: toPersianDigits(a.phone),
      email: a.email ?? applicant.email ?? '—',
      fee: rialsFa(a.fee ?? 0n),
      renewalFee: rialsFa(term?.renewalFee ?? a.renewalFee ?? 0n),
      validFrom: jalaliDate(from),
      validUntil: jalaliDate(until),
      graceDays: toPersianDigits(term?.graceDays ?? settings?.graceDays ?? 15),
    });
  }

  /**
   * True when the e-mail went out, or waits for a retry after a temporary refusal (the PDF is
   * kept with the notification until then), or went into the outbox when no SMTP server is set.
   */
  async function mailContract(a: Application & { contractNumber: string }, pdf: Buffer): Promise<boolean> {
    const applicant = await deps.accounts.findAccountForAuth(a.applicantId);
    const to = a.email ?? applicant?.email;
    if (!to || !applicant) return false;
    const brand = await parentBrand(a);
    const fa = applicant.locale === 'fa';
    const subject = fa ? `قرارداد نمایندگی ${toPersianDigits(a.contractNumber)} — ${brand.nameFa}` : `Agency contract ${a.contractNumber} — ${brand.nameEn}`;
    const text = fa
      ? `${applicant.displayName || applicant.username} گرامی،\n\nقرارداد نمایندگی شما پیوست است. لطفاً آن را امضا کنید و با پست بفرستید، سپس تاریخ و کد رهگیری مرسوله را در پنل ثبت کنید.\n\n${signatureOf(brand, 'fa')}`
      : `Dear ${applicant.displayName || applicant.username},\n\nYour agency contract is attached. Please sign it, post it, and record the posting date and tracking number in the panel.\n\n${signatureOf(brand, 'en')}`;
    const filename = `contract-${a.contractNumber}.pdf`;
    // The outbox shows the attachment's name in the text; over SMTP the PDF itself is attached.
    const outbox = deps.mailer.kind === 'outbox';
    const r = await deps.notifications.deliver({
      channel: 'email', recipient: to, subject, body: outbox ? `${text}\n\n[${filename}]` : text, kind: 'agency.contract', accountId: applicant.id, brandId: brand.id,
      fromName: fa ? brand.nameFa : brand.nameEn, ...(outbox ? {} : { attachments: [{ filename, content: pdf, contentType: 'application/pdf' }] }),
    });
    if (r.status !== 'sent') deps.log.warn({ applicationId: a.id, notification: r.id, status: r.status }, 'contract e-mail not delivered yet');
    return r.status !== 'failed';
  }

  return { applicationChanged, contractPdf, mailContract };
}

export type Announcer = ReturnType<typeof createAnnouncer>;
