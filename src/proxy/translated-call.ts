/**
 * The Gemini call a translated request (Anthropic Messages, OpenAI Chat Completions and
 * Responses) makes: `generateContent`, or `streamGenerateContent?alt=sse` when the client asked
 * for a stream, with the client's user agent passed on.
 */
import type { GeminiCall } from "./upstream/upstream-profile.ts";

export function generationCall(
  request: Request,
  model: string,
  stream: boolean,
  body: Record<string, unknown>,
): GeminiCall {
  return {
    model,
    action: stream ? "streamGenerateContent" : "generateContent",
    body,
    query: new URLSearchParams(stream ? { alt: "sse" } : {}),
    userAgent: request.headers.get("user-agent"),
  };
}
