/**
 * Gemini's streamed chunks → the Responses API's SSE events, one chunk at a time:
 * `response.created` and `response.in_progress` first, then each item's events as
 * responses-output.ts assembles them, and at the end `response.completed` (or
 * `response.incomplete`) with the whole response and its usage. A failure after the stream began
 * is `response.failed`, its response carrying `error: {code, message}`; nothing follows it. Every
 * event has an `event:` line and a `sequence_number` counting from 0. Pure: frames are returned
 * as text for the caller to write.
 */
import { FrameBuffer } from "../translation/frame-buffer.ts";
import { ResponseAssembly, type ResponseEvent, type ResponsesReplyContext } from "./responses-output.ts";

export interface ResponsesStreamTranslator {
  push(chunk: unknown): string;
  end(): string;
  /** An upstream failure mid-stream → `response.failed`. */
  fail(error: { message: string; type: string; code: string | null }): string;
}

export function createResponsesStreamTranslator(context: ResponsesReplyContext): ResponsesStreamTranslator {
  const out = new FrameBuffer();
  let sequence = 0;
  let started = false;
  let ended = false;
  const write = (event: ResponseEvent) => {
    out.write(`event: ${event.type}\ndata: ${JSON.stringify({ ...event, sequence_number: sequence++ })}\n\n`);
  };
  const assembly = new ResponseAssembly(context, write);
  const start = () => {
    if (started) return;
    started = true;
    write({ type: "response.created", response: assembly.response("in_progress") });
    write({ type: "response.in_progress", response: assembly.response("in_progress") });
  };
  return {
    push(chunk) {
      if (ended) return "";
      start();
      assembly.push(chunk);
      return out.take();
    },
    end() {
      if (ended) return "";
      ended = true;
      start();
      const response = assembly.finish();
      write({
        type: response.status === "completed" ? "response.completed" : "response.incomplete",
        response,
      });
      return out.take();
    },
    fail(error) {
      if (ended) return "";
      ended = true;
      start();
      const failed = assembly.response("failed", {
        error: { code: error.code ?? error.type, message: error.message },
      });
      write({ type: "response.failed", response: failed });
      return out.take();
    },
  };
}
