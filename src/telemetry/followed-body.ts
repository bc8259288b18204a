/**
 * A reply whose body is followed as it goes to the client, in one JavaScript stream however many
 * want to know of it: the proxy (a stream that breaks off after it began is logged, never retried)
 * and the server telemetry (a request's duration ends with its last byte). Each stage in
 * JavaScript costs a tenth of a streamed request's CPU, so a stage that wants to hear of the end
 * of a body already followed joins it (`whenBodyEnds`) instead of wrapping it again. Each chunk is
 * read when the client pulls, so back-pressure still reaches the upstream.
 */

interface Following {
  ended: boolean;
  readonly listeners: (() => void)[];
}

const FOLLOWED = new WeakMap<Response, Following>();

/**
 * The same reply, its body passed on chunk by chunk; `broken(cause)` is told when a read of the
 * source fails (the client then sees the same failure).
 */
export function followBody(reply: Response, broken?: (cause: unknown) => void): Response {
  const source = reply.body;
  if (source === null) return reply;
  return followedResponse(
    source,
    { status: reply.status, statusText: reply.statusText, headers: reply.headers },
    broken,
  );
}

/**
 * A reply of `init`'s status and headers whose body is `source`, passed on chunk by chunk and
 * followed: for a maker that has a stream and no reply yet, so that it never makes one reply only
 * for this stage to copy it (each costs a streamed request a few percent of its CPU).
 */
export function followedResponse(
  source: ReadableStream<Uint8Array>,
  init: ResponseInit,
  broken?: (cause: unknown) => void,
): Response {
  const reader = source.getReader();
  const following: Following = { ended: false, listeners: [] };
  const end = (): void => {
    if (following.ended) return;
    following.ended = true;
    for (const listener of following.listeners) listener();
  };
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (cause) {
          broken?.(cause);
          controller.error(cause);
          end();
          return;
        }
        if (!next.done) {
          controller.enqueue(next.value);
          return;
        }
        controller.close();
        end();
      },
      cancel(reason) {
        end();
        // A source that already failed has nothing left to cancel: its failure is no news to the client.
        return reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  const followed = new Response(body, init);
  FOLLOWED.set(followed, following);
  return followed;
}

/**
 * Calls `listener` once when the followed body of `response` ends: read to its end, broken off,
 * or cancelled by the client. False when `response` is not followed (nothing is then called).
 */
export function whenBodyEnds(response: Response, listener: () => void): boolean {
  const following = FOLLOWED.get(response);
  if (following === undefined) return false;
  if (following.ended) listener();
  else following.listeners.push(listener);
  return true;
}
