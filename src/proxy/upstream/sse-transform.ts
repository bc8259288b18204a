/**
 * Rewrites the `data:` payload of each Server-Sent Event as it passes, without buffering the whole
 * stream: events are emitted as soon as their terminating blank line arrives, and back-pressure
 * flows through the TransformStream to the upstream body.
 */
import { dataOf, transformSseEvents } from "./sse-events.ts";

export type DataRewrite = (data: string) => string;

export function rewriteSseData(rewrite: DataRewrite): TransformStream<Uint8Array, Uint8Array> {
  return transformSseEvents({
    event(lines, enqueue) {
      const data = lines.flatMap((line) => dataOf(line) ?? []);
      const out = lines.filter((line) => dataOf(line) === undefined);
      if (data.length > 0) out.push(`data: ${rewrite(data.join("\n")).replaceAll("\n", "\ndata: ")}`);
      enqueue(`${out.join("\r\n")}\r\n\r\n`);
    },
  });
}
