/** What every CLI command is given: its output streams and the process's dependencies. */
import type { NextSteps } from "../account-operations/account-messages.ts";
import type { Logger } from "../log/logger.ts";
import type { FetchLike } from "../oauth/google-oauth-client.ts";
import type { Clock } from "../time/clock.ts";

/** What the process gives the CLI before the configuration is known. */
export interface ProcessDeps {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Where log lines go (standard error, so stdout stays clean for command output). */
  readonly writeLog: (line: string) => void;
  readonly clock: Clock;
  readonly fetch: FetchLike;
  readonly readStdin: () => Promise<string>;
  readonly stdinIsTTY: boolean;
  readonly newId: () => string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The process's dependencies once the configuration gave the logger. */
export interface CliContext extends Omit<ProcessDeps, "writeLog"> {
  readonly log: Logger;
}

/** Exit codes of the CLI (SPEC §3). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** The next steps the CLI's account messages name: its own commands. */
export const CLI_NEXT_STEPS: NextSteps = {
  enable: (account) => `\`grantpool accounts enable ${account.id}\` returns it to the proxy`,
  recover: "add a new token to recover it",
};
