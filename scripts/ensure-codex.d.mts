// Types for ensure-codex.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** The Codex CLI version the agent tests pin. */
export const CODEX_VERSION: string;

/** The path of a runnable native `codex` of the pinned version, installed into the cache on first use. */
export function ensureCodex(options?: {
  readonly log?: (line: string) => void;
  readonly version?: string;
}): string;
