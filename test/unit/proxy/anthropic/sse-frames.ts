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

const FITTING_DELTAS: Record<string, readonly string[]> = {
  text: ["text_delta"],
  thinking: ["thinking_delta", "signature_delta"],
  tool_use: ["input_json_delta"],
};

interface Blocks {
  open: { index: number; type: string } | undefined;
  next: number;
}

/** What is wrong with one frame inside the message, given the blocks so far. */
function blockProblem({ event, data }: Frame, blocks: Blocks): string | undefined {
  const { open } = blocks;
  const isOpen = open !== undefined && data.index === open.index;
  switch (event) {
    case "content_block_start": {
      if (open !== undefined) return `block ${data.index} starts while ${open.index} is open`;
      if (data.index !== blocks.next) return `block ${data.index} starts where ${blocks.next} was due`;
      blocks.open = { index: blocks.next++, type: (data.content_block as { type: string }).type };
      return undefined;
    }
    case "content_block_delta": {
      const kind = (data.delta as { type: string }).type;
      if (!isOpen) return `delta for block ${data.index}, which is not open`;
      return FITTING_DELTAS[open.type]?.includes(kind) ? undefined : `${kind} in a ${open.type} block`;
    }
    case "content_block_stop":
      if (!isOpen) return `stop for block ${data.index}, which is not open`;
      blocks.open = undefined;
      return undefined;
    default:
      return `${event} inside the message`;
  }
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
  const blocks: Blocks = { open: undefined, next: 0 };
  for (const frame of frames.slice(2, -2)) {
    const problem = blockProblem(frame, blocks);
    if (problem !== undefined) return problem;
  }
  return blocks.open === undefined ? undefined : `block ${blocks.open.index} never stops`;
}

/** The content blocks a client assembles from the frames, as the Anthropic SDK does. */
export function blocksOf(frames: readonly Frame[]): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  const json = new Map<number, string>();
  for (const { event, data } of frames) {
    const index = data.index as number;
    if (event === "content_block_start") blocks[index] = { ...(data.content_block as object) };
    if (event === "content_block_stop" && json.has(index)) {
      (blocks[index] as Record<string, unknown>).input = JSON.parse(json.get(index) as string);
    }
    if (event !== "content_block_delta") continue;
    const block = blocks[index] as { text: string; thinking: string; signature: string };
    const delta = data.delta as {
      type: string;
      text: string;
      thinking: string;
      signature: string;
      partial_json: string;
    };
    if (delta.type === "text_delta") block.text += delta.text;
    if (delta.type === "thinking_delta") block.thinking += delta.thinking;
    if (delta.type === "signature_delta") block.signature = delta.signature;
    if (delta.type === "input_json_delta") json.set(index, (json.get(index) ?? "") + delta.partial_json);
  }
  return blocks;
}
