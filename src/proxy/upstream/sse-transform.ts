/**
 * Rewrites the `data:` payload of each Server-Sent Event as it passes, without buffering the whole
 * stream: events are emitted as soon as their terminating blank line arrives, and back-pressure
 * flows through the TransformStream to the upstream body.
 */

export type DataRewrite = (data: string) => string;

export function rewriteSseData(rewrite: DataRewrite): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let eventLines: string[] = [];

  const flushEvent = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    if (eventLines.length === 0) return;
    const data = eventLines
      .filter((l) => l.startsWith("data:"))
      .map((l) => l.slice(l.startsWith("data: ") ? 6 : 5));
    const others = eventLines.filter((l) => !l.startsWith("data:"));
    const out = [...others];
    if (data.length > 0) out.push(`data: ${rewrite(data.join("\n")).replaceAll("\n", "\ndata: ")}`);
    controller.enqueue(encoder.encode(`${out.join("\r\n")}\r\n\r\n`));
    eventLines = [];
  };

  const takeLines = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    for (;;) {
      const end = pending.search(/\r\n|\n|\r/);
      if (end < 0) return;
      const line = pending.slice(0, end);
      pending = pending.slice(end + (pending.startsWith("\r\n", end) ? 2 : 1));
      if (line === "") flushEvent(controller);
      else eventLines.push(line);
    }
  };

  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      takeLines(controller);
    },
    flush(controller) {
      pending += decoder.decode();
      takeLines(controller);
      if (pending !== "") eventLines.push(pending);
      flushEvent(controller);
    },
  });
}
