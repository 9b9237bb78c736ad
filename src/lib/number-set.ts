// A set of whole numbers 1 … 2^53 (mobile numbers read as numbers) in one Float64Array with open
// addressing: a million numbers take 16 MB, where a Set of their strings takes ~60 MB and leaves a
// string per number for the garbage collector. Used to drop duplicate recipients of big sends.

/** Mixes both halves of n into 32 bits (murmur3's finaliser), so consecutive numbers spread out. */
function hash(n: number): number {
  let h = (n >>> 0) ^ Math.imul(Math.floor(n / 4294967296), 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export class NumberSet {
  private slots: Float64Array;
  private mask: number;
  size = 0;

  constructor(expected = 16) {
    let capacity = 16;
    while (capacity < expected * 2) capacity *= 2;
    this.slots = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  /** Adds n; false when it was already in the set. */
  add(n: number): boolean {
    if (!(n >= 1 && n <= Number.MAX_SAFE_INTEGER && Number.isInteger(n))) throw new RangeError(`not a whole number in 1 … 2^53: ${n}`);
    const slots = this.slots;
    for (let i = hash(n) & this.mask; ; i = (i + 1) & this.mask) {
      const v = slots[i];
      if (v === n) return false;
      if (v === 0) {
        slots[i] = n;
        if (++this.size * 2 > slots.length) this.grow();
        return true;
      }
    }
  }

  has(n: number): boolean {
    const slots = this.slots;
    for (let i = hash(n) & this.mask; ; i = (i + 1) & this.mask) {
      const v = slots[i];
      if (v === n) return true;
      if (v === 0) return false;
    }
  }

  private grow() {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2);
    this.mask = this.slots.length - 1;
    this.size = 0;
    for (const v of old) if (v !== 0) this.add(v);
  }
}
