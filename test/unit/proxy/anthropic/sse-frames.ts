/** Reading the SSE text the stream translator writes, for the stream tests. */

export interface Frame {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** SSE text → its frames; throws on a frame without exactly one `event:` and one `data:` line. */
export function parseFrames(text: string): Frame[] {
  if (text === "") return [];
  if (!text.endsWith("\n\n")) throw new Error("the text does not end with a blank line");
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((raw) => {
      const lines = raw.split("\n");
      const [eventLine, dataLine] = lines;
      if (lines.length !== 2 || !eventLine?.startsWith("event: ") || !dataLine?.startsWith("data: ")) {
        throw new Error(`not an event frame: ${JSON.stringify(raw)}`);
      }
      const event = eventLine.slice("event: ".length);
      const data = JSON.parse(dataLine.slice("data: ".length)) as Record<string, unknown>;
      if (data.type !== event) throw new Error(`event ${event} carries data of type ${String(data.type)}`);
      return { event, data };
    });
}

/**
 * Why a sequence of frames is not a well-formed Anthropic message stream, or undefined when it is:
 * message_start and ping first, content blocks started at the next index, one at a time, deltas
 * only inside an open block of a fitting kind, every block stopped, then message_delta and
 * message_stop last.
 */
export function streamProblem(frames: readonly Frame[]): string | undefined {
  const events = frames.map((frame) => frame.event);
  if (events[0] !== "message_start" || events[1] !== "ping") return "does not start with message_start, ping";
  if (events.at(-2) !== "message_delta" || events.at(-1) !== "message_stop") {
    return "does not end with message_delta, message_stop";
  }
  let open: { index: number; type: string } | undefined;
  let next = 0;
  for (const { event, data } of frames.slice(2, -2)) {
    if (event === "content_block_start") {
      const block = data.content_block as { type: string };
      if (open !== undefined) return `block ${data.index} starts while ${open.index} is open`;
      if (data.index !== next) return `block ${data.index} starts where ${next} was due`;
      open = { index: next++, type: block.type };
    } else if (event === "content_block_delta") {
      const kind = (data.delta as { type: string }).type;
      if (open === undefined || data.index !== open.index)
        return `delta for block ${data.index}, which is not open`;
      const fits: Record<string, string[]> = {
        text: ["text_delta"],
        thinking: ["thinking_delta", "signature_delta"],
        tool_use: ["input_json_delta"],
      };
      if (!fits[open.type]?.includes(kind)) return `${kind} in a ${open.type} block`;
    } else if (event === "content_block_stop") {
      if (open === undefined || data.index !== open.index)
        return `stop for block ${data.index}, which is not open`;
      open = undefined;
    } else {
      return `${event} inside the message`;
    }
  }
  return open === undefined ? undefined : `block ${open.index} never stops`;
}
