import { describe, expect, it } from 'vitest';
import { applyInHalves } from './halves.ts';

describe('applyInHalves', () => {
  const items = Array.from({ length: 10 }, (_, i) => i + 1);

  it('applies everything at once when it can', async () => {
    const calls: number[][] = [];
    const r = await applyInHalves(items, async (part) => void calls.push([...part]), () => false);
    expect(r).toEqual({ failed: [], err: null });
    expect(calls).toEqual([items]);
  });

  it('isolates the items that cannot be applied, and applies every other item exactly once', async () => {
    const applied: number[] = [];
    const r = await applyInHalves(items, async (part) => {
      if (part.includes(7) || part.includes(2)) throw new Error(`bad part ${part.join(',')}`);
      applied.push(...part);
    }, () => false);
    expect(r.failed).toEqual([2, 7]);
    expect((r.err as Error).message).toBe('bad part 2');
    expect(applied.sort((a, b) => a - b)).toEqual([1, 3, 4, 5, 6, 8, 9, 10]);
  });

  it('does not split an error that is everyone’s', async () => {
    let calls = 0;
    const down = Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' });
    const r = await applyInHalves(items, async () => {
      calls++;
      throw down;
    }, (err) => (err as { code?: string }).code === 'ECONNREFUSED');
    expect(calls).toBe(1);
    expect(r).toEqual({ failed: items, err: down });
  });

  it('stops splitting after its attempts, failing the rest in the parts they are in', async () => {
    const many = Array.from({ length: 1000 }, (_, i) => i);
    let calls = 0;
    const applied: number[] = [];
    const r = await applyInHalves(many, async (part) => {
      calls++;
      if (part.some((i) => i % 10 === 0)) throw new Error('bad');
      applied.push(...part);
    }, () => false, 20);
    // the parts still pending when the budget runs out are each tried once more: at most log2(n) of them
    expect(calls).toBeLessThanOrEqual(20 + Math.ceil(Math.log2(1000)));
    expect(r.failed.length + applied.length).toBe(1000);
    expect(new Set([...r.failed, ...applied]).size).toBe(1000);
    expect(r.failed.filter((i) => i % 10 === 0)).toHaveLength(100);
  });
});
