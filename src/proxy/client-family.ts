/**
 * Which SDK family sent a request to a path every family shares (`GET /v1/models`), told by the
 * headers each always sends: Anthropic's SDKs and Claude Code send `anthropic-version`; Google's
 * (`@google/genai`, Python `google-genai`, Gemini CLI) send `x-goog-api-client` and their key as
 * `x-goog-api-key` (older clients as `?key=`); anything else is taken for an OpenAI client, whose
 * SDKs send only `Authorization: Bearer`. The family chooses the reply's shape and the error
 * format of its access rule, never whether a key is needed.
 */
import { requestUrl } from "../platform/request-url.ts";
import type { Protocol } from "./protocol-errors.ts";

export function clientFamilyOf(request: Request): Protocol {
  const { headers } = request;
  if (headers.has("anthropic-version")) return "anthropic";
  if (headers.has("x-goog-api-key") || headers.has("x-goog-api-client")) return "gemini";
  if (requestUrl(request).searchParams.has("key")) return "gemini";
  return "openai";
}
