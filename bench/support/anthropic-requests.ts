/**
 * Request and reply bodies for the Anthropic benchmark, deterministic so runs compare: a ~1 kB
 * conversation in both protocols (the same words, so the two routes carry the same load), the
 * Gemini replies a stub upstream sends back (whole and as SSE), and a ~100 kB request shaped like
 * Claude Code's (system blocks, twenty tools with JSON schemas, fifty turns of tool use).
 */

const words = (seed: number, count: number) =>
  Array.from({ length: count }, (_, i) => ["grant", "pool", "token", "proxy", "model"][(seed + i) % 5]).join(
    " ",
  );

const SYSTEM = `You are a careful assistant. ${words(1, 40)}`;
const TURNS = [words(2, 35), words(3, 30), words(4, 35)];

/** ~1 kB as Gemini's own request. */
export const SMALL_GEMINI_REQUEST = JSON.stringify({
  systemInstruction: { parts: [{ text: SYSTEM }] },
  contents: [
    { role: "user", parts: [{ text: TURNS[0] }] },
    { role: "model", parts: [{ text: TURNS[1] }] },
    { role: "user", parts: [{ text: TURNS[2] }] },
  ],
  generationConfig: { maxOutputTokens: 1024, temperature: 0.7 },
});

/** The same conversation as a Messages request, streamed or not. */
export function smallMessagesRequest(stream: boolean): string {
  return JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 1024,
    temperature: 0.7,
    stream,
    system: SYSTEM,
    messages: [
      { role: "user", content: TURNS[0] },
      { role: "assistant", content: TURNS[1] },
      { role: "user", content: TURNS[2] },
    ],
  });
}

const USAGE = { promptTokenCount: 260, candidatesTokenCount: 60, totalTokenCount: 320 };

/** A whole Gemini reply: one text part of ~300 bytes. */
export const GEMINI_TEXT_REPLY = JSON.stringify({
  candidates: [{ content: { role: "model", parts: [{ text: words(5, 50) }] }, finishReason: "STOP" }],
  usageMetadata: USAGE,
  modelVersion: "gemini-2.5-pro",
});

/**
 * The same reply streamed as `chunks` SSE events (`alt=sse`), the last with the finish reason, one
 * network read each, as they would arrive from Google.
 */
export function geminiSseReply(chunks: number): Uint8Array[] {
  const events: Uint8Array[] = [];
  for (let i = 0; i < chunks; i++) {
    const last = i === chunks - 1;
    const event = {
      candidates: [
        {
          content: { role: "model", parts: [{ text: `${words(i, 10)} ` }] },
          ...(last ? { finishReason: "STOP" } : {}),
        },
      ],
      usageMetadata: last ? USAGE : { promptTokenCount: 260 },
    };
    events.push(new TextEncoder().encode(`data: ${JSON.stringify(event)}\r\n\r\n`));
  }
  return events;
}

function toolSchema(i: number): Record<string, unknown> {
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    additionalProperties: false,
    required: ["path", "mode"],
    properties: {
      path: { type: "string", description: `The absolute path of the file ${words(i, 12)}` },
      mode: { type: "string", enum: ["read", "write", "append"], description: words(i + 1, 10) },
      limit: { type: "integer", exclusiveMinimum: 0, maximum: 10_000, description: words(i + 2, 8) },
      options: {
        type: ["object", "null"],
        properties: {
          recursive: { type: "boolean", default: false },
          pattern: { type: "string", pattern: "^[a-z]+(?:-[a-z]+)*$" },
          entries: { type: "array", items: { $ref: "#/$defs/entry" }, maxItems: 50 },
        },
      },
      target: { anyOf: [{ type: "string", format: "uri" }, { const: "stdout" }] },
    },
    $defs: {
      entry: {
        type: "object",
        properties: { name: { type: "string" }, size: { type: "number", minimum: 0 } },
        required: ["name"],
      },
    },
  };
}

const SIGNATURE = "Eo8CCkYIBxgCKkB".padEnd(400, "x");

function assistantTurn(turn: number): Record<string, unknown> {
  return {
    role: "assistant",
    content: [
      { type: "thinking", thinking: words(turn, 40), signature: SIGNATURE },
      { type: "text", text: words(turn + 1, 25) },
      {
        type: "tool_use",
        id: `toolu_${turn}`,
        name: `tool_${turn % 20}`,
        input: { path: `/repo/src/file-${turn}.ts`, mode: "read", limit: 200 },
      },
    ],
  };
}

function userTurn(turn: number): Record<string, unknown> {
  if (turn === 0)
    return {
      role: "user",
      content: [{ type: "text", text: words(0, 60), cache_control: { type: "ephemeral" } }],
    };
  return {
    role: "user",
    content: [
      {
        type: "tool_result",
        tool_use_id: `toolu_${turn - 1}`,
        content: [{ type: "text", text: words(turn, 170) }],
      },
    ],
  };
}

/** ~100 kB, Claude Code's shape: system blocks, 20 tools, 50 turns (25 tool round trips). */
export function claudeCodeLikeRequest(): Record<string, unknown> {
  const messages: Record<string, unknown>[] = [];
  for (let turn = 0; turn < 50; turn++) messages.push(turn % 2 === 0 ? userTurn(turn) : assistantTurn(turn));
  messages.push(userTurn(50));
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 32_000,
    stream: false,
    thinking: { type: "enabled", budget_tokens: 10_000 },
    metadata: { user_id: "user_bench" },
    system: [
      { type: "text", text: "x-anthropic-billing-header: cc_version=2.1.0; cc_entrypoint=cli" },
      { type: "text", text: "You are Claude Code, Anthropic's official CLI for Claude." },
      { type: "text", text: words(7, 1800), cache_control: { type: "ephemeral" } },
    ],
    tools: Array.from({ length: 20 }, (_, i) => ({
      name: `tool_${i}`,
      description: words(i, 120),
      input_schema: toolSchema(i),
    })),
    messages,
  };
}

/** A Gemini reply to a tool-using turn: a thought, text, and a signed function call. */
export const GEMINI_TOOL_REPLY = {
  candidates: [
    {
      content: {
        role: "model",
        parts: [
          { text: words(3, 40), thought: true },
          { text: words(4, 20) },
          {
            functionCall: { name: "tool_3", args: { path: "/repo/src/main.ts", mode: "read" } },
            thoughtSignature: SIGNATURE,
          },
        ],
      },
      finishReason: "STOP",
    },
  ],
  usageMetadata: { ...USAGE, cachedContentTokenCount: 20_000, thoughtsTokenCount: 120 },
};
