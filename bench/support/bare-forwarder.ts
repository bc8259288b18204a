/**
 * The throughput bench's limit: the least a Bun proxy can do. It reads the client's body (as any
 * proxy that looks at the body must), sends it to the upstream with `fetch`, and streams the reply
 * back — no accounts, no checks, no telemetry. Run as its own process
 * (`bun bare-forwarder.ts UPSTREAM_URL`); it prints one JSON log line naming its URL, the way
 * grantpool does, and answers /readyz.
 */

export function startBareForwarder(upstreamUrl: string): { readonly url: string; stop(): Promise<void> } {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const url = new URL(request.url);
      if (request.method === "GET" && url.pathname === "/readyz") return new Response("ok");
      const reply = await fetch(`${upstreamUrl}${url.pathname}${url.search}`, {
        method: request.method,
        headers: {
          "content-type": request.headers.get("content-type") ?? "application/json",
          authorization: "Bearer bench-access",
        },
        body: await request.arrayBuffer(),
      });
      return new Response(reply.body, {
        status: reply.status,
        headers: { "content-type": reply.headers.get("content-type") ?? "application/json" },
      });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const upstream = process.argv[2];
  if (upstream === undefined) {
    console.error("usage: bun bench/support/bare-forwarder.ts UPSTREAM_URL");
    process.exit(2);
  }
  const forwarder = startBareForwarder(upstream);
  console.log(JSON.stringify({ level: "info", msg: `bare forwarder listening on ${forwarder.url}` }));
}
