/**
 * `grantpool accounts add`: verifies each refresh token with Google and upserts its account by
 * email. One token: one line of outcome. Several (stdin or file, one per line): one line each, and
 * exit 1 if any failed. Tokens are never printed.
 */
import { readFile } from "node:fs/promises";
import { describeEnrolled, ENROLL_VERB, sentence } from "../account-operations/account-messages.ts";
import {
  type EnrollDeps,
  type EnrollOutcome,
  enrollRefreshToken,
} from "../account-operations/enroll-account.ts";
import { CLI_NEXT_STEPS, type CliContext, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./cli-context.ts";
import { parseTokenLines, type TokenLine } from "./token-lines.ts";

export interface AccountsAddOptions {
  readonly refreshToken?: string;
  readonly refreshTokenFile?: string;
}

async function tokensFrom(ctx: CliContext, options: AccountsAddOptions): Promise<TokenLine[] | string> {
  if (options.refreshToken !== undefined) return [{ line: 1, token: options.refreshToken.trim() }];
  if (options.refreshTokenFile !== undefined) {
    try {
      return parseTokenLines(await readFile(options.refreshTokenFile, "utf8"));
    } catch (cause) {
      return `cannot read --refresh-token-file ${options.refreshTokenFile}: ${(cause as Error).message}`;
    }
  }
  if (ctx.stdinIsTTY)
    return "give a refresh token: --refresh-token T, --refresh-token-file F, or one per line on standard input";
  return parseTokenLines(await ctx.readStdin());
}

export async function accountsAdd(
  ctx: CliContext,
  deps: EnrollDeps,
  options: AccountsAddOptions,
): Promise<number> {
  const tokens = await tokensFrom(ctx, options);
  if (typeof tokens === "string") {
    ctx.err(`grantpool accounts add: ${tokens}`);
    return EXIT_USAGE;
  }
  if (tokens.length === 0 || tokens.some((t) => t.token === "")) {
    ctx.err("grantpool accounts add: no refresh token given");
    return EXIT_USAGE;
  }
  const batch = tokens.length > 1;
  const counts = { created: 0, updated: 0, recovered: 0, failed: 0 };
  for (const { line, token } of tokens) {
    const prefix = batch ? `line ${line}: ` : "";
    const result = await enrollRefreshToken(deps, token);
    if (result.ok) {
      counts[result.value.outcome] += 1;
      ctx.out(`${prefix}${sentence(describeEnrolled(result.value, CLI_NEXT_STEPS))}`);
    } else {
      counts.failed += 1;
      ctx.err(`${prefix}${result.error.message}`);
    }
  }
  if (batch) ctx.out(summary(counts));
  return counts.failed === 0 ? EXIT_OK : EXIT_FAILED;
}

/** `1 added, 1 updated, 1 failed`: each outcome that occurred, in the words the lines used. */
function summary(counts: Record<EnrollOutcome | "failed", number>): string {
  const parts = (["created", "updated", "recovered"] as const)
    .filter((outcome) => counts[outcome] > 0)
    .map((outcome) => `${counts[outcome]} ${ENROLL_VERB[outcome]}`);
  return [...parts, `${counts.failed} failed`].join(", ");
}
