/**
 * The throughput bench's upstream: the least a Gemini API can do, so that what is measured is
 * whoever stands in front of it. Run as its own process (`bun stub-upstream.ts`), so its CPU is
 * never counted against the server under test; it prints one JSON log line naming its URL, the
 * way grantpool does, and answers /readyz.
 *
 * - `…:generateContent` reads the body and answers a small fixed JSON;
 * - `…:streamGenerateContent` reads the body and streams `SSE_EVENTS` events (chunked, as Google
 *   does); for the model `PACED_MODEL` the first event goes out alone and the rest `PACE_MS`
 *   later, so the time to the first event shows whether a proxy passes events on as they arrive;
 * - `POST /token` answers like Google's token endpoint (a bench whose tokens are valid never
 *   calls it; `/stats` counts the calls so the bench can check);
 * - `GET /stats`: the calls counted by kind.
 */

export const PACED_MODEL = "bench-paced";
export const PACE_MS = 5;
export const SSE_EVENTS = 5;
/** The text every reply carries, which the bench checks once through every target. */
export const STUB_TEXT = "stub reply";

export interface StubStats {
  generate: number;
  stream: number;
  token: number;
  other: number;
}

const encoder = new TextEncoder();

const GENERATE_REPLY = JSON.stringify({
  candidates: [{ content: { role: "model", parts: [{ text: STUB_TEXT }] }, finishReason: "STOP", index: 0 }],
  usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 2, totalTokenCount: 10 },
  modelVersion: "bench",
});

function sseEvent(index: number): Uint8Array {
  const last = index === SSE_EVENTS - 1;
  const event = {
    candidates: [
      {
        content: { role: "model", parts: [{ text: `${STUB_TEXT} ${index}` }] },
        ...(last ? { finishReason: "STOP" } : {}),
        index: 0,
      },
    ],
    modelVersion: "bench",
  };
  return encoder.encode(`data: ${JSON.stringify(event)}\r\n\r\n`);
}

const EVENTS = Array.from({ length: SSE_EVENTS }, (_, i) => sseEvent(i));
const TOKEN_REPLY = JSON.stringify({ access_token: "bench-access", expires_in: 3600, token_type: "Bearer" });

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function streamEvents(paced: boolean): Response {
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const [first, ...rest] = EVENTS;
      if (first !== undefined) controller.enqueue(first);
      if (paced) await delay(PACE_MS);
      for (const event of rest) controller.enqueue(event);
      controller.close();
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream" } });
}

/** The model and action of `/v1beta/models/{model}:{action}`, or undefined for another path. */
function geminiCall(pathname: string): { readonly model: string; readonly action: string } | undefined {
  const match = /^\/v1beta\/models\/([^/:]+):(\w+)$/.exec(pathname);
  return match === null ? undefined : { model: match[1] ?? "", action: match[2] ?? "" };
}

export function startStubUpstream(): { readonly url: string; stop(): Promise<void> } {
  const stats: StubStats = { generate: 0, stream: 0, token: 0, other: 0 };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(request) {
      const { pathname } = new URL(request.url);
      if (request.method === "GET" && pathname === "/readyz") return new Response("ok");
      if (request.method === "GET" && pathname === "/stats") return Response.json(stats);
      // Every body is read whole, as an upstream would, before it answers.
      await request.arrayBuffer();
      if (pathname === "/token") {
        stats.token++;
        return new Response(TOKEN_REPLY, { headers: { "content-type": "application/json" } });
      }
      const call = geminiCall(pathname);
      if (call?.action === "generateContent") {
        stats.generate++;
        return new Response(GENERATE_REPLY, { headers: { "content-type": "application/json" } });
      }
      if (call?.action === "streamGenerateContent") {
        stats.stream++;
        return streamEvents(call.model === PACED_MODEL);
      }
      stats.other++;
      return new Response("not found", { status: 404 });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) };
}

if (import.meta.main) {
  const stub = startStubUpstream();
  // The shape of grantpool's start-up line, so one helper starts either and reads the URL.
  console.log(JSON.stringify({ level: "info", msg: `stub upstream listening on ${stub.url}` }));
}
