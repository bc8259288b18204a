/**
 * Durations as Google writes them: protobuf Duration JSON in RetryInfo.retryDelay ("43s", "1.5s"),
 * Go durations in Cloud Code's quotaResetDelay ("1h2m3.5s", "373.801628ms"), and HTTP Retry-After
 * (delta seconds or an HTTP date). All return milliseconds, or undefined when unreadable.
 */

const GO_UNITS: Record<string, number> = {
  h: 3_600_000,
  m: 60_000,
  s: 1_000,
  ms: 1,
  us: 0.001,
  µs: 0.001,
  ns: 0.000001,
};

export function parseGoogleDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(\d+(\.\d+)?(h|ms|m|s|us|µs|ns))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const match of trimmed.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g)) {
    total += Number(match[1]) * (GO_UNITS[match[2] ?? "s"] ?? 0);
  }
  return Math.round(total);
}

export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
