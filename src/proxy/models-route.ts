/**
 * `GET /v1/models`, answered in the shape the asking client's SDK parses (SPEC §6.1). Anthropic's
 * clients are told apart by the `anthropic-version` header they always send; they get the models
 * grantpool serves (the upstream's list, through the pool, as for `GET /v1beta/models`) as
 * Anthropic's `{data: [{type: "model", id, display_name, created_at}], has_more, first_id, last_id}`,
 * paged by `limit` and `after_id`. Any other client still gets the 404 it got before (the OpenAI
 * shape is issue 14's). The key is checked with the rule of the client's protocol.
 */
import { Elysia } from "elysia";
import * as v from "valibot";
import { checkAccess } from "./access/access-rule.ts";
import { anthropicErrorFromGoogle } from "./anthropic/anthropic-error.ts";
import type { ClientAccess } from "./client-auth.ts";
import { ACCOUNT_HEADER, type ForwardDeps } from "./forward-call.ts";
import { listModels } from "./list-models.ts";
import { errorReply } from "./protocol-errors.ts";

export interface ModelsRouteDeps {
  readonly access: ClientAccess;
  readonly forward: ForwardDeps;
  readonly upstreamUrl: string;
}

const GeminiModelList = v.looseObject({
  models: v.optional(
    v.array(
      v.looseObject({
        name: v.string(),
        displayName: v.optional(v.string()),
        supportedGenerationMethods: v.optional(v.array(v.string())),
      }),
    ),
  ),
});

/** Gemini's models carry no creation date; Anthropic's clients want one. */
const UNKNOWN_DATE = "1970-01-01T00:00:00Z";
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

interface AnthropicModel {
  readonly type: "model";
  readonly id: string;
  readonly display_name: string;
  readonly created_at: string;
}

function anthropicModels(gemini: unknown): AnthropicModel[] {
  const parsed = v.safeParse(GeminiModelList, gemini);
  const models = parsed.success ? (parsed.output.models ?? []) : [];
  return models
    .filter((m) => m.supportedGenerationMethods?.includes("generateContent") ?? true)
    .map((m) => {
      const id = m.name.replace(/^models\//, "");
      return { type: "model", id, display_name: m.displayName ?? id, created_at: UNKNOWN_DATE };
    });
}

function page(models: AnthropicModel[], query: URLSearchParams) {
  const limit = Number(query.get("limit") ?? DEFAULT_LIMIT);
  const size = Number.isInteger(limit) && limit >= 1 ? Math.min(limit, MAX_LIMIT) : DEFAULT_LIMIT;
  const after = query.get("after_id");
  const start = after === null ? 0 : models.findIndex((m) => m.id === after) + 1;
  const data = models.slice(start, start + size);
  return {
    data,
    has_more: start + size < models.length,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}

async function anthropicList(deps: ModelsRouteDeps, request: Request): Promise<Response> {
  const upstream = await listModels(deps.forward, deps.upstreamUrl, new URLSearchParams(), request.signal);
  const account = upstream.headers.get(ACCOUNT_HEADER);
  const text = await upstream.text().catch(() => "");
  let reply: Response;
  if (upstream.ok) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    reply = Response.json(page(anthropicModels(json), new URL(request.url).searchParams));
  } else {
    const mapped = anthropicErrorFromGoogle(upstream.status, text);
    reply = Response.json(mapped.body, { status: mapped.status });
  }
  if (account !== null) reply.headers.set(ACCOUNT_HEADER, account);
  return reply;
}

export function createModelsRoute(deps: ModelsRouteDeps) {
  return new Elysia().get("/v1/models", ({ request }) => {
    if (!request.headers.has("anthropic-version")) {
      return errorReply("openai", { kind: "not_found", message: "no route for GET /v1/models" });
    }
    return checkAccess(deps.access.api("anthropic"), request) ?? anthropicList(deps, request);
  });
}
