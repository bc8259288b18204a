/**
 * A whole Gemini reply → a Responses API `response` object (the same items the stream builds,
 * responses-output.ts), and the request's settings the response object echoes. Pure and total:
 * any input gives a well-formed response (an empty one at worst). A JSON array of chunks (Gemini's
 * streamed form without `alt=sse`) is read as one reply.
 */
import type { ResponsesEnvelope } from "./responses-envelope.ts";
import { ResponseAssembly, type ResponsesReplyContext } from "./responses-output.ts";

export function translateResponsesReply(
  gemini: unknown,
  context: ResponsesReplyContext,
): Record<string, unknown> {
  const assembly = new ResponseAssembly(context, () => {});
  for (const chunk of Array.isArray(gemini) ? gemini : [gemini]) assembly.push(chunk);
  return assembly.finish();
}

/** What a response object reports of the request that made it (nothing is stored). */
export function echoOf(envelope: ResponsesEnvelope): Record<string, unknown> {
  return {
    instructions: envelope.instructions ?? null,
    max_output_tokens: envelope.max_output_tokens ?? null,
    metadata: envelope.metadata ?? {},
    parallel_tool_calls: envelope.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: envelope.prompt_cache_key ?? null,
    reasoning: { effort: envelope.reasoning?.effort ?? null, summary: envelope.reasoning?.summary ?? null },
    store: false,
    temperature: envelope.temperature ?? null,
    text: { format: envelope.text?.format ?? { type: "text" } },
    tool_choice: envelope.tool_choice ?? "auto",
    tools: envelope.tools ?? [],
    top_p: envelope.top_p ?? null,
    truncation: "disabled",
  };
}
