/**
 * Runs calls one at a time per key (the first argument), in the order they came, whatever the
 * outcome of the one before; calls for different keys run side by side.
 */
// Kept over a keyed-mutex library: twenty lines, whose ordering guarantee its own test proves.
export function serializePerKey<A extends readonly unknown[], R>(
  run: (key: string, ...rest: A) => Promise<R>,
): (key: string, ...rest: A) => Promise<R> {
  const running = new Map<string, Promise<unknown>>();
  return (key, ...rest) => {
    const previous = running.get(key) ?? Promise.resolve();
    const next = previous.then(
      () => run(key, ...rest),
      () => run(key, ...rest),
    );
    running.set(key, next);
    void next
      .finally(() => {
        if (running.get(key) === next) running.delete(key);
      })
      .catch(() => {});
    return next;
  };
}
