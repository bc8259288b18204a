/**
 * Rewrites the `data:` payload of each Server-Sent Event as it passes, without buffering the whole
 * stream: events are emitted as soon as their terminating blank line arrives, and back-pressure
 * reaches the upstream body (sse-events.ts).
 */
import { dataOf, mapSseEvents } from "./sse-events.ts";

export type DataRewrite = (data: string) => string;

export function rewriteSseData(
  source: ReadableStream<Uint8Array>,
  rewrite: DataRewrite,
): ReadableStream<Uint8Array> {
  return mapSseEvents(source, {
    event(lines, enqueue) {
      const data = lines.flatMap((line) => dataOf(line) ?? []);
      const out = lines.filter((line) => dataOf(line) === undefined);
      if (data.length > 0) out.push(`data: ${rewrite(data.join("\n")).replaceAll("\n", "\ndata: ")}`);
      enqueue(`${out.join("\r\n")}\r\n\r\n`);
    },
  });
}
