import { describe, expect, it } from 'vitest';
import { csvLine, readCsv } from './csv.ts';

async function parse(chunks: (string | Buffer)[], info: { delimiter?: string } = {}) {
  const out: string[][] = [];
  for await (const r of readCsv((async function* () { yield* chunks; })(), info)) out.push(r);
  return out;
}

describe('readCsv', () => {
  it('reads quoted cells with embedded newlines, doubled quotes and delimiters, across chunk boundaries', async () => {
    const text = 'mobile,name,note\r\n09121234567,"Ali ""the"" Rezaei","line one\nline two, still"\r\n09351234567,Sara,\r\n';
    const whole = await parse([text]);
    expect(whole).toEqual([['mobile', 'name', 'note'], ['09121234567', 'Ali "the" Rezaei', 'line one\nline two, still'], ['09351234567', 'Sara', '']]);
    // Every split point gives the same records.
    for (let i = 1; i < text.length; i++) expect(await parse([text.slice(0, i), text.slice(i)])).toEqual(whole);
  });

  it('strips a UTF-8 BOM and detects semicolons (Excel with a European locale)', async () => {
    const info: { delimiter?: string } = {};
    const rows = await parse([Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('شماره;نام\n۰۹۱۲۱۲۳۴۵۶۷;علی, رضایی')])], info);
    expect(info.delimiter).toBe(';');
    expect(rows).toEqual([['شماره', 'نام'], ['۰۹۱۲۱۲۳۴۵۶۷', 'علی, رضایی']]);
  });

  it('accepts lone CR line ends, tabs and a last line without a newline', async () => {
    expect(await parse(['a\tb\rc\td'])).toEqual([['a', 'b'], ['c', 'd']]);
  });

  it('splits a multi-byte character across chunks without damage', async () => {
    const bytes = Buffer.from('نام,موبایل\n');
    expect(await parse([bytes.subarray(0, 3), bytes.subarray(3)])).toEqual([['نام', 'موبایل']]);
  });

  it('refuses a cell or a record beyond its limits as it grows, across chunk boundaries', async () => {
    const read = (chunks: string[], limits: { maxCellChars?: number; maxColumns?: number }) =>
      (async () => {
        for await (const _ of readCsv((async function* () { yield* chunks; })(), {}, limits));
      })();
    await expect(read(['a,"', 'x'.repeat(6), 'x'.repeat(6), '"\n'], { maxCellChars: 10 })).rejects.toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', details: { limit: 'cell_chars', max: 10 } });
    await expect(read(['a,b,', 'c,d\n'], { maxColumns: 3 })).rejects.toMatchObject({ code: 'IMPORT_FILE_TOO_LARGE', details: { limit: 'columns', max: 3 } });
    await expect(read(['a,"xx""x",c\n'], { maxCellChars: 4, maxColumns: 3 })).resolves.toBeUndefined();
  });

  it('writes cells that a spreadsheet cannot run as formulas', () => {
    expect(csvLine(['=HYPERLINK("x")', '+98912', '-5', 'a,b', '@x'])).toBe(`"'=HYPERLINK(""x"")",+98912,-5,"a,b",'@x`);
  });
});
