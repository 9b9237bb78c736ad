import { describe, expect, it } from 'vitest';
import { coalesce } from './coalesce.ts';

describe('coalesce', () => {
  it('runs concurrent calls with one key once, gives each caller its own copy, and forgets once settled', async () => {
    let runs = 0;
    const read = coalesce(async (id: string) => {
      runs++;
      await new Promise((r) => setTimeout(r, 5));
      return { id, at: new Date(0), n: runs };
    }, (id) => id);
    const [a, b, c] = await Promise.all([read('x'), read('x'), read('y')]);
    expect(runs).toBe(2);
    expect(a).toEqual(b);
    expect(a).not.toBe(b);
    expect(b.at).toBeInstanceOf(Date);
    expect(c.id).toBe('y');
    await read('x');
    expect(runs).toBe(3);
  });

  it('gives every concurrent caller the error, and runs again afterwards', async () => {
    let runs = 0;
    const read = coalesce(async () => {
      runs++;
      if (runs === 1) throw new Error('down');
      return 'up';
    }, () => 'k');
    const settled = await Promise.allSettled([read(), read()]);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(await read()).toBe('up');
  });
});
