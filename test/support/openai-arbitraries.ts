/**
 * Generated OpenAI request bodies for property tests: near-valid requests, the right shapes with
 * wrong values (and a secret-looking string) mixed in, so most get past the envelope and reach
 * the translation.
 */
import fc from "fast-check";

export const SECRET = "sk-value-never-echoed";
export const anyJson = fc.jsonValue({ maxDepth: 2, depthSize: "xsmall" });
export const mostly = <T>(valid: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 8, arbitrary: valid },
    { weight: 1, arbitrary: anyJson },
    { weight: 1, arbitrary: fc.constant(SECRET) },
  );

const part = mostly(
  fc.oneof(
    fc.record({ type: fc.constant("text"), text: mostly(fc.string()) }),
    fc.record({
      type: fc.constant("image_url"),
      image_url: mostly(
        fc.record({ url: fc.constantFrom("data:image/png;base64,AAAA", "https://x.example/a.png", SECRET) }),
      ),
    }),
    fc.record({ type: fc.constantFrom("input_audio", "file", "refusal", "other"), text: fc.string() }),
  ),
);
const toolCall = mostly(
  fc.record({
    id: mostly(fc.constantFrom("c1", "c2")),
    type: fc.constant("function"),
    function: mostly(
      fc.record({
        name: mostly(fc.constantFrom("f", "g", "")),
        arguments: mostly(fc.constantFrom("{}", '{"a":1}', "[1]", "{")),
      }),
    ),
  }),
);
const message = mostly(
  fc.record(
    {
      role: mostly(fc.constantFrom("system", "developer", "user", "assistant", "tool", "function")),
      content: mostly(fc.oneof(fc.string(), fc.array(part, { maxLength: 3 }), fc.constant(null))),
      tool_calls: mostly(fc.array(toolCall, { maxLength: 2 })),
      tool_call_id: mostly(fc.constantFrom("c1", "c2", "zz")),
      name: fc.string(),
    },
    { requiredKeys: ["role"] },
  ),
);
export const chatBody = fc.record(
  {
    model: mostly(fc.constantFrom("gpt-4.1", "o3", "")),
    messages: mostly(fc.array(message, { maxLength: 4 })),
    tools: mostly(
      fc.array(
        mostly(
          fc.record({
            type: mostly(fc.constantFrom("function", "custom")),
            function: mostly(
              fc.record({ name: mostly(fc.constantFrom("f", "g", "a b")), parameters: anyJson }),
            ),
          }),
        ),
        { maxLength: 2 },
      ),
    ),
    tool_choice: mostly(
      fc.constantFrom("auto", "none", "required", { type: "function", function: { name: "f" } }),
    ),
    response_format: mostly(
      fc.constantFrom(
        { type: "text" },
        { type: "json_object" },
        { type: "json_schema", json_schema: { name: "x", schema: {} } },
      ),
    ),
    n: mostly(fc.integer({ min: -1, max: 3 })),
    max_tokens: mostly(fc.integer({ min: -1, max: 300_000 })),
    stop: mostly(fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 7 }))),
    reasoning_effort: mostly(fc.constantFrom("none", "minimal", "low", "high", "xhigh", "weird")),
  },
  { requiredKeys: [] },
);

const responsesPart = mostly(
  fc.oneof(
    fc.record({
      type: fc.constantFrom("input_text", "output_text", "refusal", "summary_text"),
      text: mostly(fc.string()),
    }),
    fc.record({
      type: fc.constant("input_image"),
      image_url: mostly(fc.constantFrom("data:image/png;base64,AAAA", "https://x.example/a.png", SECRET)),
      file_id: mostly(fc.constant("file-1")),
    }),
    fc.record({
      type: fc.constant("input_file"),
      file_data: mostly(fc.constant("data:application/pdf;base64,AAAA")),
    }),
  ),
);
const responsesContent = mostly(fc.oneof(fc.string(), fc.array(responsesPart, { maxLength: 3 })));
const callId = mostly(fc.constantFrom("c1", "c2"));
const responsesItem = mostly(
  fc.oneof(
    fc.record(
      {
        type: fc.constant("message"),
        role: mostly(fc.constantFrom("user", "assistant", "system", "developer")),
        content: responsesContent,
      },
      { requiredKeys: ["role"] },
    ),
    fc.record({
      type: fc.constantFrom("function_call", "custom_tool_call"),
      call_id: callId,
      name: mostly(fc.constantFrom("f", "apply_patch", "")),
      namespace: mostly(fc.constantFrom("crm")),
      arguments: mostly(fc.constantFrom("{}", '{"a":1}', "[", "7")),
      input: mostly(fc.string()),
    }),
    fc.record({
      type: fc.constantFrom("function_call_output", "custom_tool_call_output"),
      call_id: callId,
      output: responsesContent,
    }),
    fc.record({
      type: fc.constant("reasoning"),
      summary: mostly(
        fc.array(fc.record({ type: fc.constant("summary_text"), text: fc.string() }), { maxLength: 2 }),
      ),
      encrypted_content: mostly(fc.constantFrom("gp.gemini.v1:SIG", "gp.gemini.v1:", "gAAAA-other")),
    }),
    fc.record({ type: fc.constantFrom("web_search_call", "local_shell_call", "item_reference", "other") }),
  ),
);
const responsesTool = mostly(
  fc.oneof(
    fc.record({
      type: fc.constant("function"),
      name: mostly(fc.constantFrom("f", "g", "a b")),
      parameters: anyJson,
    }),
    fc.record({
      type: fc.constant("custom"),
      name: mostly(fc.constant("apply_patch")),
      format: mostly(
        fc.record({ type: fc.constant("grammar"), syntax: fc.constant("lark"), definition: fc.string() }),
      ),
    }),
    fc.record({
      type: fc.constant("namespace"),
      name: mostly(fc.constant("crm")),
      tools: mostly(
        fc.array(mostly(fc.record({ type: fc.constant("function"), name: mostly(fc.constant("lookup")) })), {
          maxLength: 2,
        }),
      ),
    }),
    fc.record({ type: fc.constantFrom("local_shell", "web_search", "image_generation") }),
  ),
);
export const responsesBody = fc.record(
  {
    model: mostly(fc.constantFrom("gpt-5", "o3", "")),
    instructions: mostly(fc.string()),
    input: mostly(fc.oneof(fc.string(), fc.array(responsesItem, { maxLength: 5 }))),
    tools: mostly(fc.array(responsesTool, { maxLength: 3 })),
    tool_choice: mostly(
      fc.constantFrom(
        "auto",
        "none",
        "required",
        { type: "function", name: "f" },
        { type: "allowed_tools", mode: "auto", tools: [] },
      ),
    ),
    reasoning: mostly(
      fc.record({
        effort: mostly(fc.constantFrom("low", "high", "none")),
        summary: mostly(fc.constantFrom("auto", "none")),
      }),
    ),
    text: mostly(
      fc.record({
        format: mostly(fc.constantFrom({ type: "text" }, { type: "json_schema", name: "x", schema: {} })),
      }),
    ),
    max_output_tokens: mostly(fc.integer({ min: -1, max: 300_000 })),
    previous_response_id: fc.constantFrom(null, null, null, "resp_1"),
    stream: mostly(fc.boolean()),
    store: mostly(fc.boolean()),
  },
  { requiredKeys: [] },
);
