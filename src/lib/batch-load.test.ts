import { describe, expect, it } from 'vitest';
import { batchLoader } from './batch-load.ts';

describe('batch loader', () => {
  it('reads every key asked for in one turn with one call, each caller its own copy, and nothing after', async () => {
    const calls: string[][] = [];
    const rows = new Map([['a', { id: 'a', at: new Date(0) }], ['b', { id: 'b', at: new Date(1) }]]);
    const loader = batchLoader(async (keys: string[]) => {
      calls.push(keys);
      return new Map(keys.filter((k) => rows.has(k)).map((k) => [k, rows.get(k)!]));
    });
    const [a1, a2, b, z] = await Promise.all([loader.load('a'), loader.load('a'), loader.load('b'), loader.load('z')]);
    expect(calls).toEqual([['a', 'b', 'z']]);
    expect(a1).toEqual(a2);
    expect(a1).not.toBe(a2);
    expect(a2!.at).toBeInstanceOf(Date);
    expect(b!.id).toBe('b');
    expect(z).toBeNull();
    rows.set('a', { id: 'a', at: new Date(5) });
    expect((await loader.load('a'))!.at).toEqual(new Date(5));
    expect(calls).toHaveLength(2);
  });

  it('gives every caller of a failed batch the error, and reads again afterwards', async () => {
    let n = 0;
    const loader = batchLoader(async (keys: number[]) => {
      if (n++ === 0) throw new Error('down');
      return new Map(keys.map((k) => [k, k * 2]));
    });
    const settled = await Promise.allSettled([loader.load(1), loader.load(2)]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(await loader.load(3)).toBe(6);
  });
});
