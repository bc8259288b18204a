/**
 * Gemini's non-SSE streaming form is one JSON array whose elements arrive one by one. Cloud Code
 * only streams SSE, so for clients that did not ask for `alt=sse` each event's data becomes the
 * next array element, still as it arrives.
 */
import { dataOf, mapSseEvents } from "./sse-events.ts";

export function sseToJsonArray(source: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  let count = 0;
  return mapSseEvents(source, {
    event(lines, enqueue) {
      const data = lines.flatMap((line) => dataOf(line) ?? []);
      if (data.length === 0) return;
      enqueue(`${count === 0 ? "[" : ",\r\n"}${data.join("\n")}`);
      count += 1;
    },
    end(enqueue) {
      enqueue(count === 0 ? "[]" : "]");
    },
  });
}
