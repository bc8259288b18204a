/**
 * The `gemini` profile: the Gemini API itself; paths go through as they are, and a Gemini client's
 * body goes through as the client sent it (never parsed into a new text on the way).
 */
import { ok } from "../../result.ts";
import { wholeReply } from "../../telemetry/http-server-telemetry.ts";
import { callBody, passedReplyHeaders, type UpstreamProfile, upstreamHeaders } from "./upstream-profile.ts";

export function createGeminiProfile(baseUrl: string): UpstreamProfile {
  /** The last model's URL up to its action: clients ask for the same few models again and again. */
  let last = { model: "", prefix: `${baseUrl}/v1beta/models/:` };
  const modelUrl = (model: string): string => {
    if (model !== last.model)
      last = { model, prefix: `${baseUrl}/v1beta/models/${encodeURIComponent(model)}:` };
    return last.prefix;
  };
  return {
    name: "gemini",
    prepare(call, lease, signal) {
      const query = call.query.toString();
      const url = `${modelUrl(call.model)}${call.action}${query === "" ? "" : `?${query}`}`;
      const headers = upstreamHeaders(
        lease,
        lease.projectId === undefined ? {} : { "x-goog-user-project": lease.projectId },
      );
      const body = callBody(call);
      return body.ok ? ok({ url, init: { method: "POST", headers, body: body.value, signal } }) : body;
    },
    readsBody: () => false,
    adaptSuccess(reply, call, follow) {
      const init = { status: reply.status, headers: passedReplyHeaders(reply) };
      // A whole reply is read by the runtime here, once; a stream is passed on as it arrives.
      if (call.action !== "streamGenerateContent") return wholeReply(reply, init);
      return reply.body === null ? new Response(null, init) : follow(reply.body, init);
    },
  };
}
