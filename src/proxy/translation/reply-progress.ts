/**
 * What a Gemini reply has said so far, read chunk by chunk (a stream) or at once (a whole reply,
 * or Gemini's streamed JSON array of chunks): each chunk's parts go to the reply assembler, and
 * its ending and token counts are kept for the protocol's closing frames or fields.
 */
import { readGeminiChunk } from "./gemini-chunk.ts";
import type { ReplyAssembler } from "./reply-assembler.ts";
import type { Outcome } from "./reply-ending.ts";

export class ReplyProgress {
  private finishReason: string | undefined;
  private promptBlocked = false;
  /** The latest usage Gemini reported (each chunk repeats the counts so far). */
  usageMetadata: Record<string, unknown> | undefined;

  constructor(private readonly assembler: ReplyAssembler) {}

  /**
   * One GenerateContentResponse. `beforeParts` runs once its usage is known and before its parts
   * are assembled (Anthropic's stream opens with the usage known so far).
   */
  push(raw: unknown, beforeParts?: () => void): void {
    const chunk = readGeminiChunk(raw);
    this.usageMetadata = chunk.usageMetadata ?? this.usageMetadata;
    beforeParts?.();
    for (const part of chunk.parts) this.assembler.part(part);
    this.finishReason = chunk.finishReason ?? this.finishReason;
    this.promptBlocked ||= chunk.promptBlocked;
  }

  /** How the reply ended, so far. */
  get outcome(): Outcome {
    return {
      finishReason: this.finishReason,
      promptBlocked: this.promptBlocked,
      toolUses: this.assembler.toolUses,
    };
  }
}

/** A whole reply (one response, or an array of chunks) read into `assembler`, which is closed. */
export function readWholeReply(gemini: unknown, assembler: ReplyAssembler): ReplyProgress {
  const progress = new ReplyProgress(assembler);
  for (const raw of Array.isArray(gemini) ? gemini : [gemini]) progress.push(raw);
  assembler.close();
  return progress;
}
