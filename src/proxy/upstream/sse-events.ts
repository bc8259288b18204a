/**
 * Server-Sent Events as they pass: the byte stream is split into lines (`\r\n`, `\n` or `\r`) and
 * lines into events at each blank line, and every event is handed on as soon as it is complete —
 * nothing waits for the whole stream, and back-pressure flows through to the upstream body.
 */
export type Enqueue = (text: string) => void;

export interface SseEventHandlers {
  /** One event's lines, without the blank line that ended it; enqueue what goes out instead. */
  event(lines: readonly string[], enqueue: Enqueue): void;
  /** After the last event (an unterminated one at the end of the stream counts as complete). */
  end?(enqueue: Enqueue): void;
}

/** The payload of a `data:` line (one optional space after the colon is not part of it). */
export function dataOf(line: string): string | undefined {
  if (!line.startsWith("data:")) return undefined;
  return line.slice(line.startsWith("data: ") ? 6 : 5);
}

export function transformSseEvents(handlers: SseEventHandlers): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let lines: string[] = [];

  const finishEvent = (enqueue: Enqueue): void => {
    if (lines.length === 0) return;
    const event = lines;
    lines = [];
    handlers.event(event, enqueue);
  };

  const takeLines = (enqueue: Enqueue): void => {
    for (;;) {
      const end = pending.search(/\r\n|\n|\r/);
      if (end < 0) return;
      const line = pending.slice(0, end);
      pending = pending.slice(end + (pending.startsWith("\r\n", end) ? 2 : 1));
      if (line === "") finishEvent(enqueue);
      else lines.push(line);
    }
  };

  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      takeLines((text) => controller.enqueue(encoder.encode(text)));
    },
    flush(controller) {
      const enqueue: Enqueue = (text) => controller.enqueue(encoder.encode(text));
      pending += decoder.decode();
      takeLines(enqueue);
      if (pending !== "") lines.push(pending);
      finishEvent(enqueue);
      handlers.end?.(enqueue);
    },
  });
}
