import { describe, expect, test } from "bun:test";
import { unwrapResponse } from "../../../src/proxy/upstream/code-assist-profile.ts";
import { sseToJsonArray } from "../../../src/proxy/upstream/sse-to-json-array.ts";
import { rewriteSseData } from "../../../src/proxy/upstream/sse-transform.ts";

type Rewrite = (source: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;

function sourceOf(chunks: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
}

/** What the rewritten stream hands out, chunk by chunk. */
async function pipe(chunks: string[], rewrite: Rewrite): Promise<string[]> {
  const out: string[] = [];
  const reader = rewrite(sourceOf(chunks)).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(new TextDecoder().decode(value));
  }
}

const unwrapped: Rewrite = (source) => rewriteSseData(source, unwrapResponse);

describe("SSE rewriting", () => {
  test("unwraps {response} in each event, even when events are split across chunks", async () => {
    const out = await pipe(
      ['data: {"response": {"a"', ': 1}}\r\n\r\ndata: {"response": {"b": 2}}\n', "\n"],
      unwrapped,
    );
    expect(out).toEqual(['data: {"a":1}\r\n\r\n', 'data: {"b":2}\r\n\r\n']);
  });

  test("joins multi-line data and keeps other fields and comments", async () => {
    const out = await pipe(['event: x\ndata: {"response":\ndata: 3}\n\n: keep-alive\n\n'], unwrapped);
    // What one read of the source completes goes out as one chunk.
    expect(out).toEqual(["event: x\r\ndata: 3\r\n\r\n: keep-alive\r\n\r\n"]);
  });

  test("emits a final event that lacks its blank line", async () => {
    expect(await pipe(['data: {"response":1}'], unwrapped)).toEqual(["data: 1\r\n\r\n"]);
  });

  test("turns events into Gemini's streamed JSON array", async () => {
    const out = (await pipe(['data: {"a":1}\n\ndata: {"b":2}\n\n'], sseToJsonArray)).join("");
    expect(JSON.parse(out)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(await pipe([], sseToJsonArray)).toEqual(["[]"]);
  });

  test("passes an event on before the source sends anything more", async () => {
    let push: ((text: string) => void) | undefined;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
      },
    });
    const reader = unwrapped(source).getReader();
    push?.('data: {"response":1}\n\ndata: {"respo');
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: 1\r\n\r\n");
    await reader.cancel();
  });

  test("fails as the source fails, and cancels the source when the reader goes away", async () => {
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("connection reset"));
      },
    });
    await expect(unwrapped(broken).getReader().read()).rejects.toThrow("connection reset");
    let cancelled: unknown;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode('data: {"response":1}\n\n'));
      },
      cancel(reason) {
        cancelled = reason;
      },
    });
    const reader = sseToJsonArray(unwrapped(endless)).getReader();
    await reader.read();
    await reader.cancel("client went away");
    expect(cancelled).toBe("client went away");
  });
});
