/**
 * A fixed-size bitset with summary levels (bit j of a level's word says "word j below has a set
 * bit"), so finding the next set bit after any index reads one word per level: four levels cover a
 * million bits. The pool keeps one per ordering of its accounts to find the next account that can
 * serve without looking at the ones that cannot.
 */

const WORD_BITS = 32;

/** The index (0–31) of the lowest set bit of a non-zero 32-bit word. */
function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

function popCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export class SummaryBitset {
  readonly size: number;
  /** levels[0] holds the bits; each further level summarises the one below, up to a single word. */
  readonly #levels: Uint32Array[];
  #count = 0;

  constructor(size: number, copyOf?: SummaryBitset) {
    this.size = size;
    if (copyOf !== undefined) {
      this.#levels = copyOf.#levels.map((level) => level.slice());
      this.#count = copyOf.#count;
      return;
    }
    const levels: Uint32Array[] = [];
    let words = Math.max(1, Math.ceil(size / WORD_BITS));
    for (;;) {
      levels.push(new Uint32Array(words));
      if (words === 1) break;
      words = Math.ceil(words / WORD_BITS);
    }
    this.#levels = levels;
  }

  /**
   * The bitset whose bit i says `flags[keys[i * stride + offset]] === 1`, filled a word at a time
   * (a stride of 2 reads one member of pairs, as the hash ring keeps its owners).
   */
  static from(keys: Uint32Array, flags: Uint8Array, stride = 1, offset = 0): SummaryBitset {
    const size = Math.ceil((keys.length - offset) / stride);
    const set = new SummaryBitset(size);
    const levels = set.#levels;
    const bits = levels[0] ?? new Uint32Array(0);
    let count = 0;
    for (let word = 0; word < bits.length; word++) {
      let value = 0;
      const first = word * WORD_BITS;
      const end = Math.min(WORD_BITS, size - first);
      for (let bit = 0; bit < end; bit++) {
        if (flags[keys[(first + bit) * stride + offset] ?? 0] === 1) value |= 1 << bit;
      }
      bits[word] = value;
      count += popCount(value);
    }
    for (let depth = 1; depth < levels.length; depth++) {
      const below = levels[depth - 1] ?? bits;
      const level = levels[depth] ?? bits;
      for (let at = 0; at < below.length; at++) {
        if (below[at] !== 0) level[at >>> 5] = (level[at >>> 5] ?? 0) | (1 << (at & 31));
      }
    }
    set.#count = count;
    return set;
  }

  /** An independent copy. */
  clone(): SummaryBitset {
    return new SummaryBitset(this.size, this);
  }

  /** How many bits are set. */
  get count(): number {
    return this.#count;
  }

  has(index: number): boolean {
    const word = this.#levels[0]?.[index >>> 5] ?? 0;
    return (word & (1 << (index & 31))) !== 0;
  }

  set(index: number): void {
    if (index < 0 || index >= this.size || this.has(index)) return;
    this.#count += 1;
    let at = index;
    for (const level of this.#levels) {
      const word = at >>> 5;
      const before = level[word] ?? 0;
      level[word] = before | (1 << (at & 31));
      if (before !== 0) return;
      at = word;
    }
  }

  clear(index: number): void {
    if (index < 0 || index >= this.size || !this.has(index)) return;
    this.#count -= 1;
    let at = index;
    for (const level of this.#levels) {
      const word = at >>> 5;
      const after = (level[word] ?? 0) & ~(1 << (at & 31));
      level[word] = after;
      if (after !== 0) return;
      at = word;
    }
  }

  /** The first set bit at or after `from`, or -1. */
  nextFrom(from: number): number {
    if (from >= this.size) return -1;
    let at = Math.max(0, from);
    let depth = 0;
    // Climb until a word holds a set bit at or after `at`…
    for (;;) {
      const level = this.#levels[depth];
      if (level === undefined) return -1;
      const word = at >>> 5;
      if (word >= level.length) return -1;
      const bits = (level[word] ?? 0) & (-1 << (at & 31));
      if (bits !== 0) {
        at = (word << 5) + lowestBit(bits);
        break;
      }
      at = word + 1;
      depth += 1;
    }
    // …then descend along the lowest set bits.
    while (depth > 0) {
      depth -= 1;
      at = (at << 5) + lowestBit(this.#levels[depth]?.[at] ?? 0);
    }
    return at;
  }

  /** The first set bit at or after `from`, wrapping to the start; -1 when no bit is set. */
  nextCircular(from: number): number {
    const found = this.nextFrom(from);
    return found >= 0 || from <= 0 ? found : this.nextFrom(0);
  }
}
