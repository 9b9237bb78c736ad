import { describe, expect, it } from 'vitest';
import { newId } from './ids.ts';

describe('newId', () => {
  it('is the prefix and 16 Crockford base32 characters', () => {
    expect(newId('acc')).toMatch(/^acc_[0-9a-hjkmnp-tv-z]{16}$/);
    expect(newId('bat')).toMatch(/^bat_[0-9a-hjkmnp-tv-z]{16}$/);
  });

  it('never repeats across many refills of its random pool', () => {
    const ids = Array.from({ length: 50_000 }, () => newId('msg'));
    expect(new Set(ids).size).toBe(ids.length);
    // every character position varies: the bytes are not reused or left zero
    for (let i = 4; i < 20; i++) expect(new Set(ids.slice(0, 2_000).map((id) => id[i])).size).toBeGreaterThan(16);
  });
});
