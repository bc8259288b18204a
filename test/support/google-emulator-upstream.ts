/**
 * The Google emulator's upstream side: stand-ins for the Gemini API (`/v1beta/models…`) and
 * Cloud Code Assist (`/v1internal:…`). Every call is recorded first (so tests can check what
 * reached "Google", e.g. that no client key leaked), then authenticated by access token, then
 * failed by an injected fault or answered.
 */
import {
  countTokens,
  eventStream,
  generateContentResponse,
  MODELS,
  modelResource,
  newReplySpec,
  type StreamFormat,
  streamHeaders,
} from "./google-emulator-content.ts";
import { batchEmbedContents, embedContent } from "./google-emulator-embeddings.ts";
import {
  midStreamError,
  SERVICE,
  type UpstreamProfile,
  upstreamFaultReply,
} from "./google-emulator-faults.ts";
import type { FaultQueue, HeldStream } from "./google-emulator-gates.ts";
import type { QuotaLedger } from "./google-emulator-quota.ts";
import {
  apiJson,
  apiKeyInvalid,
  frontEndPage,
  invalidArgument,
  rpcError,
  unauthenticated,
} from "./google-emulator-replies.ts";
import { type EmulatorState, type IdentityRecord, randomId } from "./google-emulator-state.ts";
import { missingSignature, turnChunks, turnResponse, unknownSchemaField } from "./google-emulator-turns.ts";
import type {
  EmulatorCalls,
  GenerateCallView,
  ModelTurn,
  StreamFault,
  UpstreamFault,
  UpstreamRequest,
  UpstreamStream,
} from "./google-emulator-types.ts";

export interface UpstreamContext {
  state: EmulatorState;
  calls: EmulatorCalls;
  requests: UpstreamRequest[];
  streams: UpstreamStream[];
  faults: FaultQueue<UpstreamFault>;
  quota: QuotaLedger;
  /** Faults of a streamed reply after it began; taken only by calls that stream a reply. */
  streamFaults: FaultQueue<StreamFault>;
  streamChunks: () => readonly string[];
  streamHold: () => HeldStream | undefined;
  /** The scripted turn that answers this call, if any. */
  nextTurn: (call: GenerateCallView) => ModelTurn | undefined;
  requireSignatures: () => boolean;
}

type GeminiAction = "list" | "get" | "generate" | "stream" | "count" | "embed" | "batchEmbed";
type Action = GeminiAction | "load" | "onboard" | "quota";

interface Route {
  profile: UpstreamProfile;
  action: Action;
  model?: string;
}

const GEMINI_ACTIONS: Record<string, Action> = {
  generateContent: "generate",
  streamGenerateContent: "stream",
  countTokens: "count",
};
/** The Gemini API's embedding methods; Cloud Code Assist has none (its /v1internal:embedContent is a 404). */
const EMBEDDING_ACTIONS: Record<string, Action> = {
  embedContent: "embed",
  batchEmbedContents: "batchEmbed",
};
const CODE_ASSIST_ACTIONS: Record<string, Action> = {
  ...GEMINI_ACTIONS,
  loadCodeAssist: "load",
  onboardUser: "onboard",
  fetchAvailableModels: "quota",
};

function matchRoute(method: string, path: string): Route | undefined {
  if (method === "GET" && /^\/v1(beta)?\/models\/?$/.test(path)) return { profile: "gemini", action: "list" };
  const model = /^\/v1(?:beta)?\/models\/([^/:]+)(?::(\w+))?$/.exec(path);
  if (model?.[1] !== undefined) {
    if (method === "GET" && model[2] === undefined) {
      return { profile: "gemini", action: "get", model: model[1] };
    }
    const action = GEMINI_ACTIONS[model[2] ?? ""] ?? EMBEDDING_ACTIONS[model[2] ?? ""];
    if (method === "POST" && action !== undefined) return { profile: "gemini", action, model: model[1] };
  }
  const internal = /^\/v1internal:(\w+)$/.exec(path);
  const action = CODE_ASSIST_ACTIONS[internal?.[1] ?? ""];
  if (method === "POST" && action !== undefined) return { profile: "code-assist", action };
  return undefined;
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization") ?? "";
  const token = header.startsWith("Bearer ") ? header.slice(7).trim() : "";
  return token === "" ? undefined : token;
}

