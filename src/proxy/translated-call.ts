/**
 * A translated request (Anthropic Messages, OpenAI Chat Completions and Responses): its body read
 * under the edge's limits and translated, a bad one answered with the protocol's 400 before any
 * account is chosen; then the Gemini call it makes — `generateContent`, or
 * `streamGenerateContent?alt=sse` when the client asked for a stream, with the client's user agent
 * passed on.
 */
import { err, type Result } from "../result.ts";
import { errorReply, type Protocol } from "./protocol-errors.ts";
import { type BodyLimits, readJsonObject } from "./read-body.ts";
import type { GeminiCall } from "./upstream/upstream-profile.ts";

/** The request's body, translated by `translate`; or the client's reply in its protocol. */
export async function readTranslated<T>(
  request: Request,
  limits: BodyLimits,
  protocol: Protocol,
  translate: (body: Record<string, unknown>) => Result<T, string>,
): Promise<Result<T, Response>> {
  const body = await readJsonObject(request, limits, protocol);
  if (!body.ok) return err(body.reply);
  const translated = translate(body.value);
  if (translated.ok) return translated;
  return err(errorReply(protocol, { kind: "bad_request", message: translated.error }));
}

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
