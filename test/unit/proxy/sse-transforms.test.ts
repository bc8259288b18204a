import { describe, expect, test } from "bun:test";
import { unwrapResponse } from "../../../src/proxy/upstream/code-assist-profile.ts";
import { sseToJsonArray } from "../../../src/proxy/upstream/sse-to-json-array.ts";
import { rewriteSseData } from "../../../src/proxy/upstream/sse-transform.ts";

async function pipe(chunks: string[], transform: TransformStream<Uint8Array, Uint8Array>): Promise<string[]> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  const out: string[] = [];
  const reader = source.pipeThrough(transform).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(new TextDecoder().decode(value));
  }
}

describe("SSE rewriting", () => {
  test("unwraps {response} in each event, even when events are split across chunks", async () => {
    const out = await pipe(
      ['data: {"response": {"a"', ': 1}}\r\n\r\ndata: {"response": {"b": 2}}\n', "\n"],
      rewriteSseData(unwrapResponse),
    );
    expect(out).toEqual(['data: {"a":1}\r\n\r\n', 'data: {"b":2}\r\n\r\n']);
  });

  test("joins multi-line data and keeps other fields and comments", async () => {
    const out = await pipe(
      ['event: x\ndata: {"response":\ndata: 3}\n\n: keep-alive\n\n'],
      rewriteSseData(unwrapResponse),
    );
    expect(out).toEqual(["event: x\r\ndata: 3\r\n\r\n", ": keep-alive\r\n\r\n"]);
  });

  test("emits a final event that lacks its blank line", async () => {
    expect(await pipe(['data: {"response":1}'], rewriteSseData(unwrapResponse))).toEqual(["data: 1\r\n\r\n"]);
  });

  test("turns events into Gemini's streamed JSON array", async () => {
    const out = (await pipe(['data: {"a":1}\n\ndata: {"b":2}\n\n'], sseToJsonArray())).join("");
    expect(JSON.parse(out)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(await pipe([], sseToJsonArray())).toEqual(["[]"]);
  });
});
