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
 *
 * With `--check` it first does, with grantpool's own code, the work every proxied request must get
 * whatever the proxy's structure (SPEC §6–§7, §9): the client's key checked in every accepted place
 * in constant time, the body read within its size limit and timeout, checked as one JSON object
 * within the nesting limit, an account taken in turn (its token upstream, its id on the reply), and
 * the request's duration recorded in the server histogram. Nothing else: no routing framework, no
 * pool, no failover. It shows what those checks cost by themselves, so the rest of grantpool's
 * cost is its own. The client key comes from GRANTPOOL_BENCH_CLIENT_KEY. With both (`--check
 * --follow`) it does every duty of a proxy, and a followed stream's duration ends with its last
 * byte, as grantpool's does.
 */
import { CLIENT_KEY_PLACES, createKeyChecker, presentedKeys } from "../../src/proxy/access/key-check.ts";
import { checkJsonObject, readBodyWithLimit } from "../../src/proxy/read-body.ts";
import { routeTemplate } from "../../src/proxy/route-template.ts";
import { followedResponse, whenBodyEnds } from "../../src/telemetry/followed-body.ts";
import { createServerDurations } from "../../src/telemetry/server-durations.ts";

const ACCOUNTS = 10;
const BODY_LIMITS = { maxBytes: 20 * 1024 * 1024, timeoutMs: 120_000 };

/** The checks of `--check`: the refusal a request gets, or its account's index and body. */
function createChecks(clientKey: string) {
  const keyMatches = createKeyChecker([clientKey]);
  const durations = createServerDurations({ name: "bench" });
  let turn = 0;
  return {
    async admit(request: Request): Promise<Response | { account: number; body: Uint8Array }> {
      if (!keyMatches(presentedKeys(request, CLIENT_KEY_PLACES)))
        return new Response("bad key", { status: 401 });
      const body = await readBodyWithLimit(request, BODY_LIMITS);
      if (!body.ok) return new Response(body.error.kind, { status: 400 });
      const shape = checkJsonObject(body.value);
      if (!shape.ok) return new Response(shape.error, { status: 400 });
      turn = (turn + 1) % ACCOUNTS;
      return { account: turn, body: body.value };
    },
    record: (started: number, route: string | undefined, status: number) =>
      durations.record((performance.now() - started) / 1000, "POST", route, status),
  };
}

export function startBareForwarder(
  upstreamUrl: string,
  options: { readonly follow?: boolean; readonly checkKey?: string } = {},
): { readonly url: string; stop(): Promise<void> } {
  const follow = options.follow === true;
  const checks = options.checkKey === undefined ? undefined : createChecks(options.checkKey);
  let streamsEnded = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const started = performance.now();
      const url = new URL(request.url);
      if (request.method === "GET" && url.pathname === "/readyz") return new Response("ok");
      // How many streamed replies were followed to their end: the bench checks the stage ran.
      if (request.method === "GET" && url.pathname === "/streams-ended") return Response.json(streamsEnded);
      const admitted = checks === undefined ? undefined : await checks.admit(request);
      if (admitted instanceof Response) return admitted;
      const reply = await fetch(`${upstreamUrl}${url.pathname}${url.search}`, {
        method: request.method,
        headers: {
          "content-type": request.headers.get("content-type") ?? "application/json",
          authorization: `Bearer bench-access-${admitted?.account ?? 0}`,
        },
        body: admitted?.body ?? (await request.arrayBuffer()),
      });
      const contentType = reply.headers.get("content-type") ?? "application/json";
      const headers: Record<string, string> = { "content-type": contentType };
      if (admitted !== undefined) headers["x-grantpool-account"] = `bench-${admitted.account}`;
      const record = () => checks?.record(started, routeTemplate(request.method, url.pathname), reply.status);
      const init = { status: reply.status, headers };
      if (!follow || reply.body === null || !contentType.startsWith("text/event-stream")) {
        record();
        return new Response(reply.body, init);
      }
      // One reply, made by the follower from the stream, as grantpool makes it.
      const followed = followedResponse(reply.body, init);
      whenBodyEnds(followed, () => {
        streamsEnded++;
        record();
      });
      return followed;
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const upstream = process.argv[2];
  if (upstream === undefined) {
    console.error("usage: bun bench/support/bare-forwarder.ts UPSTREAM_URL [--follow] [--check]");
    process.exit(2);
  }
  const checkKey = process.argv.includes("--check") ? process.env.GRANTPOOL_BENCH_CLIENT_KEY : undefined;
  if (process.argv.includes("--check") && checkKey === undefined) {
    console.error("--check needs the client key in GRANTPOOL_BENCH_CLIENT_KEY");
    process.exit(2);
  }
  const forwarder = startBareForwarder(upstream, {
    follow: process.argv.includes("--follow"),
    ...(checkKey === undefined ? {} : { checkKey }),
  });
  console.log(JSON.stringify({ level: "info", msg: `bare forwarder listening on ${forwarder.url}` }));
}
