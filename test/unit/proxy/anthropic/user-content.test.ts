import { describe, expect, test } from "bun:test";
import { geminiBody, refusal } from "./translate.ts";

const PNG = "iVBORw0KGgo=";
const PDF = "JVBERi0xLjQ=";
const png = { type: "base64", media_type: "image/png", data: PNG };

/** The parts of the one user turn a request with this content makes. */
function userParts(content: unknown): unknown {
  const { contents } = geminiBody({ messages: [{ role: "user", content }] });
  return (contents as { parts: unknown }[])[0]?.parts;
}

/** The turns after an assistant turn that called tools t1 (read) and t2 (grep). */
function answerTurn(content: unknown): unknown {
  const { contents } = geminiBody({
    messages: [
      { role: "user", content: "go" },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "t1", name: "read", input: { path: "a" } },
          { type: "tool_use", id: "t2", name: "grep", input: { q: "b" } },
        ],
      },
      { role: "user", content },
    ],
  });
  return (contents as { parts: unknown }[])[2]?.parts;
}

const USER_CONTENT: [string, unknown, unknown][] = [
  ["a string", "hello", [{ text: "hello" }]],
  [
    "text blocks, cache_control ignored, empty text dropped",
    [
      { type: "text", text: "a", cache_control: { type: "ephemeral" } },
      { type: "text", text: "" },
      { type: "text", text: "b", citations: [] },
    ],
    [{ text: "a" }, { text: "b" }],
  ],
  [
    "a base64 image, in its place among the text",
    [
      { type: "text", text: "see" },
      { type: "image", source: png },
      { type: "text", text: "?" },
    ],
    [{ text: "see" }, { inlineData: { mimeType: "image/png", data: PNG } }, { text: "?" }],
  ],
  [
    "a base64 PDF document",
    [{ type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } }],
    [{ inlineData: { mimeType: "application/pdf", data: PDF } }],
  ],
  [
    "a base64 document without media_type, read as PDF",
    [{ type: "document", source: { type: "base64", data: PDF } }],
    [{ inlineData: { mimeType: "application/pdf", data: PDF } }],
  ],
  [
    "a document's title before its content",
    [{ type: "document", title: "Spec", source: { type: "text", media_type: "text/plain", data: "body" } }],
    [{ text: "Spec" }, { text: "body" }],
  ],
  [
    "a document of content blocks (text and images)",
    [
      {
        type: "document",
        source: {
          type: "content",
          content: [
            { type: "text", text: "p1" },
            { type: "image", source: png },
          ],
        },
      },
    ],
    [{ text: "p1" }, { inlineData: { mimeType: "image/png", data: PNG } }],
  ],
  [
    "blocks Gemini has no use for (thinking echoed by the user, unknown kinds)",
    [
      { type: "thinking", thinking: "x", signature: "s" },
      { type: "container_upload", file_id: "f" },
      { type: "text", text: "kept" },
    ],
    [{ text: "kept" }],
  ],
  [
    "a tool_reference, marking the tool as loaded",
    [{ type: "tool_reference", tool_name: "Grep" }],
    [{ text: "Tool loaded: Grep" }],
  ],
];

