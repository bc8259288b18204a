/**
 * Gemini's non-SSE streaming form is one JSON array whose elements arrive one by one. Cloud Code
 * only streams SSE, so for clients that did not ask for `alt=sse` each event's data becomes the
 * next array element, still as it arrives.
 */

export function sseToJsonArray(): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let pending = "";
  let data: string[] = [];
  let count = 0;

  const emit = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    if (data.length === 0) return;
    controller.enqueue(encoder.encode(`${count === 0 ? "[" : ",\r\n"}${data.join("\n")}`));
    count += 1;
    data = [];
  };

  const takeLines = (controller: TransformStreamDefaultController<Uint8Array>): void => {
    for (;;) {
      const end = pending.search(/\r\n|\n|\r/);
      if (end < 0) return;
      const line = pending.slice(0, end);
      pending = pending.slice(end + (pending.startsWith("\r\n", end) ? 2 : 1));
      if (line === "") emit(controller);
      else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  };

  return new TransformStream({
    transform(chunk, controller) {
      pending += decoder.decode(chunk, { stream: true });
      takeLines(controller);
    },
    flush(controller) {
      pending += `${decoder.decode()}\n\n`;
      takeLines(controller);
      controller.enqueue(encoder.encode(count === 0 ? "[]" : "]"));
    },
  });
}
