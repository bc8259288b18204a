/**
 * `Promise.all(items.map(task))` with at most `limit` tasks running at once: reading a directory
 * of 100,000 files must not ask for 100,000 open files. Results keep the order of `items`; the
 * first rejection rejects the whole map once the tasks already running have settled.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  const settled = await Promise.allSettled(workers);
  const rejected = settled.find((outcome) => outcome.status === "rejected");
  if (rejected !== undefined) throw (rejected as PromiseRejectedResult).reason;
  return results;
}
