/**
 * The Gemini-native routes (SPEC §6.1): `GET /v1beta/models` and
 * `POST /v1beta/models/{model}:generateContent | :streamGenerateContent | :countTokens`.
 * Bodies are read raw (never parsed by the framework) so the size limit applies before reading.
 */
import { Elysia } from "elysia";
import { type ForwardDeps, forwardCall } from "./forward-call.ts";
import { listModels } from "./list-models.ts";
import { errorReply } from "./protocol-errors.ts";
import { parseJsonObject, readBodyWithLimit } from "./read-body.ts";
import { sessionKeyOf } from "./session-key.ts";
import type { GeminiAction } from "./upstream/upstream-profile.ts";

export interface GeminiRouteDeps {
  readonly forward: ForwardDeps;
  readonly upstreamUrl: string;
  readonly maxBodyBytes: number;
}

const ACTIONS: readonly GeminiAction[] = ["generateContent", "streamGenerateContent", "countTokens"];

function parseTarget(target: string): { model: string; action: GeminiAction } | undefined {
  const colon = target.lastIndexOf(":");
  if (colon <= 0) return undefined;
  const model = decodeURIComponent(target.slice(0, colon));
  const action = ACTIONS.find((a) => a === target.slice(colon + 1));
  return action === undefined || model.includes("/") ? undefined : { model, action };
}

/** The client's query without its API key: keys never travel upstream. */
function forwardedQuery(url: URL): URLSearchParams {
  const query = new URLSearchParams(url.search);
  query.delete("key");
  return query;
}

export function createGeminiRoutes(deps: GeminiRouteDeps) {
  return new Elysia()
    .get("/v1beta/models", ({ request }) => {
      const url = new URL(request.url);
      return listModels(deps.forward, deps.upstreamUrl, forwardedQuery(url), request.signal);
    })
    .post(
      "/v1beta/models/*",
      async ({ request, params }) => {
        const target = parseTarget(params["*"]);
        if (target === undefined) {
          return errorReply("gemini", {
            kind: "not_found",
            message: `unknown method "${params["*"]}": expected {model}:generateContent, :streamGenerateContent or :countTokens`,
          });
        }
        const bytes = await readBodyWithLimit(request, deps.maxBodyBytes);
        if (!bytes.ok) {
          return bytes.error.kind === "too_large"
            ? errorReply("gemini", {
                kind: "payload_too_large",
                message: `request body exceeds the limit of ${deps.maxBodyBytes} bytes (GRANTPOOL_MAX_BODY_BYTES)`,
              })
            : errorReply("gemini", { kind: "bad_request", message: "request body could not be read" });
        }
        const body = parseJsonObject(bytes.value);
        if (!body.ok) return errorReply("gemini", { kind: "bad_request", message: body.error });
        const sessionKey = sessionKeyOf(request.headers, body.value);
        return forwardCall(deps.forward, {
          call: { ...target, body: body.value, query: forwardedQuery(new URL(request.url)) },
          protocol: "gemini",
          signal: request.signal,
          ...(sessionKey === undefined ? {} : { sessionKey }),
        });
      },
      { parse: "none" },
    );
}
