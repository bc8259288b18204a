/**
 * The push and end every protocol's stream translator shares when its frames come from the reply
 * assembler: the opening frames once, before the first parts; the assembler's frames as each
 * Gemini chunk arrives; and once, at the end, the open block closed and the protocol's closing
 * frames. Nothing is written after the end (or after `stop`, when a failure ended the stream).
 */
import type { FrameBuffer } from "./frame-buffer.ts";
import { type AssemblerContext, type BlockSink, createReplyAssembler } from "./reply-assembler.ts";
import { ReplyProgress } from "./reply-progress.ts";

export interface AssembledStream {
  /** One streamed GenerateContentResponse → the frames it makes (none after the end). */
  push(raw: unknown): string;
  /** The closing frames, written by `close` once the last block is closed; nothing when ended. */
  end(close: (progress: ReplyProgress) => void): string;
  /** Ends the stream without closing frames (a failure was reported instead). */
  stop(): void;
}

export function createAssembledStream(options: {
  /** Where the sink and the opening and closing frames write. */
  readonly out: FrameBuffer;
  readonly sink: BlockSink;
  readonly context: AssemblerContext;
  /** Writes the opening frames, with what the reply has said so far (its usage). */
  readonly open: (progress: ReplyProgress) => void;
}): AssembledStream {
  const { out } = options;
  const assembler = createReplyAssembler(options.sink, options.context);
  const progress = new ReplyProgress(assembler);
  let started = false;
  let ended = false;
  const start = (): void => {
    if (started) return;
    started = true;
    options.open(progress);
  };
  return {
    push(raw) {
      if (ended) return "";
      progress.push(raw, start);
      return out.take();
    },
    end(close) {
      if (ended) return "";
      ended = true;
      start();
      assembler.close();
      close(progress);
      return out.take();
    },
    stop() {
      ended = true;
    },
  };
}
