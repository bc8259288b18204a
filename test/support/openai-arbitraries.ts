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
