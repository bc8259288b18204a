/**
 * The streamed Anthropic reply when the upstream's stream goes wrong: an event that is not JSON,
 * Google's error object as an event, a body that fails mid-way. Each ends the client's stream with
 * one `error` event and nothing after it, at once, and stops reading the upstream.
 */
import { describe, expect, test } from "bun:test";
import { streamedMessageReplies } from "../../../src/proxy/anthropic-replies.ts";
import { parseFrames } from "./anthropic/sse-frames.ts";

const CONTEXT = { clientModel: "claude-sonnet-4-6", messageId: "msg_r1" };
const TEXT_EVENT = `data: ${JSON.stringify({
  candidates: [{ content: { role: "model", parts: [{ text: "one " }] }, index: 0 }],
})}\r\n\r\n`;

interface Upstream {
  readonly body: ReadableStream<Uint8Array>;
  /** Whether the reader cancelled the body (stopped reading it). */
  cancelled(): boolean;
}

/**
 * An upstream body that sends these pieces, then `tail`: `hang` waits for ever (an upstream that
 * would go on sending), `end` closes, or an error fails the next read.
 */
function upstream(pieces: string[], tail: "hang" | "end" | Error): Upstream {
  const encoder = new TextEncoder();
  let cancelled = false;
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      const piece = pieces[at++];
      if (piece !== undefined) return controller.enqueue(encoder.encode(piece));
      if (tail === "end") return controller.close();
      if (tail instanceof Error) return controller.error(tail);
      return new Promise<void>(() => {});
    },
    cancel() {
      cancelled = true;
    },
  });
  return { body, cancelled: () => cancelled };
}

async function reply(source: Upstream) {
  const response = await streamedMessageReplies(CONTEXT).success(new Response(source.body));
  return parseFrames(await response.text());
}

describe("a streamed Anthropic reply whose upstream goes wrong", () => {
  test("an event that is not JSON ends the stream with an api_error event and stops reading the upstream", async () => {
    const source = upstream([TEXT_EVENT, "data: <html>Bad Gateway</html>\r\n\r\n", TEXT_EVENT], "hang");
    const frames = await reply(source);
    expect(frames.map((f) => f.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "error",
    ]);
    expect(frames.at(-1)?.data).toEqual({
      type: "error",
      error: { type: "api_error", message: "the upstream sent a stream event that is not JSON" },
    });
    expect(source.cancelled()).toBe(true);
  });

  test("Google's error event ends the stream with its Anthropic type, whatever the upstream still sends", async () => {
    const error = {
      error: { code: 429, message: "Resource has been exhausted", status: "RESOURCE_EXHAUSTED" },
    };
    const source = upstream([TEXT_EVENT, `data: ${JSON.stringify(error)}\r\n\r\n`, TEXT_EVENT], "hang");
    const frames = await reply(source);
    expect(frames.map((f) => f.event).slice(-2)).toEqual(["content_block_delta", "error"]);
    expect(frames.at(-1)?.data).toEqual({
      type: "error",
      error: { type: "rate_limit_error", message: "Resource has been exhausted (RESOURCE_EXHAUSTED)" },
    });
    expect(source.cancelled()).toBe(true);
  });

  test("an error event without a code is typed by its status string", async () => {
    const error = { error: { message: "The model is overloaded.", status: "UNAVAILABLE" } };
    const frames = await reply(upstream([`data: ${JSON.stringify(error)}\r\n\r\n`], "end"));
    expect(frames.map((f) => f.data)).toEqual([
      {
        type: "error",
        error: { type: "overloaded_error", message: "The model is overloaded. (UNAVAILABLE)" },
      },
    ]);
  });

  test("a body that fails mid-way, even inside an event, ends with an api_error event naming the cause", async () => {
    const reset = Object.assign(new TypeError("The socket connection was closed unexpectedly."), {
      code: "ECONNRESET",
    });
    const frames = await reply(upstream([TEXT_EVENT, 'data: {"candidates": [{"con'], reset));
    expect(frames.map((f) => f.event)).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "content_block_delta",
      "error",
    ]);
    expect(frames.at(-1)?.data).toEqual({
      type: "error",
      error: {
        type: "api_error",
        message:
          "the upstream's stream broke off: TypeError (ECONNRESET): The socket connection was closed unexpectedly.",
      },
    });
  });

  test("a whole stream ends with message_stop and no error", async () => {
    const last = `data: ${JSON.stringify({
      candidates: [{ content: { role: "model", parts: [{ text: "two" }] }, finishReason: "STOP", index: 0 }],
    })}\r\n\r\n`;
    const frames = await reply(upstream([TEXT_EVENT, last], "end"));
    expect(frames.at(-1)?.event).toBe("message_stop");
    expect(frames.some((f) => f.event === "error")).toBe(false);
  });
});
