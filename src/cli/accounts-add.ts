/**
 * `grantpool accounts add`: verifies each refresh token with Google and upserts its account by
 * email. One token: one line of outcome. Several (stdin or file, one per line): one line each, and
 * exit 1 if any failed. Tokens are never printed.
 */
import { readFile } from "node:fs/promises";
import { describeRejection } from "../accounts/token-failure.ts";
import { type EnrollDeps, type Enrolled, enrollRefreshToken } from "../pool/enroll-account.ts";
import { type CliContext, EXIT_FAILED, EXIT_OK, EXIT_USAGE } from "./cli-context.ts";
import { parseTokenLines, type TokenLine } from "./token-lines.ts";

export interface AccountsAddOptions {
  readonly refreshToken?: string;
  readonly refreshTokenFile?: string;
}

const VERB: Record<Enrolled["outcome"], string> = {
  created: "Added",
  updated: "Updated",
  recovered: "Recovered",
};

export function describeEnrolled(enrolled: Enrolled): string {
  const { account } = enrolled;
  const note = account.proxyDisabled ? " (still proxy-disabled; `grantpool accounts enable` returns it)" : "";
  return `${VERB[enrolled.outcome]} ${account.email} (id ${account.id})${note}`;
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
    const result = await enrollRefreshToken(deps, token).catch((cause: unknown) => ({
      ok: false as const,
      error: { message: `cannot store the account: ${(cause as Error).message}` },
    }));
    if (result.ok) {
      counts[result.value.outcome] += 1;
      ctx.out(`${prefix}${describeEnrolled(result.value)}`);
    } else {
      counts.failed += 1;
      const reason =
        "failure" in result.error ? describeRejection(result.error.failure) : result.error.message;
      ctx.err(`${prefix}${reason}`);
    }
  }
  if (batch) ctx.out(summary(counts));
  return counts.failed === 0 ? EXIT_OK : EXIT_FAILED;
}

/** `1 added, 1 updated, 1 failed`: each outcome that occurred, in the words the lines used. */
function summary(counts: Record<Enrolled["outcome"] | "failed", number>): string {
  const parts = (["created", "updated", "recovered"] as const)
    .filter((outcome) => counts[outcome] > 0)
    .map((outcome) => `${counts[outcome]} ${VERB[outcome].toLowerCase()}`);
  return [...parts, `${counts.failed} failed`].join(", ");
}
