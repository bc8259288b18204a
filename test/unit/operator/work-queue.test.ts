import { describe, expect, test } from "bun:test";
import { type WorkOutcome, WorkQueue, type WorkQueueOptions } from "../../../src/operator/work-queue.ts";
import { backoffMs } from "../../../src/time/backoff.ts";
import type { CancelTimer, Clock } from "../../../src/time/clock.ts";
import { FakeClock } from "../../support/fake-clock.ts";

/** Timers that fire only when the test moves the FakeClock past them, in the order they are due. */
class FakeTimers implements Clock {
  readonly clock = new FakeClock();
  #timers: Array<{ at: number; seq: number; fn: () => void }> = [];
  #seq = 0;

  now(): number {
    return this.clock.now();
  }

  readonly setTimer = (fn: () => void, ms: number): CancelTimer => {
    const timer = { at: this.clock.now() + ms, seq: this.#seq++, fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((entry) => entry !== timer);
    };
  };

  get pending(): number {
    return this.#timers.length;
  }

  /** Moves time forward by `ms`, firing each timer at its due time and letting its work settle. */
  async advance(ms: number): Promise<void> {
    const end = this.clock.now() + ms;
    await settle();
    for (;;) {
      const due = this.#timers
        .filter((timer) => timer.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((timer) => timer !== due);
      this.clock.advance(due.at - this.clock.now());
      due.fn();
      await settle();
    }
    this.clock.advance(end - this.clock.now());
    await settle();
  }
}

/** Lets promise continuations run: everything queued as a microtask or an immediate finishes first. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

interface Deferred {
  readonly promise: Promise<WorkOutcome>;
  resolve(outcome: WorkOutcome): void;
}

function deferred(): Deferred {
  let resolve: (outcome: WorkOutcome) => void = () => {};
  const promise = new Promise<WorkOutcome>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A `process` whose runs the test finishes one by one; it records when each run started. */
function controlledProcess(timers: FakeTimers) {
  const runs: Array<{ key: string; at: number; done: Deferred }> = [];
  const finished = new Set<object>();
  const active = new Map<string, number>();
  let maxSameKey = 0;
  const process = async (key: string): Promise<WorkOutcome> => {
    const done = deferred();
    runs.push({ key, at: timers.clock.now(), done });
    const count = (active.get(key) ?? 0) + 1;
    active.set(key, count);
    maxSameKey = Math.max(maxSameKey, count);
    try {
      return await done.promise;
    } finally {
      active.set(key, (active.get(key) ?? 1) - 1);
    }
  };
  return {
    process,
    runs,
    keys: () => runs.map((run) => run.key),
    get maxSameKey() {
      return maxSameKey;
    },
    /** Finishes the oldest unfinished run of `key` with `outcome`. */
    async finish(key: string, outcome: WorkOutcome = {}): Promise<void> {
      const run = runs.find((entry) => entry.key === key && !finished.has(entry));
      if (run === undefined) throw new Error(`no unfinished run of ${key}`);
      finished.add(run);
      run.done.resolve(outcome);
      await settle();
    },
  };
}

function setup(overrides: Partial<WorkQueueOptions<string>> = {}) {
  const timers = new FakeTimers();
  const work = controlledProcess(timers);
  const queue = new WorkQueue<string>({
    clock: timers,
    process: work.process,
    ...overrides,
  });
  return { timers, work, queue };
}

/** A process that records the time of each run and always answers `outcome(n)` for the n-th run. */
function scriptedQueue(
  outcome: (run: number) => WorkOutcome | Error,
  options: Partial<WorkQueueOptions<string>>,
) {
  const timers = new FakeTimers();
  const times: number[] = [];
  const queue = new WorkQueue<string>({
    clock: timers,
    process: async () => {
      times.push(timers.clock.now());
      const answer = outcome(times.length);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    ...options,
  });
  const gaps = () => times.slice(1).map((time, i) => time - (times[i] as number));
  return { timers, times, gaps, queue };
}

describe("work queue", () => {
  test("a key added many times while queued is processed once", async () => {
    const { work, queue } = setup();
    queue.add("busy");
    await settle();
    queue.add("a");
    queue.add("a");
    queue.add("a");
    expect(queue.length).toBe(1);

    await work.finish("busy");
    await work.finish("a");
    expect(work.keys()).toEqual(["busy", "a"]);
    expect(queue.length).toBe(0);
  });

  test("adding a key that waits for a delayed run runs it now, and only once", async () => {
    const { timers, work, queue } = setup();
    queue.addAfter("a", 1000);
    queue.addAfter("a", 5000);
    expect(timers.pending).toBe(1);
    queue.add("a");
    await settle();
    expect(work.keys()).toEqual(["a"]);
    await work.finish("a");

    await timers.advance(10_000);
    expect(work.keys()).toEqual(["a"]);
  });

  test("of two delays for one key the earlier wins", async () => {
    const { timers, work, queue } = setup();
    queue.addAfter("a", 5000);
    queue.addAfter("a", 2000);
    await timers.advance(1999);
    expect(work.keys()).toEqual([]);
    await timers.advance(1);
    expect(work.keys()).toEqual(["a"]);
    await work.finish("a");
    await timers.advance(10_000);
    expect(work.keys()).toEqual(["a"]);
  });

  test("a key added while it is processed runs once more afterwards, never beside itself", async () => {
    const { work, queue } = setup({ concurrency: 4 });
    queue.add("a");
    await settle();
    queue.add("a");
    queue.add("a");
    queue.add("b");
    await settle();
    expect(work.keys()).toEqual(["a", "b"]);
    expect(queue.length).toBe(0);

    await work.finish("a");
    expect(work.keys()).toEqual(["a", "b", "a"]);
    await work.finish("a");
    await work.finish("b");
    expect(work.keys()).toEqual(["a", "b", "a"]);
    expect(work.maxSameKey).toBe(1);
  });

  test("runs at most `concurrency` keys at once", async () => {
    const { work, queue } = setup({ concurrency: 2 });
    for (const key of ["a", "b", "c", "d"]) queue.add(key);
    await settle();
    expect(work.keys()).toEqual(["a", "b"]);
    expect(queue.length).toBe(2);
    await work.finish("b");
    expect(work.keys()).toEqual(["a", "b", "c"]);
  });

  test("backs off a failing key exponentially from the base delay up to the cap", async () => {
    const { timers, gaps, queue } = scriptedQueue(() => new Error("API server unavailable"), {
      baseDelayMs: 100,
      maxDelayMs: 1000,
    });
    queue.add("a");
    await timers.advance(10_000);
    expect(gaps().slice(0, 7)).toEqual([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(queue.failures("a")).toBeGreaterThanOrEqual(7);
  });

  test("a returned { error } backs off like a thrown one, and not a moment early", async () => {
    const { timers, times, queue } = scriptedQueue(() => ({ error: "conflict" }), { baseDelayMs: 500 });
    queue.add("a");
    await settle();
    expect(times).toHaveLength(1);
    await timers.advance(499);
    expect(times).toHaveLength(1);
    await timers.advance(1);
    expect(times).toHaveLength(2);
    expect(queue.failures("a")).toBe(2);
  });

  test("a success resets the backoff: the next failure waits the base delay again", async () => {
    // fail, fail, fail, succeed, then fail again
    const { timers, times, gaps, queue } = scriptedQueue((run) => (run === 4 ? {} : new Error("boom")), {
      baseDelayMs: 100,
    });
    queue.add("a");
    await timers.advance(700);
    expect(gaps()).toEqual([100, 200, 400]);
    expect(queue.failures("a")).toBe(0);

    queue.add("a");
    await settle();
    const failedAt = timers.clock.now();
    expect(times.at(-1)).toBe(failedAt);
    expect(queue.failures("a")).toBe(1);
    await timers.advance(100);
    expect(times.at(-1)).toBe(failedAt + 100);
  });

  test("forget resets the backoff from outside", async () => {
    const { timers, queue } = scriptedQueue(() => new Error("boom"), { baseDelayMs: 100 });
    queue.add("a");
    await timers.advance(300);
    expect(queue.failures("a")).toBe(3);
    queue.forget("a");
    expect(queue.failures("a")).toBe(0);
  });

  test("requeueAfterMs brings the key back after that delay without counting a failure", async () => {
    const { timers, times, queue } = scriptedQueue((run) => (run === 1 ? { requeueAfterMs: 5000 } : {}), {});
    queue.add("a");
    await settle();
    await timers.advance(4999);
    expect(times).toHaveLength(1);
    await timers.advance(1);
    expect(times).toHaveLength(2);
    expect(queue.failures("a")).toBe(0);
    await timers.advance(60_000);
    expect(times).toHaveLength(2);
  });

  test("shutDown waits for the run in flight, drops queued and delayed keys, and ignores later adds", async () => {
    const { timers, work, queue } = setup();
    queue.add("a");
    queue.add("b");
    queue.addAfter("c", 1000);
    await settle();

    let drained = false;
    const stopping = queue.shutDown().then(() => {
      drained = true;
    });
    await settle();
    expect(drained).toBe(false);
    expect(queue.length).toBe(0);
    expect(timers.pending).toBe(0);

    await work.finish("a", { error: new Error("late failure") });
    await stopping;
    expect(drained).toBe(true);

    queue.add("d");
    await timers.advance(60_000);
    expect(work.keys()).toEqual(["a"]);
  });

  test("shutDown with nothing in flight resolves at once", async () => {
    const { queue } = setup();
    await queue.shutDown();
    await queue.shutDown();
    expect(queue.length).toBe(0);
  });

  test("the backoff doubles from the base and stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 40].map((n) => backoffMs({ firstMs: 100, maxMs: 1000 }, n))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
});
