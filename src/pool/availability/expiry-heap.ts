/**
 * A min-heap of wake-up times: "look at slot s again at time t". Cooldowns end without anyone
 * touching the account, so the pool pushes each block's end here and, on the next choice, pops
 * the ones that have passed instead of scanning every account. Entries are never removed early: a
 * block that was lifted or extended leaves a stale entry whose only effect is one needless look.
 */
export class ExpiryHeap {
  readonly #times: number[] = [];
  readonly #slots: number[] = [];

  get size(): number {
    return this.#times.length;
  }

  /** The earliest time on the heap; +Infinity when empty. */
  get nextAt(): number {
    return this.#times[0] ?? Number.POSITIVE_INFINITY;
  }

  push(at: number, slot: number): void {
    const times = this.#times;
    const slots = this.#slots;
    let i = times.length;
    times.push(at);
    slots.push(slot);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentAt = times[parent] ?? 0;
      if (parentAt <= at) break;
      times[i] = parentAt;
      slots[i] = slots[parent] ?? 0;
      i = parent;
    }
    times[i] = at;
    slots[i] = slot;
  }

  /** Pops every entry due at or before `now`, calling `due` with its slot (in time order). */
  popDue(now: number, due: (slot: number) => void): void {
    while (this.#times.length > 0 && (this.#times[0] ?? 0) <= now) {
      const slot = this.#slots[0] ?? 0;
      this.#removeTop();
      due(slot);
    }
  }

  #removeTop(): void {
    const times = this.#times;
    const slots = this.#slots;
    const lastAt = times.pop() ?? 0;
    const lastSlot = slots.pop() ?? 0;
    const size = times.length;
    if (size === 0) return;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && (times[right] ?? 0) < (times[left] ?? 0) ? right : left;
      if ((times[child] ?? 0) >= lastAt) break;
      times[i] = times[child] ?? 0;
      slots[i] = slots[child] ?? 0;
      i = child;
    }
    times[i] = lastAt;
    slots[i] = lastSlot;
  }
}
