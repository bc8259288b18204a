/**
 * Waits for a condition instead of sleeping: polls `predicate` until it returns a truthy value
 * (which is returned) or the deadline passes (which fails with `message`).
 */
export interface WaitForOptions {
  /** Default 5000 ms. */
  readonly timeoutMs?: number;
  /** What was awaited, for the failure message; a function is called at failure time. */
  readonly message?: string | (() => string);
  /** Default 10 ms. */
  readonly intervalMs?: number;
}

export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, false | 0 | "" | null | undefined>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value) return value as Exclude<T, false | 0 | "" | null | undefined>;
    if (Date.now() > deadline) {
      const message = typeof options.message === "function" ? options.message() : options.message;
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${message ?? "a condition"}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 10));
  }
}
