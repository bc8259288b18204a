// Types for ensure-prometheus.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** `$GRANTPOOL_PROMETHEUS_CACHE`, else `$XDG_CACHE_HOME/grantpool/prometheus`, else `~/.cache/…`. */
export function prometheusCacheRoot(): string;

/** The path of a runnable `prometheus` from Debian's package, fetched and unpacked on first use. */
export function ensurePrometheus(options?: { readonly log?: (line: string) => void }): string;
