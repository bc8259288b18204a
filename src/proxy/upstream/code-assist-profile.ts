/**
 * The `code-assist` profile: Google's Cloud Code Assist API (`/v1internal:generateContent`,
 * `:streamGenerateContent?alt=sse`, `:countTokens`). Requests are wrapped as
 * `{model, project, request}`; replies come wrapped as `{response}` — in every SSE event too — and
 * are unwrapped, so clients speak plain Gemini.
 */
import { Buffer } from "node:buffer";
import type { FetchLike } from "../../oauth/google-oauth-client.ts";
import { ok, type Result } from "../../result.ts";
import { inMemoryReply } from "../../telemetry/http-server-telemetry.ts";
import { createProjectResolver } from "./code-assist-project.ts";
import { createQuotaFetch } from "./code-assist-quota.ts";
import { sseToJsonArray } from "./sse-to-json-array.ts";
import { rewriteSseData } from "./sse-transform.ts";
import {
  type GeminiCall,
  type PreparedRequest,
  type ProfileFailure,
  replyHeaders,
  serializeBody,
  type UpstreamBody,
  type UpstreamProfile,
  upstreamHeaders,
} from "./upstream-profile.ts";

export interface CodeAssistOptions {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly rememberProject: (accountId: string, projectId: string) => Promise<void>;
}

/** `{"response": X, …}` → `X`; anything else is passed on untouched. */
export function unwrapResponse(json: string): string {
  try {
    const value = JSON.parse(json) as unknown;
    if (value !== null && typeof value === "object" && "response" in value) {
      return JSON.stringify((value as { response: unknown }).response);
    }
  } catch {
    // Not JSON (a keep-alive comment, a partial line): leave it as the upstream sent it.
  }
  return json;
}

const encoder = new TextEncoder();

/**
 * `{model, project, request}` around the call's body. A client's own bytes (a JSON object the
 * edge has parsed) are copied in as they are, so a large body is not serialized again.
 */
export function wrapRequest(call: GeminiCall, project: string): Result<UpstreamBody, ProfileFailure> {
  if (call.rawBody === undefined) return serializeBody({ model: call.model, project, request: call.body });
  const head = encoder.encode(
    `{"model":${JSON.stringify(call.model)},"project":${JSON.stringify(project)},"request":`,
  );
  // Not zeroed first: every byte is written below (zeroing cost as much as the copy at 256 kB).
  const wrapped = Buffer.allocUnsafe(head.byteLength + call.rawBody.byteLength + 1);
  wrapped.set(head);
  wrapped.set(call.rawBody, head.byteLength);
  wrapped[wrapped.byteLength - 1] = 0x7d; // }
  return ok(wrapped);
}

export function createCodeAssistProfile(options: CodeAssistOptions): UpstreamProfile {
  const projects = createProjectResolver({
    fetch: options.fetch,
    baseUrl: options.baseUrl,
    remember: options.rememberProject,
  });
  return {
    name: "code-assist",
    fetchQuota: createQuotaFetch({
      fetch: options.fetch,
      baseUrl: options.baseUrl,
      projectFor: projects.projectFor,
      tierFor: projects.tierFor,
    }),
    async prepare(call, lease, signal) {
      const query = new URLSearchParams(call.query);
      // Cloud Code streams only as SSE; adaptSuccess turns it into the JSON-array form when asked.
      if (call.action === "streamGenerateContent") query.set("alt", "sse");
      const text = query.toString();
      const url = `${options.baseUrl}/v1internal:${call.action}${text === "" ? "" : `?${text}`}`;
      const headers = upstreamHeaders(lease);
      const post = (body: Result<UpstreamBody, ProfileFailure>): Result<PreparedRequest, ProfileFailure> =>
        body.ok ? ok({ url, init: { method: "POST", headers, body: body.value, signal } }) : body;
      if (call.action === "countTokens") {
        return post(serializeBody({ request: { ...call.body, model: `models/${call.model}` } }));
      }
      const project = await projects.projectFor(lease, signal);
      if (!project.ok) return project;
      return post(wrapRequest(call, project.value));
    },
    // countTokens goes upstream in another wrapper, built from the parsed body.
    readsBody: (action) => action === "countTokens",
    adaptSuccess(reply, call, follow) {
      const headers = replyHeaders(reply);
      if (call.action === "streamGenerateContent" && reply.body !== null) {
        const events = rewriteSseData(reply.body, unwrapResponse);
        if (call.query.get("alt") === "sse") return follow(events, { status: reply.status, headers });
        headers.set("content-type", "application/json; charset=UTF-8");
        return follow(sseToJsonArray(events), { status: reply.status, headers });
      }
      if (call.action === "countTokens" || reply.body === null) {
        return new Response(reply.body, { status: reply.status, headers });
      }
      // A non-streamed reply is one JSON document: unwrap it once it has arrived.
      return reply
        .text()
        .then((text) => inMemoryReply(unwrapResponse(text), { status: reply.status, headers }));
    },
  };
}
