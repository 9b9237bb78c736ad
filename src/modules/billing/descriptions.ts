// What a statement row says, in the reader's language (Persian first, English second). A ledger
// transaction stores its type and structured params (written when it is posted); the words are
// made here, at read time, from those, the reader's side of it (the sign of its amount) and
// `party`: the other account when it is in the reader's subtree (the child credited, the user who
// sent), else null. A note a person typed stays apart, as typed.
//
// A new transaction type gets an entry in `descriptions` (and a label in `typeLabels`); until then
// its rows read "Wallet transaction (its_type)" and never fail. Rows posted before params existed
// (params NULL) are read from the English notes the code used to write (`legacy`).
import { toPersianDigits, type Lang } from '../../lib/i18n.ts';

export type LedgerParams = Record<string, string | number | boolean>;

type Ctx = { p: LedgerParams; amount: bigint; party: string | null };
type Words = { fa: (c: Ctx) => string; en: (c: Ctx) => string };

const count = (p: LedgerParams, key: string) => (typeof p[key] === 'number' && Number.isInteger(p[key]) && (p[key] as number) > 0 ? (p[key] as number) : null);
const str = (p: LedgerParams, key: string) => (typeof p[key] === 'string' && p[key] !== '' ? (p[key] as string) : null);
const fa = (n: number | string) => toPersianDigits(n);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A send's words for `n` messages (null: a row from before params), and whose send it was. */
function sendWords(faWords: (n: string | null) => string, enWords: (n: string | null) => string): Words {
  return {
    fa: ({ p, party }) => {
      const n = count(p, 'messages');
      return `${faWords(n ? `${fa(n)} پیامک` : null)}${party ? ` از حساب ${party}` : ''}`;
    },
    en: ({ p, party }) => {
      const n = count(p, 'messages');
      return `${enWords(n ? plural(n, 'message') : null)}${party ? ` from ${party}` : ''}`;
    },
  };
}

const gateways: Record<string, { fa: string; en: string }> = {
  zarinpal: { fa: 'درگاه زرین‌پال', en: 'Zarinpal' },
  sandbox: { fa: 'درگاه آزمایشی', en: 'the test gateway' },
};

const settleSend = sendWords(
  (n) => `تسویهٔ هزینهٔ ارسال ${n ?? 'پیامک'}`,
  (n) => (n ? `Settled the cost of sending ${n}` : 'Settled the cost of a send'),
);

const refFa = (p: LedgerParams) => (str(p, 'refId') ? ` (کد پیگیری ${str(p, 'refId')})` : '');
const refEn = (p: LedgerParams) => (str(p, 'refId') ? ` (ref. ${str(p, 'refId')})` : '');

export const descriptions: Record<string, Words> = {
  send_reserve: sendWords(
    (n) => `رزرو هزینهٔ ارسال ${n ?? 'پیامک'}`,
    (n) => (n ? `Reserved the cost of sending ${n}` : 'Reserved the cost of a send'),
  ),
  settle: {
    fa: (c) => (c.p.kind === 'receive' ? `هزینهٔ دریافت پیامک${c.party ? ` در حساب ${c.party}` : ''}` : settleSend.fa(c)),
    en: (c) => (c.p.kind === 'receive' ? `Charge for a received message${c.party ? ` (account ${c.party})` : ''}` : settleSend.en(c)),
  },
  refund: sendWords(
    (n) => `بازگشت هزینهٔ رزروشدهٔ ${n ?? 'پیامک'}`,
    (n) => `Returned the reserved cost of ${n ?? 'a send'}`,
  ),
  transfer: {
    fa: ({ p, amount, party }) => {
      const pkg = str(p, 'package');
      if (pkg) return `اعتبار اولیهٔ بستهٔ «${pkg}»${party && amount < 0n ? ` برای ${party}` : ''}`;
      if (amount < 0n) return party ? `انتقال اعتبار به ${party}` : 'بازپس‌گیری اعتبار';
      return party ? `بازپس‌گیری اعتبار از ${party}` : 'دریافت اعتبار';
    },
    en: ({ p, amount, party }) => {
      const pkg = str(p, 'package');
      if (pkg) return `Starting credit of the “${pkg}” package${party && amount < 0n ? ` for ${party}` : ''}`;
      if (amount < 0n) return party ? `Credit transferred to ${party}` : 'Credit taken back';
      return party ? `Credit taken back from ${party}` : 'Credit received';
    },
  },
  topup: {
    fa: ({ p, party }) => {
      if (p.method === 'deposit') return `${party ? `فیش واریزی حساب ${party}` : 'واریز با فیش بانکی'}${str(p, 'trackingNumber') ? ` (شمارهٔ پیگیری ${str(p, 'trackingNumber')})` : ''}`;
      if (p.method === 'online') return `${party ? `شارژ حساب ${party} از` : 'واریز از'} ${gateways[str(p, 'gateway') ?? '']?.fa ?? 'درگاه پرداخت'}${refFa(p)}`;
      return `افزایش اعتبار${party ? ` حساب ${party}` : ''}`;
    },
    en: ({ p, party }) => {
      if (p.method === 'deposit') return `Bank deposit${party ? ` by ${party}` : ''}${str(p, 'trackingNumber') ? ` (tracking no. ${str(p, 'trackingNumber')})` : ''}`;
      if (p.method === 'online') return `Top-up${party ? ` of ${party}` : ''} via ${gateways[str(p, 'gateway') ?? '']?.en ?? 'online payment'}${refEn(p)}`;
      return `Top-up${party ? ` of ${party}` : ''}`;
    },
  },
  agency_fee: {
    fa: ({ party }) => `کارمزد نمایندگی${party ? ` ${party}` : ''}`,
    en: ({ party }) => `Agency fee${party ? ` from ${party}` : ''}`,
  },
  renewal: {
    fa: ({ p, party }) => {
      const years = count(p, 'years');
      const span = years ? ` برای ${fa(years)} سال` : '';
      const line = str(p, 'line');
      if (p.kind === 'line' && line) return `${p.first ? 'اجارهٔ سال نخست' : 'تمدید'} خط ${fa(line)}${party ? ` حساب ${party}` : ''}${p.first ? '' : span}`;
      if (p.kind === 'agency') return party ? `تمدید نمایندگی ${party}${span}` : `تمدید نمایندگی${span}`;
      if (p.kind === 'panel') return `تمدید پنل${party ? ` ${party}` : ''}${span}`;
      return `تمدید${party ? ` حساب ${party}` : ''}${span}`;
    },
    en: ({ p, party }) => {
      const years = count(p, 'years');
      const span = years ? ` for ${plural(years, 'year')}` : '';
      const line = str(p, 'line');
      if (p.kind === 'line' && line) return `${p.first ? 'First year’s rent of line' : 'Renewal of line'} ${line}${party ? ` for ${party}` : ''}${p.first ? '' : span}`;
      const what = p.kind === 'agency' ? 'Agency renewal' : p.kind === 'panel' ? 'Panel renewal' : 'Renewal';
      return `${what}${party ? ` of ${party}` : ''}${span}`;
    },
  },
  credit_backing: {
    fa: ({ p, amount }) => {
      const child = str(p, 'account');
      const of = child ? ` سقف اعتبار ${child}` : ' سقف اعتبارهای زیرمجموعه';
      return amount < 0n ? `کنار گذاشتن پشتوانهٔ${of}` : `آزاد شدن پشتوانهٔ${of}`;
    },
    en: ({ p, amount }) => {
      const child = str(p, 'account');
      const of = child ? ` ${child}’s credit limit` : ' the credit limits you granted';
      return amount < 0n ? `Set aside to back${of}` : `Released from backing${of}`;
    },
  },
  adjustment: {
    fa: ({ party }) => `اصلاح حساب${party ? ` ${party}` : ''}`,
    en: ({ party }) => `Adjustment${party ? ` (${party})` : ''}`,
  },
};

