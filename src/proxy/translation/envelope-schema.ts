/**
 * What the request envelopes of every protocol (Chat Completions, Responses, Anthropic Messages)
 * share: the field schemas whose messages say what was expected, and the one way to parse a body
 * with them — a JSON object, its first issue reported as `path: problem`, never the value.
 */
import * as v from "valibot";
import { err, ok, type Result } from "../../result.ts";
import { describeIssues } from "./envelope-issue.ts";

export const BODY_MESSAGE = "request body must be a JSON object";

export const text = (what: string) => v.string(`must be ${what}`);
export const optionalText = v.nullish(text("a string"));
/** The `model` every request names. */
export const modelName = v.pipe(text("a string naming the model"), v.nonEmpty("must not be empty"));
export const optionalNumber = v.nullish(v.number("must be a number"));
export const optionalBoolean = v.nullish(v.boolean("must be a boolean"));
export const positiveInteger = v.pipe(
  v.number("must be a positive integer"),
  v.integer("must be a positive integer"),
  v.minValue(1, "must be a positive integer"),
);
export const optionalPositiveInteger = v.nullish(positiveInteger);

/** The body checked against `schema`, or its first issue. */
export function parseEnvelope<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
): Result<v.InferOutput<TSchema>, string> {
  // valibot's objects take arrays too.
  if (Array.isArray(input)) return err(`body: ${BODY_MESSAGE}`);
  const parsed = v.safeParse(schema, input, { abortEarly: true });
  return parsed.success ? ok(parsed.output) : err(describeIssues(parsed.issues));
}
