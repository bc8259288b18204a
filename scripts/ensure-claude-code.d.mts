// Types for ensure-claude-code.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** The Claude Code version the agent tests pin. */
export const CLAUDE_CODE_VERSION: string;

/** `$GRANTPOOL_AGENTS_CACHE`, else `$XDG_CACHE_HOME/grantpool/agents`, else `~/.cache/…`. */
export function agentsCacheRoot(): string;

/** The path of a runnable `claude` of the pinned version, installed into the cache on first use. */
export function ensureClaudeCode(options?: {
  readonly log?: (line: string) => void;
  readonly version?: string;
}): string;
