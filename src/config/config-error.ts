/**
 * The error loadConfig returns: every issue found, one per line, and for usage errors the usage
 * text of the command concerned. The CLI prints `message` and exits with code 2.
 */

export type ConfigErrorCode = "config_invalid" | "usage";

export interface ConfigErrorOptions {
  /** The usage text shown after the issues (usage errors). */
  readonly usage?: string;
  readonly cause?: unknown;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly code: ConfigErrorCode;
  /** One sentence per problem, in the order found. */
  readonly issues: readonly string[];
  readonly usage?: string;

  constructor(code: ConfigErrorCode, issues: readonly string[], options: ConfigErrorOptions = {}) {
    const text = issues.join("\n");
    super(options.usage === undefined ? text : `${text}\n\n${options.usage}`, { cause: options.cause });
    this.code = code;
    this.issues = issues;
    if (options.usage !== undefined) this.usage = options.usage;
  }
}
