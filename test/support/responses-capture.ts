/**
 * A stand-in for OpenAI's Responses API that records what a client sends — method, path and
 * query, headers (but its credentials), JSON body — and answers every `POST …/responses` with the
 * event stream the real API sends (`response.created` … `response.completed`), carrying what a
 * script decides: a text, or one function or custom tool call, after a reasoning item if asked.
 * Other requests (a WebSocket upgrade on `GET …/responses`, a models listing) get a 404 after being
 * recorded. It is how the Codex request fixtures (fixtures/codex-request*.json) were taken, without
 * grantpool in between.
 */
import { listen } from "./listening-app.ts";

export interface CapturedRequest {
  readonly method: string;
  /** Path and query: `/v1/responses`. */
  readonly target: string;
  /** Lower-cased names; authorization and any key-like header left out. */
  readonly headers: Record<string, string>;
  /** The authorization header, apart so that the headers can be shown and saved. */
  readonly authorization?: string;
  readonly body: unknown;
}

/** Reasoning before the turn's item, as a `reasoning` output item with a summary and a blob. */
export interface CapturedReasoning {
  readonly summary: string;
  readonly encryptedContent: string;
}

/** What the model says next: a text, or a call of one of the client's function or custom tools. */
export type CapturedTurn = (
  | { readonly text: string }
  | { readonly functionCall: { readonly name: string; readonly arguments: string } }
  | { readonly customToolCall: { readonly name: string; readonly input: string } }
) & { readonly reasoning?: CapturedReasoning };

export interface ResponsesCapture extends AsyncDisposable {
  /** Ends in `/v1`, like the provider's `base_url`. */
  readonly baseUrl: string;
  readonly requests: readonly CapturedRequest[];
}

const SECRET_HEADER = /^(authorization|x-api-key|api-key|openai-api-key|cookie)$/i;

function event(type: string, fields: Record<string, unknown>, sequence: number): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;
}

function outputItem(turn: CapturedTurn, index: number): Record<string, unknown> {
  if ("text" in turn) {
    return {
      type: "message",
      id: `msg_${index}`,
      role: "assistant",
      status: "completed",
      content: [{ type: "output_text", text: turn.text, annotations: [] }],
    };
  }
  if ("customToolCall" in turn) {
    return {
      type: "custom_tool_call",
      id: `ctc_${index}`,
      call_id: `call_${index}`,
      name: turn.customToolCall.name,
      input: turn.customToolCall.input,
      status: "completed",
    };
  }
  return {
    type: "function_call",
    id: `fc_${index}`,
    call_id: `call_${index}`,
    name: turn.functionCall.name,
    arguments: turn.functionCall.arguments,
    status: "completed",
  };
}

function reasoningItem(reasoning: CapturedReasoning, index: number): Record<string, unknown> {
  return {
    type: "reasoning",
    id: `rs_${index}`,
    summary: [{ type: "summary_text", text: reasoning.summary }],
    encrypted_content: reasoning.encryptedContent,
  };
}

/** The stream of one response (a reasoning item, then one output item), as the Responses API sends it. */
function responseStream(turn: CapturedTurn, index: number, model: string): string {
  const base = { id: `resp_${index}`, object: "response", created_at: 1_700_000_000, model };
  const reasoning = turn.reasoning === undefined ? [] : [reasoningItem(turn.reasoning, index)];
  const at = reasoning.length;
  const item = outputItem(turn, index);
  const usage = {
    input_tokens: 10,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 5,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 15,
  };
  const events: [string, Record<string, unknown>][] = [
    ["response.created", { response: { ...base, status: "in_progress", output: [] } }],
    ["response.in_progress", { response: { ...base, status: "in_progress", output: [] } }],
    ...reasoning.flatMap((r): [string, Record<string, unknown>][] => [
      ["response.output_item.added", { output_index: 0, item: { ...r, summary: [] } }],
      ["response.output_item.done", { output_index: 0, item: r }],
    ]),
    ["response.output_item.added", { output_index: at, item: { ...item, status: "in_progress" } }],
  ];
  if ("text" in turn) {
    events.push([
      "response.output_text.delta",
      { item_id: item.id, output_index: at, content_index: 0, delta: turn.text },
    ]);
  } else if ("customToolCall" in turn) {
    events.push([
      "response.custom_tool_call_input.delta",
      { item_id: item.id, output_index: at, delta: turn.customToolCall.input },
    ]);
  } else {
    events.push([
      "response.function_call_arguments.delta",
      { item_id: item.id, output_index: at, delta: turn.functionCall.arguments },
    ]);
  }
  events.push(["response.output_item.done", { output_index: at, item }]);
  events.push([
    "response.completed",
    { response: { ...base, status: "completed", output: [...reasoning, item], usage } },
  ]);
  return events.map(([type, fields], sequence) => event(type, fields, sequence)).join("");
}

export function startResponsesCapture(
  script: (body: Record<string, unknown>, requestIndex: number) => CapturedTurn,
): ResponsesCapture {
  const requests: CapturedRequest[] = [];
  let responses = 0;
  const server = listen(async (request) => {
    const url = new URL(request.url);
    const text = request.method === "POST" ? await request.text() : "";
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Kept as text.
    }
    const headers = Object.fromEntries([...request.headers].filter(([name]) => !SECRET_HEADER.test(name)));
    const authorization = request.headers.get("authorization");
    requests.push({
      method: request.method,
      target: `${url.pathname}${url.search}`,
      headers,
      body,
      ...(authorization === null ? {} : { authorization }),
    });
    if (request.method !== "POST" || !url.pathname.endsWith("/responses")) {
      return Response.json(
        { error: { message: "Not found", type: "invalid_request_error" } },
        { status: 404 },
      );
    }
    const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
    const index = responses++;
    const stream = responseStream(script(fields, index), index, String(fields.model ?? "unknown"));
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  });
  return {
    baseUrl: `${server.url}/v1`,
    requests,
    [Symbol.asyncDispose]: () => server[Symbol.asyncDispose](),
  };
}