const USER_REFUSALS: [string, unknown, string][] = [
  [
    "an image from a URL",
    [
      { type: "text", text: "a" },
      { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
    ],
    'messages[0].content[1].source.type: "url" sources are not supported (grantpool never fetches URLs a client names); send the data as base64',
  ],
  [
    "a document from a URL",
    [{ type: "document", source: { type: "url", url: "https://example.com/a.pdf" } }],
    'messages[0].content[0].source.type: "url" sources are not supported (grantpool never fetches URLs a client names); send the data as base64',
  ],
  [
    "an image from the Files API",
    [{ type: "image", source: { type: "file", file_id: "file_1" } }],
    'messages[0].content[0].source.type: "file" sources (the Files API) are not supported; send the data as base64',
  ],
  [
    "an image of an unknown source type",
    [{ type: "image", source: { type: "magic" } }],
    'messages[0].content[0].source.type: must be "base64"',
  ],
  [
    "a document of an unknown source type",
    [{ type: "document", source: { type: "magic" } }],
    'messages[0].content[0].source.type: must be "base64", "text" or "content"',
  ],
  ["an image without source", [{ type: "image" }], "messages[0].content[0].source: must be an object"],
  [
    "an image with a null source",
    [{ type: "image", source: null }],
    "messages[0].content[0].source: must be an object",
  ],
  [
    "a document with a string source",
    [{ type: "document", source: "x" }],
    "messages[0].content[0].source: must be an object",
  ],
  [
    "an image without media_type",
    [{ type: "image", source: { type: "base64", data: PNG } }],
    "messages[0].content[0].source.media_type: must be a string",
  ],
  [
    "an image without data",
    [{ type: "image", source: { type: "base64", media_type: "image/png" } }],
    "messages[0].content[0].source.data: must be a base64 string",
  ],
  [
    "a text document without data",
    [{ type: "document", source: { type: "text" } }],
    "messages[0].content[0].source.data: must be a string",
  ],
  [
    "a URL image inside a document's content",
    [
      {
        type: "document",
        source: { type: "content", content: [{ type: "image", source: { type: "url" } }] },
      },
    ],
    'messages[0].content[0].source.content[0].source.type: "url" sources are not supported (grantpool never fetches URLs a client names); send the data as base64',
  ],
  [
    "a document's content that is not a list",
    [{ type: "document", source: { type: "content", content: 3 } }],
    "messages[0].content[0].source.content: must be a string or an array of blocks",
  ],
  ["a text block without text", [{ type: "text" }], "messages[0].content[0].text: must be a string"],
];

const TOOL_RESULTS: [string, unknown, unknown][] = [
  [
    "string results of parallel calls, each named after its call",
    [
      { type: "tool_result", tool_use_id: "t1", content: "file a" },
      { type: "tool_result", tool_use_id: "t2", content: "match b" },
    ],
    [
      { functionResponse: { name: "read", response: { output: "file a" } } },
      { functionResponse: { name: "grep", response: { output: "match b" } } },
    ],
  ],
  [
    "text blocks joined by lines, an error as {error}, a result without content as empty output",
    [
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "text", text: "line 1" },
          { type: "text", text: "line 2" },
        ],
      },
      { type: "tool_result", tool_use_id: "t2", is_error: true, content: "no such file" },
    ],
    [
      { functionResponse: { name: "read", response: { output: "line 1\nline 2" } } },
      { functionResponse: { name: "grep", response: { error: "no such file" } } },
    ],
  ],
  [
    "responses first, then the user's own text; images of a result follow as inline parts",
    [
      { type: "text", text: "and now?" },
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "text", text: "a screenshot" },
          { type: "image", source: png },
        ],
      },
      { type: "tool_result", tool_use_id: "t2" },
    ],
    [
      { functionResponse: { name: "read", response: { output: "a screenshot" } } },
      { functionResponse: { name: "grep", response: { output: "" } } },
      { text: "and now?" },
      { inlineData: { mimeType: "image/png", data: PNG } },
    ],
  ],
  [
    "tool_reference and search_result content as text",
    [
      {
        type: "tool_result",
        tool_use_id: "t1",
        content: [
          { type: "tool_reference", tool_name: "Grep" },
          { type: "search_result", title: "T", source: "s", content: [{ type: "text", text: "x" }] },
        ],
      },
    ],
    [{ functionResponse: { name: "read", response: { output: "Tool loaded: Grep\nT\nx" } } }],
  ],
  [
    "a result whose call is not in the conversation, as text",
    [{ type: "tool_result", tool_use_id: "gone", content: "late" }],
    [{ text: "Result of tool call gone:\nlate" }],
  ],
];

describe("user content", () => {
  test.each(USER_CONTENT)("%s", (_name, content, parts) => {
    expect(userParts(content)).toEqual(parts);
  });

  test.each(USER_REFUSALS)("refuses %s, naming the path", (_name, content, message) => {
    expect(refusal({ messages: [{ role: "user", content }] })).toBe(message);
  });

  test("never quotes a URL it refuses", () => {
    const message = refusal({
      messages: [
        {
          role: "user",
          content: [{ type: "image", source: { type: "url", url: "https://secret.example" } }],
        },
      ],
    });
    expect(message).not.toContain("secret");
  });
});

describe("tool results", () => {
  test.each(TOOL_RESULTS)("%s", (_name, content, parts) => {
    expect(answerTurn(content)).toEqual(parts);
  });

  const REFUSALS: [string, unknown, string][] = [
    [
      "without tool_use_id",
      [{ type: "tool_result", content: "x" }],
      "messages[2].content[0].tool_use_id: must be a string",
    ],
    [
      "with numeric content",
      [{ type: "tool_result", tool_use_id: "t1", content: 3 }],
      "messages[2].content[0].content: must be a string or an array of blocks",
    ],
    [
      "with a block that is not an object",
      [{ type: "tool_result", tool_use_id: "t1", content: ["x"] }],
      "messages[2].content[0].content[0]: must be a content block object",
    ],
    [
      "with a URL image",
      [{ type: "tool_result", tool_use_id: "t1", content: [{ type: "image", source: { type: "url" } }] }],
      'messages[2].content[0].content[0].source.type: "url" sources are not supported (grantpool never fetches URLs a client names); send the data as base64',
    ],
  ];
  test.each(REFUSALS)("refuses a result %s, naming the path", (_name, content, message) => {
    expect(
      refusal({
        messages: [
          { role: "user", content: "go" },
          { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "read", input: {} }] },
          { role: "user", content },
        ],
      }),
    ).toBe(message);
  });
});
