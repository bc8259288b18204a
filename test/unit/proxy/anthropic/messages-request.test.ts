import { describe, expect, test } from "bun:test";
import {
  translateCountTokensRequest,
  translateMessagesRequest,
} from "../../../../src/proxy/anthropic/messages-request.ts";
import { BASE, HI } from "./translate.ts";

const tool = { name: "Read", description: "reads", input_schema: { type: "object", properties: {} } };
const declarations = [
  {
    functionDeclarations: [
      { name: "Read", description: "reads", parametersJsonSchema: { type: "object", properties: {} } },
    ],
  },
];

describe("a Messages request", () => {
  test("gives the client's model, whether to stream, the Gemini body and no renamed tools", () => {
    const result = translateMessagesRequest({
      ...BASE,
      stream: true,
      system: "s",
      messages: HI,
      tools: [tool],
    });
    expect(result).toEqual({
      ok: true,
      value: {
        clientModel: "claude-sonnet-4-5",
        stream: true,
        toolNames: new Map(),
        body: {
          systemInstruction: { parts: [{ text: "s" }] },
          contents: [{ role: "user", parts: [{ text: "hi" }] }],
          tools: declarations,
          generationConfig: { maxOutputTokens: 1024 },
        },
      },
    });
  });

  test.each([
    [undefined, false],
    [null, false],
    [false, false],
    [true, true],
  ])("stream %p streams: %p", (stream, expected) => {
    const result = translateMessagesRequest({
      ...BASE,
      messages: HI,
      ...(stream === undefined ? {} : { stream }),
    });
    expect(result.ok && result.value.stream).toBe(expected);
  });

  test("asks the model map about the client's model", () => {
    const asked: string[] = [];
    translateMessagesRequest(
      { ...BASE, model: "claude-haiku-4-5", messages: HI },
      {
        upstreamModelFor: (model) => {
          asked.push(model);
          return "gemini-2.5-flash";
        },
      },
    );
    expect(asked).toEqual(["claude-haiku-4-5"]);
  });
});

/** count_tokens request fields → Gemini countTokens body. */
const COUNTS: [string, Record<string, unknown>, Record<string, unknown>][] = [
  ["the conversation alone", { messages: HI }, { contents: [{ role: "user", parts: [{ text: "hi" }] }] }],
  [
    "system and tools as a user turn in front",
    { system: [{ type: "text", text: "be brief" }], tools: [tool], messages: HI },
    {
      contents: [
        { role: "user", parts: [{ text: "be brief" }, { text: JSON.stringify(declarations) }] },
        { role: "user", parts: [{ text: "hi" }] },
      ],
    },
  ],
  [
    "tools alone, with max_tokens, thinking and stream ignored",
    {
      tools: [tool],
      messages: HI,
      max_tokens: 5,
      thinking: { type: "enabled", budget_tokens: 2048 },
      stream: true,
    },
    {
      contents: [
        { role: "user", parts: [{ text: JSON.stringify(declarations) }] },
        { role: "user", parts: [{ text: "hi" }] },
      ],
    },
  ],
];

describe("a count_tokens request", () => {
  test.each(COUNTS)("counts %s", (_name, fields, body) => {
    expect(translateCountTokensRequest({ model: "claude-x", ...fields })).toEqual({
      ok: true,
      value: { clientModel: "claude-x", body },
    });
  });

  test("is refused like a Messages request, with the path", () => {
    expect(
      translateCountTokensRequest({ model: "m", messages: [{ role: "user", content: [{ type: "image" }] }] }),
    ).toEqual({
      ok: false,
      error: "messages[0].content[0].source: must be an object",
    });
  });
});
