/**
 * CPU time per call of an in-process operation, for the benches that compare variants in one
 * process: process.cpuUsage (every thread, so garbage collection and the JIT are counted) rather
 * than wall time, since a loaded machine stretches wall time without any work being done. Variants
 * take turns and each keeps its best round (`keepBest`): noise only ever adds time.
 */

export interface Cost {
  /** Every thread of the process: the JavaScript thread, the garbage collector's, the JIT's. */
  readonly cpu: number;
  /** The JavaScript thread alone. */
  readonly thread: number;
  readonly wall: number;
}

const sum = (usage: NodeJS.CpuUsage) => usage.user + usage.system;

/** µs of CPU and of wall time per call of `once`, after a warm-up. */
export async function measureCost(iterations: number, once: () => unknown): Promise<Cost> {
  for (let i = 0; i < Math.max(50, iterations / 10); i++) await once();
  const cpu0 = process.cpuUsage();
  const thread0 = process.threadCpuUsage();
  const wall0 = performance.now();
  for (let i = 0; i < iterations; i++) await once();
  const wall = ((performance.now() - wall0) * 1e3) / iterations;
  const thread = sum(process.threadCpuUsage(thread0)) / iterations;
  return { cpu: sum(process.cpuUsage(cpu0)) / iterations, thread, wall };
}

/** The least of each figure seen so far per name. */
export class BestCosts<Name extends string> {
  readonly #best = new Map<Name, Cost>();

  keep(name: Name, cost: Cost): void {
    const seen = this.#best.get(name);
    const least = (key: keyof Cost) => Math.min(seen?.[key] ?? Number.POSITIVE_INFINITY, cost[key]);
    this.#best.set(name, { cpu: least("cpu"), thread: least("thread"), wall: least("wall") });
  }

  of(name: Name): Cost {
    return this.#best.get(name) ?? { cpu: Number.NaN, thread: Number.NaN, wall: Number.NaN };
  }

  entries(): [Name, Cost][] {
    return [...this.#best.entries()];
  }
}
