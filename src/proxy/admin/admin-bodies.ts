/**
 * The admin API's request bodies, as valibot schemas, and the one reader that turns a request
 * body into a checked value or a message naming every bad field. Messages never quote a value:
 * a malformed body may well be a refresh token pasted in the wrong place.
 */
import * as v from "valibot";
import { MAX_REASON_LENGTH } from "../../accounts/account-transitions.ts";
import { err, ok, type Result } from "../../result.ts";
import { MAX_JSON_NESTING, nestsDeeperThan } from "../json-object-scan.ts";
import { type BodyLimits, readBodyWithLimit } from "../read-body.ts";

/** Far above any Google refresh token; stops junk from reaching Google's token endpoint. */
const MAX_REFRESH_TOKEN_LENGTH = 4096;

/** Admin bodies are a token or a reason: far below this, and sent at once. */
export const ADMIN_BODY_LIMITS: BodyLimits = { maxBytes: 64 * 1024, timeoutMs: 30_000 };

/** A string that is not blank and at most `max` characters, trimmed. */
function trimmedText(max: number, notAString: string, description: string) {
  return v.pipe(
    v.string(notAString),
    v.trim(),
    v.nonEmpty("must not be empty"),
    v.maxLength(max, `must be at most ${max} characters`),
    v.description(description),
  );
}

export const AddAccountBody = v.strictObject(
  {
    refresh_token: trimmedText(
      MAX_REFRESH_TOKEN_LENGTH,
      "must be a string (the refresh token)",
      "A Google refresh token",
    ),
  },
  'must be a JSON object like {"refresh_token": "…"}',
);
export type AddAccountBody = v.InferOutput<typeof AddAccountBody>;

export const DisableAccountBody = v.strictObject(
  {
    reason: v.optional(
      trimmedText(MAX_REASON_LENGTH, "must be a string", "Recorded as proxy_disabled_reason"),
    ),
  },
  'must be a JSON object like {"reason": "…"}, or empty',
);
export type DisableAccountBody = v.InferOutput<typeof DisableAccountBody>;

export const EnableAccountBody = v.strictObject({}, "must be empty or {}");
export type EnableAccountBody = v.InferOutput<typeof EnableAccountBody>;

export type BodySchema<T> = v.GenericSchema<unknown, T>;

/** "refresh_token: is required; junk: unknown field" */
export function describeBodyIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => {
      const path = v.getDotPath(issue);
      if (issue.type === "strict_object" && path !== null) {
        // The object itself reports members that are missing or not allowed, on their paths.
        if (issue.expected === "never") return `${path}: unknown field`;
        if (issue.received === "undefined") return `${path}: is required`;
      }
      return `${path ?? "body"}: ${issue.message}`;
    })
    .join("; ");
}

/**
 * Reads and checks a JSON body. `emptyAs` is what an empty body means (undefined: a body is
 * required). The request must not have been read before.
 */
export async function readJsonBody<T>(
  request: Request,
  schema: BodySchema<T>,
  emptyAs?: unknown,
): Promise<Result<T, string>> {
  const bytes = await readBodyWithLimit(request, ADMIN_BODY_LIMITS);
  if (!bytes.ok) {
    if (bytes.error.kind === "too_large")
      return err(`body: is larger than ${ADMIN_BODY_LIMITS.maxBytes} bytes`);
    if (bytes.error.kind === "timeout") return err("body: did not arrive in time");
    return err("body: cannot be read");
  }
  if (nestsDeeperThan(bytes.value, MAX_JSON_NESTING)) {
    return err(`body: nests deeper than ${MAX_JSON_NESTING} levels`);
  }
  const text = new TextDecoder().decode(bytes.value);
  let input: unknown = emptyAs;
  if (text.trim() === "") {
    if (emptyAs === undefined) return err("body: is empty; send a JSON object");
  } else {
    try {
      input = JSON.parse(text);
    } catch {
      return err("body: is not valid JSON");
    }
  }
  // valibot takes an array for an object with numbered members; no admin body is a list.
  if (Array.isArray(input)) return err("body: must be a JSON object, not an array");
  const parsed = v.safeParse(schema, input, { abortEarly: false });
  return parsed.success ? ok(parsed.output) : err(describeBodyIssues(parsed.issues));
}
