import { describe, expect, it } from 'vitest';
import { createGroupCommit } from './group-commit.ts';

describe('group commit', () => {
  it('commits what was submitted together as one group, and what arrives meanwhile as the next, in order', async () => {
    const groups: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const g = createGroupCommit<number, string>(async (jobs) => {
      groups.push(jobs);
      if (groups.length === 1) await gate;
      return jobs.map((j) => `ok ${j}`);
    }, { maxGroup: 3 });
    const first = [0, 1].map((n) => g.submit(n));
    await new Promise((r) => setTimeout(r, 5));
    const rest = [2, 3, 4, 5].map((n) => g.submit(n));
    release();
    expect(await Promise.all([...first, ...rest])).toEqual(['ok 0', 'ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5']);
    expect(groups).toEqual([[0, 1], [2, 3, 4], [5]]);
    expect(g.stats()).toEqual({ groups: 3, jobs: 6, largest: 3 });
  });

  it('rejects only the jobs answered with an error, and every job of a group whose commit throws', async () => {
    let calls = 0;
    const g = createGroupCommit<number, number>(async (jobs) => {
      calls++;
      if (jobs.includes(99)) throw new Error('group failed');
      return jobs.map((j) => (j % 2 ? new Error(`odd ${j}`) : j * 10));
    }, { maxGroup: 10 });
    const settled = await Promise.allSettled([g.submit(2), g.submit(3), g.submit(4)]);
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([20, 'odd 3', 40]);
    const blocker = g.submit(8);
    await new Promise((r) => setTimeout(r, 5));
    const failing = await Promise.allSettled([g.submit(6), g.submit(99)]);
    expect(await blocker).toBe(80);
    expect(failing.map((s) => (s.status === 'rejected' ? (s.reason as Error).message : s.value))).toEqual(['group failed', 'group failed']);
    expect(calls).toBe(3);
  });
});
