// Lists: forbidden words (platform and agencies), the operator blacklist (platform import of
// millions of numbers, streamed), each account's own blacklist, opt-outs.
import type { Db } from '../../db/driver.ts';
import type { Clock } from '../../lib/clock.ts';
import { normaliseIranMobile } from '../../lib/phone.ts';
import { AppError } from '../../lib/app-error.ts';
import type { Account } from '../accounts/types.ts';
import { scopeOf } from '../accounts/scope.ts';
import type { AuditService } from '../audit/service.ts';
import { normaliseForMatch } from './content.ts';
import { complianceRepo, idsOfPath } from './repo.ts';

export const IMPORT_BATCH = 50_000;
export const MAX_BULK_BLACKLIST = 100_000;

/** '+989121234567' → '989121234567': the int8 form stored in every list. */
export const numberKey = (e164: string) => e164.replace(/\D/g, '');
/** '989121234567' → '09121234567', the form Iranians read. */
export const localOf = (key: string) => (key.startsWith('98') ? `0${key.slice(2)}` : key);

export type ImportResult = { lines: number; valid: number; invalid: number; added: number; removed: number; total: number };

/** Numbers from a CSV or plain-text stream: one per line, or several cells per line split by
 * comma, semicolon, tab or '|'. Anything that does not normalise to an Iranian mobile is counted
 * as invalid (headers, names). Yields batches of int8 keys. */
export async function* readNumbers(source: AsyncIterable<Buffer | string>, counts: { lines: number; invalid: number }, batchSize = IMPORT_BATCH): AsyncGenerator<string[]> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  let batch: string[] = [];
  const takeLine = (line: string) => {
    if (!line.trim()) return;
    counts.lines++;
    for (const cell of line.split(/[,;\t|]/)) {
      const t = cell.trim().replace(/^"|"$/g, '');
      if (!t) continue;
      const e164 = normaliseIranMobile(t);
      if (e164) batch.push(numberKey(e164));
      else counts.invalid++;
    }
  };
  for await (const chunk of source) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    const lines = text.split(/\r?\n|\r/);
    rest = lines.pop() ?? '';
    for (const line of lines) takeLine(line);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  takeLine(rest + decoder.decode());
  if (batch.length) yield batch;
}

export function createComplianceLists(deps: { db: Db; clock: Clock; audit: AuditService }) {
  const repo = complianceRepo(deps.db);
  const requireManager = (caller: Account) => {
    if (caller.kind === 'user') throw new AppError('FORBIDDEN');
  };

  async function listWords(caller: Account) {
    const rows = await repo.wordsOf(idsOfPath(caller.path));
    return { own: rows.filter((r) => r.accountId === caller.id).map((r) => r.word), inherited: rows.filter((r) => r.accountId !== caller.id).map((r) => r.word) };
  }

  async function addWords(caller: Account, words: readonly string[], ip: string | null) {
    requireManager(caller);
    const clean = [...new Set(words.map(normaliseForMatch).filter((w) => w.length >= 2 && w.length <= 100))];
    if (!clean.length) throw new AppError('VALIDATION_FAILED', { fields: [{ path: 'words' }] });
    const added = await repo.addWords(caller.id, clean);
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'compliance.words_changed', ip, details: { added: clean } });
    return { added };
  }

  async function removeWord(caller: Account, word: string, ip: string | null) {
    requireManager(caller);
    if (!(await repo.removeWord(caller.id, normaliseForMatch(word)))) throw new AppError('NOT_FOUND');
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'compliance.words_changed', ip, details: { removed: normaliseForMatch(word) } });
  }

  /** The platform imports the operators' list. mode 'replace' drops numbers the new file lacks
   * (after the whole file is in: a failed import leaves the old list working). Statements run one
   * batch at a time, outside any long transaction, so sends are not blocked meanwhile. */
  async function importOperatorBlacklist(caller: Account, source: AsyncIterable<Buffer | string>, mode: 'add' | 'replace', ip: string | null): Promise<ImportResult> {
    if (caller.kind !== 'platform') throw new AppError('FORBIDDEN');
    const generation = mode === 'replace' ? (await repo.maxOperatorGeneration()) + 1 : await repo.maxOperatorGeneration();
    const counts = { lines: 0, invalid: 0 };
    let valid = 0;
    let added = 0;
    for await (const batch of readNumbers(source, counts)) {
      valid += batch.length;
      added += await repo.insertOperatorNumbers(batch.join(','), generation);
    }
    const removed = mode === 'replace' ? await repo.deleteOperatorGenerationsExcept(generation) : 0;
    const result = { lines: counts.lines, valid, invalid: counts.invalid, added, removed, total: await repo.countOperatorNumbers() };
    await deps.audit.record({ actorId: caller.id, subject: caller, action: 'compliance.operator_blacklist_imported', ip, details: { mode, ...result } });
    return result;
  }

  async function checkOperatorBlacklist(number: string): Promise<{ number: string; listed: boolean }> {
    const e164 = normaliseIranMobile(number);
    if (!e164) throw new AppError('INVALID_MOBILE');
    return { number: localOf(numberKey(e164)), listed: await repo.onOperatorList(numberKey(e164)) };
  }

  async function addToBlacklist(caller: Account, numbers: readonly string[]) {
    if (numbers.length > MAX_BULK_BLACKLIST) throw new AppError('TOO_MANY_RECIPIENTS', { max: MAX_BULK_BLACKLIST });
    const keys = new Set<string>();
    const invalid: string[] = [];
    for (const n of numbers) {
      const e164 = normaliseIranMobile(n);
      if (e164) keys.add(numberKey(e164));
      else if (invalid.length < 100) invalid.push(n);
    }
    const added = keys.size ? await repo.addToBlacklist(caller.id, [...keys].join(',')) : 0;
    return { added, duplicates: keys.size - added, invalid };
  }

  async function removeFromBlacklist(caller: Account, number: string) {
    const e164 = normaliseIranMobile(number);
    if (!e164 || !(await repo.removeFromBlacklist(scopeOf(caller), numberKey(e164)))) throw new AppError('NOT_FOUND');
  }

  return {
    listWords,
    addWords,
    removeWord,
    importOperatorBlacklist,
    checkOperatorBlacklist,
    operatorBlacklistSize: () => repo.countOperatorNumbers(),
    addToBlacklist,
    removeFromBlacklist,
    listBlacklist: async (caller: Account, f: { q?: string; limit: number; offset: number }) => {
      const q = f.q ? numberKey(normaliseIranMobile(f.q) ?? f.q.replace(/^0/, '98')) : undefined;
      const page = await repo.listBlacklist(scopeOf(caller), { ...f, q });
      return { total: page.total, items: page.items.map((i) => ({ number: localOf(i.number), createdAt: i.createdAt })) };
    },
    listOptOuts: async (caller: Account, f: { limit: number; offset: number }) =>
      (await repo.listOptOuts(scopeOf(caller), f)).map((o) => ({ ...o, number: localOf(o.number) })),
  };
}