const unknownType: Record<Lang, (type: string, party: string | null) => string> = {
  fa: (type, party) => `تراکنش کیف پول (${type})${party ? ` — حساب ${party}` : ''}`,
  en: (type, party) => `Wallet transaction (${type})${party ? ` — ${party}` : ''}`,
};

/** The type's name, as the panel's type filter shows it (web/src/features/wallet/i18n.*.ts). */
export const typeLabels: Record<string, { fa: string; en: string }> = {
  topup: { fa: 'افزایش اعتبار', en: 'Top-up' },
  transfer: { fa: 'انتقال اعتبار', en: 'Transfer' },
  send_reserve: { fa: 'رزرو ارسال', en: 'Send reserved' },
  settle: { fa: 'تسویهٔ ارسال', en: 'Send settled' },
  refund: { fa: 'بازگشت وجه', en: 'Refund' },
  agency_fee: { fa: 'حق نمایندگی', en: 'Agency fee' },
  renewal: { fa: 'تمدید', en: 'Renewal' },
  adjustment: { fa: 'اصلاحیه', en: 'Adjustment' },
  credit_backing: { fa: 'پشتوانهٔ اعتبار', en: 'Credit backing' },
};

export const typeLabel = (type: string, lang: Lang) => typeLabels[type]?.[lang] ?? type;

export type StatementRow = { type: string; params: LedgerParams | null; note: string; idempotencyKey: string; amount: bigint; party: string | null };

/** The row's description in `lang`, its params (old rows: read from their note) and its typed note. */
export function describeTransaction(row: StatementRow, lang: Lang): { description: string; params: LedgerParams; note: string } {
  const { params, note } = row.params ? { params: row.params, note: row.note } : legacy(row);
  const words = Object.hasOwn(descriptions, row.type) ? descriptions[row.type] : undefined;
  const description = words ? words[lang]({ p: params, amount: row.amount, party: row.party }) : unknownType[lang](row.type, row.party);
  return { description, params, note };
}

/**
 * Rows posted before params: the notes the code wrote then become params and leave the note
 * empty; any other note was typed by a person (a transfer's) and stays.
 */
function legacy(row: StatementRow): { params: LedgerParams; note: string } {
  const n = row.note.trim();
  const m = (re: RegExp) => re.exec(n);
  let r: RegExpExecArray | null;
  switch (row.type) {
    case 'topup':
      if ((r = m(/^online(?:\s+(\S+))?$/))) return { params: { method: 'online', ...(r[1] ? { refId: r[1] } : {}) }, note: '' };
      if ((r = m(/^deposit\s+(.+)$/))) return { params: { method: 'deposit', trackingNumber: r[1] }, note: '' };
      break;
    case 'transfer':
      if (row.idempotencyKey.startsWith('package_credit:') && (r = m(/^package\s+(.+)$/))) return { params: { package: r[1] }, note: '' };
      break;
    case 'agency_fee':
      if (m(/^agency fee\b/)) return { params: {}, note: '' };
      break;
    case 'renewal':
      if (n === 'agency renewal') return { params: { kind: 'agency', years: 1 }, note: '' };
      if ((r = m(/^panel renewal (\d+)y$/))) return { params: { kind: 'panel', years: Number(r[1]) }, note: '' };
      break;
    case 'settle':
      if (n === 'received message') return { params: { kind: 'receive' }, note: '' };
      break;
  }
  return { params: {}, note: row.note };
}