function parseBody(text: string): { value: unknown; json: boolean } {
  if (text === "") return { value: undefined, json: true };
  try {
    return { value: JSON.parse(text), json: true };
  } catch {
    return { value: text, json: false };
  }
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function missingContents(request: unknown): Response | undefined {
  const contents = field(request, "contents");
  if (Array.isArray(contents) && contents.length > 0) return undefined;
  return invalidArgument("* GenerateContentRequest.contents: contents is not specified\n");
}

interface Call {
  path: string;
  route: Route;
  body: unknown;
  identity: IdentityRecord;
  format: StreamFormat;
}

function streamed(
  call: Call,
  model: string,
  request: unknown,
  context: UpstreamContext,
  wrap: boolean,
  turn: ModelTurn | undefined,
): Response {
  const spec = newReplySpec(model, request);
  const texts = context.streamChunks().map((text) => text.replaceAll("{email}", call.identity.email));
  const traceId = randomId(8);
  const replies =
    turn === undefined
      ? texts.map((text, i) => generateContentResponse(text, spec, i === texts.length - 1))
      : turnChunks(turn, spec);
  const payloads: unknown[] = replies.map((reply) => (wrap ? { response: reply, traceId } : reply));
  const fault = context.streamFaults.take(call.identity.email);
  if (fault !== undefined) payloads.splice(fault.afterEvents);
  // Cloud Code sends the error event as Google's plain Status, not wrapped in {response}.
  if (fault?.kind === "error_event") payloads.push(midStreamError());
  const progress: UpstreamStream = { path: call.path, events: payloads.length, sent: 0, state: "open" };
  context.streams.push(progress);
  const ending = fault?.kind === "break" ? "break" : "end";
  const body = eventStream(payloads, { format: call.format, hold: context.streamHold, progress, ending });
  return new Response(body, { status: 200, headers: streamHeaders(call.format) });
}

/** Gemini 3 models insist on thought signatures; older ones take a history without them. */
function needsSignatures(model: string, context: UpstreamContext): boolean {
  return context.requireSignatures() || /^(models\/)?gemini-([3-9]|\d{2,})/.test(model);
}

/** What Gemini checks in a generate request before answering it: contents, tool schemas, signatures. */
function refusal(
  request: unknown,
  model: string,
  prefix: string,
  context: UpstreamContext,
): Response | undefined {
  return (
    missingContents(request) ??
    unknownSchemaField(request, prefix) ??
    (needsSignatures(model, context) ? missingSignature(request) : undefined)
  );
}

/** The scripted turn that answers this call, if a test queued one or set a default. */
function turnFor(
  call: Call,
  model: string,
  request: unknown,
  context: UpstreamContext,
): ModelTurn | undefined {
  return context.nextTurn({
    model,
    request: (typeof request === "object" && request !== null ? request : {}) as Record<string, unknown>,
    email: call.identity.email,
    streamed: call.route.action === "stream",
  });
}

/** A generateContent reply: the scripted turn, else the default text naming the identity. */
function answer(call: Call, model: string, request: unknown, turn: ModelTurn | undefined): unknown {
  const spec = newReplySpec(model, request);
  return turn === undefined
    ? generateContentResponse(`answered by ${call.identity.email}`, spec, true)
    : turnResponse(turn, spec);
}

function gemini(call: Call, context: UpstreamContext): Response {
  const model = call.route.model ?? "";
  switch (call.route.action) {
    case "list":
      return apiJson(200, { models: MODELS.map(modelResource) });
    case "get": {
      const known = MODELS.find((m) => m.id === model.replace(/^models\//, ""));
      if (known !== undefined) return apiJson(200, modelResource(known));
      return rpcError(404, "NOT_FOUND", `models/${model} is not found for API version v1beta.`);
    }
    case "embed":
      return embedContent(model, call.body);
    case "batchEmbed":
      return batchEmbedContents(model, call.body);
    case "count": {
      const request = field(call.body, "generateContentRequest") ?? call.body;
      const total = countTokens(request);
      return apiJson(200, {
        totalTokens: total,
        promptTokensDetails: [{ modality: "TEXT", tokenCount: total }],
      });
    }
    default: {
      const invalid = refusal(call.body, model, "", context);
      if (invalid !== undefined) return invalid;
      const turn = turnFor(call, model, call.body, context);
      if (call.route.action === "stream") return streamed(call, model, call.body, context, false, turn);
      return apiJson(200, answer(call, model, call.body, turn));
    }
  }
}

function loadCodeAssist(identity: IdentityRecord): Response {
  const tier = {
    id: "free-tier",
    name: "Gemini Code Assist for individuals",
    description: "Gemini Code Assist for individuals (served by the Google emulator)",
    userDefinedCloudaicompanionProject: false,
  };
  const paid =
    identity.paidTier === undefined ? {} : { paidTier: { id: identity.paidTier, name: identity.paidTier } };
  return apiJson(200, {
    currentTier: tier,
    ...paid,
    allowedTiers: [{ ...tier, isDefault: true }],
    cloudaicompanionProject: identity.projectId,
    gcpManaged: false,
  });
}

/** Cloud Code refuses a project the caller has no access to (only checked for explicit projects). */
function foreignProject(identity: IdentityRecord, project: unknown): Response | undefined {
  if (!identity.explicitProject || project === undefined || project === identity.projectId) return undefined;
  const resource = `//cloudaicompanion.googleapis.com/projects/${String(project)}/locations/global`;
  return rpcError(
    403,
    "PERMISSION_DENIED",
    `Permission 'cloudaicompanion.companions.generateChat' denied on resource '${resource}' (or it may not exist).`,
    [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "IAM_PERMISSION_DENIED",
        domain: "cloudaicompanion.googleapis.com",
        metadata: { permission: "cloudaicompanion.companions.generateChat", resource },
      },
    ],
  );
}

function codeAssist(call: Call, context: UpstreamContext): Response {
  const { identity } = call;
  if (call.route.action === "load") return loadCodeAssist(identity);
  if (call.route.action === "quota") {
    // An identity with its own project must name it: no project is refused like another's.
    return foreignProject(identity, field(call.body, "project") ?? "") ?? context.quota.reply(identity.email);
  }
  if (call.route.action === "onboard") {
    return apiJson(200, {
      name: `operations/emu-${randomId(8)}`,
      done: true,
      response: {
        "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse",
        cloudaicompanionProject: { id: identity.projectId, name: identity.projectId },
      },
    });
  }
  const request = field(call.body, "request");
  if (call.route.action === "count") return apiJson(200, { totalTokens: countTokens(request) });
  const model = field(call.body, "model");
  if (typeof model !== "string" || model === "") {
    return invalidArgument("Request contains an invalid argument.");
  }
  const refused =
    foreignProject(identity, field(call.body, "project")) ?? refusal(request, model, "request.", context);
  if (refused !== undefined) return refused;
  const turn = turnFor(call, model, request, context);
  if (call.route.action === "stream") return streamed(call, model, request, context, true, turn);
  return apiJson(200, { response: answer(call, model, request, turn), traceId: randomId(8) });
}

function record(
  request: Request,
  url: URL,
  text: string,
  body: unknown,
  email: string | undefined,
): UpstreamRequest {
  const entry: UpstreamRequest = {
    method: request.method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: Object.fromEntries(request.headers),
    body,
    text,
  };
  if (email !== undefined) entry.email = email;
  return entry;
}

export async function handleUpstream(
  request: Request,
  url: URL,
  context: UpstreamContext,
): Promise<Response> {
  context.calls.upstream += 1;
  const text = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
  const body = parseBody(text);
  const token = bearerToken(request);
  const holder = token === undefined ? undefined : context.state.accessToken(token);
  context.requests.push(record(request, url, text, body.value, holder?.email));
  const route = matchRoute(request.method, url.pathname);
  if (route === undefined) {
    return frontEndPage(404, `The requested URL <code>${url.pathname}</code> was not found on this server.`);
  }
  const service = SERVICE[route.profile];
  // Any key a client could hand us is not a Google key: a leaked client key fails loudly.
  if (url.searchParams.has("key") || request.headers.has("x-goog-api-key")) return apiKeyInvalid(service);
  if (token === undefined) return unauthenticated(false, service);
  const identity = holder?.valid === true ? context.state.identity(holder.email) : undefined;
  if (identity === undefined) return unauthenticated(true, service);
  if (route.action === "quota") context.quota.countCall(identity.email);
  const model = route.model ?? field(body.value, "model");
  const fault = context.faults.take(identity.email);
  if (fault !== undefined) {
    return upstreamFaultReply(fault, {
      profile: route.profile,
      model: typeof model === "string" ? model : undefined,
    });
  }
  if (!body.json) {
    return invalidArgument(`Invalid JSON payload received. Unexpected token.\n${text.slice(0, 40)}\n^`);
  }
  const call: Call = {
    path: url.pathname,
    route,
    body: body.value,
    identity,
    format: url.searchParams.get("alt") === "sse" ? "sse" : "json-array",
  };
  return route.profile === "gemini" ? gemini(call, context) : codeAssist(call, context);
}
