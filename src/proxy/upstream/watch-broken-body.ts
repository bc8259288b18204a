/**
 * A streamed reply whose body breaks off after it was handed to the client: it is passed on as it
 * is and never retried (SPEC §5.4), and the account keeps its health — the reply had begun, so the
 * account answered. What is left to do is to say so, once, with the cause; this module notices it
 * without reading ahead (each chunk is read when the client pulls, so back-pressure still reaches
 * the upstream).
 */

/** The same reply, whose body calls `broken(cause)` when a read of the upstream body fails. */
export function watchBrokenBody(reply: Response, broken: (cause: unknown) => void): Response {
  const source = reply.body;
  if (source === null) return reply;
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (cause) {
          broken(cause);
          controller.error(cause);
          return;
        }
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: reply.status, statusText: reply.statusText, headers: reply.headers });
}
