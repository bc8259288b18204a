/**
 * The `gemini` profile: the Gemini API itself; paths go through as they are, and a Gemini client's
 * body goes through as the client sent it (never parsed into a new text on the way).
 */
import { ok } from "../../result.ts";
import { callBody, replyHeaders, type UpstreamProfile, upstreamHeaders } from "./upstream-profile.ts";

export function createGeminiProfile(baseUrl: string): UpstreamProfile {
  return {
    name: "gemini",
    prepare(call, lease, signal) {
      const query = call.query.toString();
      const url = `${baseUrl}/v1beta/models/${encodeURIComponent(call.model)}:${call.action}${query === "" ? "" : `?${query}`}`;
      const headers = upstreamHeaders(
        lease,
        lease.projectId === undefined ? {} : { "x-goog-user-project": lease.projectId },
      );
      const body = callBody(call);
      return Promise.resolve(
        body.ok ? ok({ url, init: { method: "POST", headers, body: body.value, signal } }) : body,
      );
    },
    adaptSuccess(reply) {
      return new Response(reply.body, { status: reply.status, headers: replyHeaders(reply) });
    },
  };
}
