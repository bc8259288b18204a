/**
 * The Gemini conversation every protocol's request translator builds: parts, turns of `user` and
 * `model`, turns of one role merged as they are appended, and the one rule of Gemini 3 that
 * history from elsewhere breaks — a model turn whose function calls carry no thought signature
 * gets Google's documented placeholder on its first call.
 */

export type GeminiPart = Record<string, unknown>;

export interface GeminiContent {
  readonly role: "user" | "model";
  readonly parts: GeminiPart[];
}

/** Google's value for "no signature known" (documented for history from other models). */
export const SKIP_SIGNATURE = "skip_thought_signature_validator";

/** Appends a turn's parts, merging them into the last turn when it has the same role. */
export function appendTurn(
  contents: GeminiContent[],
  role: GeminiContent["role"],
  parts: GeminiPart[],
): void {
  if (parts.length === 0) return;
  const last = contents[contents.length - 1];
  if (last?.role === role) last.parts.push(...parts);
  else contents.push({ role, parts });
}

function signFirstCall(content: GeminiContent): void {
  let first: GeminiPart | undefined;
  for (const part of content.parts) {
    if (part.functionCall === undefined) continue;
    if (part.thoughtSignature !== undefined) return;
    first ??= part;
  }
  if (first !== undefined) first.thoughtSignature = SKIP_SIGNATURE;
}

/** Every model turn with function calls but no signature on any gets the placeholder on its first. */
export function signUnsignedCalls(contents: readonly GeminiContent[]): void {
  for (const content of contents) if (content.role === "model") signFirstCall(content);
}
