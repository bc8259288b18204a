/**
 * Server-Sent Events as they pass: the byte stream is split into lines (`\r\n`, `\n` or `\r`) and
 * lines into events at each blank line, and every event is handed on as soon as it is complete —
 * nothing waits for the whole stream. Two forms: a splitter fed text by its caller, and a stream
 * of the events rewritten (`mapSseEvents`), whose reader pulls the source read by read — one
 * stage, where a TransformStream put its own machinery in between and cost 1.5× the CPU.
 */
export type Enqueue = (text: string) => void;

export interface SseEventHandlers {
  /** One event's lines, without the blank line that ended it; enqueue what goes out instead. */
  event(lines: readonly string[], enqueue: Enqueue): void;
  /** After the last event (an unterminated one at the end of the stream counts as complete). */
  end?(enqueue: Enqueue): void;
}

export interface SseEventSplitter {
  /** Decoded text as it arrives; `onEvent` runs for each event this completes. */
  push(text: string): void;
  /** The stream ended: an unterminated last line and event count as complete. */
  finish(): void;
}

/** The payload of a `data:` line (one optional space after the colon is not part of it). */
export function dataOf(line: string): string | undefined {
  if (!line.startsWith("data:")) return undefined;
  return line.slice(line.startsWith("data: ") ? 6 : 5);
}

export function createSseEventSplitter(onEvent: (lines: readonly string[]) => void): SseEventSplitter {
  // One per splitter: `onEvent` may feed another splitter while this one is between two lines.
  const lineEnd = /\r\n|\n|\r/g;
  let pending = "";
  let lines: string[] = [];

  const finishEvent = (): void => {
    if (lines.length === 0) return;
    const event = lines;
    lines = [];
    onEvent(event);
  };

  const takeLine = (line: string): void => {
    if (line === "") finishEvent();
    else lines.push(line);
  };

  return {
    push(text) {
      pending = pending === "" ? text : pending + text;
      let start = 0;
      lineEnd.lastIndex = 0;
      for (;;) {
        const end = lineEnd.exec(pending);
        // A `\r` that ends the text may be the first half of a `\r\n`: it waits for the next text.
        if (end === null || (end[0] === "\r" && end.index === pending.length - 1)) break;
        takeLine(pending.slice(start, end.index));
        start = lineEnd.lastIndex;
      }
      pending = start === 0 ? pending : pending.slice(start);
    },
    finish() {
      const rest = pending;
      pending = "";
      if (rest.endsWith("\r")) takeLine(rest.slice(0, -1));
      else if (rest !== "") lines.push(rest);
      finishEvent();
    },
  };
}

/**
 * `source`'s events as `handlers` rewrite them. Each pull reads the source until a read completes
 * something to send, and sends it as one chunk: an event goes out as soon as its blank line
 * arrives, back-pressure reaches the source, a source that fails fails this stream the same way,
 * and a client that goes away cancels the source.
 */
export function mapSseEvents(
  source: ReadableStream<Uint8Array>,
  handlers: SseEventHandlers,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let out = "";
  const enqueue: Enqueue = (text) => {
    out += text;
  };
  const splitter = createSseEventSplitter((lines) => handlers.event(lines, enqueue));
  const send = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    if (out !== "") controller.enqueue(encoder.encode(out));
    out = "";
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          const next = await reader.read();
          if (next.done) {
            splitter.push(decoder.decode());
            splitter.finish();
            handlers.end?.(enqueue);
            send(controller);
            controller.close();
            return;
          }
          splitter.push(decoder.decode(next.value, { stream: true }));
          if (out !== "") return send(controller);
        }
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}
