/**
 * Replies of the in-process stub upstreams the request benches put behind the app: a JSON
 * document, or SSE events that arrive one per read, as Google's do.
 */

export function jsonReply(body: string): Response {
  return new Response(body, { headers: { "content-type": "application/json" } });
}

/** A fresh stream per call: each reply's body is read once. */
export function sseReply(events: readonly Uint8Array[]): Response {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const event of events) controller.enqueue(event);
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream" } });
}

/** A Gemini API upstream: `events` for a streamed call, `reply` for any other. */
export function geminiStubFetch(reply: string, events: readonly Uint8Array[]) {
  return async (url: string | URL | Request): Promise<Response> =>
    String(url).includes(":streamGenerateContent") ? sseReply(events) : jsonReply(reply);
}
