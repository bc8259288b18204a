// Types for ensure-gemini-cli.mjs, which stays plain JavaScript so `npm test` runs it with Node alone.

/** The Gemini CLI version the agent tests pin. */
export const GEMINI_CLI_VERSION: string;

/** The path of the pinned Gemini CLI's entry script (run with Node), installed on first use. */
export function ensureGeminiCli(options?: {
  readonly log?: (line: string) => void;
  readonly version?: string;
}): string;
