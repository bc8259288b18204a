/**
 * The throughput bench's limit: the least a Bun proxy can do. It reads the client's body (as any
 * proxy that looks at the body must), sends it to the upstream with `fetch`, and streams the reply
 * back — no accounts, no checks, no telemetry. Run as its own process
 * (`bun bare-forwarder.ts UPSTREAM_URL [--follow]`); it prints one JSON log line naming its URL,
 * the way grantpool does, and answers /readyz (and /streams-ended: streams followed to their end).
 *
 * With `--follow` it passes a streamed reply through one JavaScript stream that notices its end,
 * and does nothing else: the least a proxy can do that times a stream to its last byte or notices
 * it breaking off (SPEC §9, §5.4), which grantpool must. It shows what that one stage costs alone.
 */

/** The reply's body passed on chunk by chunk, read as the client pulls, its end noticed. */
function followed(body: ReadableStream<Uint8Array>, ended: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await reader.read();
        if (!next.done) return controller.enqueue(next.value);
        controller.close();
        ended();
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

export function startBareForwarder(
  upstreamUrl: string,
  follow = false,
): { readonly url: string; stop(): Promise<void> } {
  let streamsEnded = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (request.method === "GET" && url.pathname === "/readyz") return new Response("ok");
      // How many streamed replies were followed to their end: the bench checks the stage ran.
      if (request.method === "GET" && url.pathname === "/streams-ended") return Response.json(streamsEnded);
      const reply = await fetch(`${upstreamUrl}${url.pathname}${url.search}`, {
        method: request.method,
        headers: {
          "content-type": request.headers.get("content-type") ?? "application/json",
          authorization: "Bearer bench-access",
        },
        body: await request.arrayBuffer(),
      });
      const contentType = reply.headers.get("content-type") ?? "application/json";
      const body =
        follow && reply.body !== null && contentType.startsWith("text/event-stream")
          ? followed(reply.body, () => streamsEnded++)
          : reply.body;
      return new Response(body, {
        status: reply.status,
        headers: { "content-type": contentType },
      });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const upstream = process.argv[2];
  if (upstream === undefined) {
    console.error("usage: bun bench/support/bare-forwarder.ts UPSTREAM_URL [--follow]");
    process.exit(2);
  }
  const forwarder = startBareForwarder(upstream, process.argv.includes("--follow"));
  console.log(JSON.stringify({ level: "info", msg: `bare forwarder listening on ${forwarder.url}` }));
}
