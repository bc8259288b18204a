/**
 * The throughput bench's limit: the least a Bun proxy can do. It reads the client's body (as any
 * proxy that looks at the body must), sends it to the upstream with `fetch`, and streams the reply
 * back — no accounts, no checks, no telemetry. Run as its own process
 * (`bun bare-forwarder.ts UPSTREAM_URL [--follow]`); it prints one JSON log line naming its URL,
 * the way grantpool does, and answers /readyz (and /streams-ended: streams followed to their end).
 *
 * With `--follow` it passes a streamed reply through grantpool's own stage that notices its end
 * (telemetry/followed-body.ts), and does nothing else: the least a proxy can do that times a stream
 * to its last byte or notices it breaking off (SPEC §9, §5.4), which grantpool must. It shows what
 * that one stage costs alone.
 */
import { followBody, whenBodyEnds } from "../../src/telemetry/followed-body.ts";

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
      const passed = new Response(reply.body, {
        status: reply.status,
        headers: { "content-type": contentType },
      });
      if (!follow || !contentType.startsWith("text/event-stream")) return passed;
      const followed = followBody(passed);
      whenBodyEnds(followed, () => streamsEnded++);
      return followed;
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
