/** valibot schemas for Google's OAuth replies: every reply is parsed here before use. */
import * as v from "valibot";

export const TokenReply = v.object({
  access_token: v.pipe(v.string(), v.minLength(1)),
  expires_in: v.pipe(v.number(), v.integer(), v.minValue(0)),
  token_type: v.optional(v.string(), "Bearer"),
  refresh_token: v.optional(v.pipe(v.string(), v.minLength(1))),
  scope: v.optional(v.string()),
  id_token: v.optional(v.string()),
});
export type TokenReply = v.InferOutput<typeof TokenReply>;

export const UserinfoReply = v.object({
  email: v.pipe(v.string(), v.email()),
  name: v.optional(v.string()),
  id: v.optional(v.string()),
  verified_email: v.optional(v.boolean()),
});
export type UserinfoReply = v.InferOutput<typeof UserinfoReply>;

/** Names each schema issue by path and expectation; never echoes the received value. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  return issues
    .map((issue) => `${v.getDotPath(issue) ?? "reply"}: expected ${issue.expected ?? issue.type}`)
    .join("; ");
}
