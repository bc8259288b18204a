import { describe, expect, test } from "bun:test";
import { routeTemplate } from "../../../src/proxy/route-template.ts";
import { instrumentHandler } from "../../../src/telemetry/http-server-telemetry.ts";
import { createInMemoryTelemetry } from "../../support/in-memory-telemetry.ts";

function setup(handler: (request: Request) => Promise<Response>) {
  const t = createInMemoryTelemetry();
  let now = 1_000;
  const handle = instrumentHandler(handler, {
    tracer: t.telemetry.tracer,
    metrics: t.telemetry.metrics,
    routeOf: routeTemplate,
    now: () => now,
  });
  return { t, handle, advance: (ms: number) => (now += ms) };
}

const durationSum = async (t: ReturnType<typeof createInMemoryTelemetry>) =>
  (await t.points("http.server.request.duration")).map(
    (point) => point.value as { sum: number; count: number },
  );

describe("instrumentHandler", () => {
  test("records the duration until the last byte of a whole reply is there, by the injected clock", async () => {
    let advance: (ms: number) => void = () => {};
    const arriving = () =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          advance(250); // the upstream's body takes its time
          controller.enqueue(new TextEncoder().encode("hello"));
          controller.close();
        },
      });
    const s = setup(
      async () => new Response(arriving(), { headers: { "content-type": "application/json" } }),
    );
    advance = s.advance;
    const reply = await s.handle(new Request("http://x/healthz"));
    expect(await durationSum(s.t)).toEqual([expect.objectContaining({ count: 1, sum: 0.25 })]);
    expect(await reply.text()).toBe("hello");
    expect(s.t.spans().map((span) => span.name)).toEqual(["GET /healthz"]);
  });

  test("follows a stream to its last byte, however long the client takes", async () => {
    const { t, handle, advance } = setup(
      async () => new Response("data: hi\n\n", { headers: { "content-type": "text/event-stream" } }),
    );
    const reply = await handle(new Request("http://x/v1/messages", { method: "POST" }));
    advance(400);
    expect(t.spans()).toHaveLength(0);
    expect(await reply.text()).toBe("data: hi\n\n");
    expect(await durationSum(t)).toEqual([expect.objectContaining({ count: 1, sum: 0.4 })]);
  });

  test("a whole reply whose body fails passes the failure on, and is recorded", async () => {
    const broken = new ReadableStream<Uint8Array>({
      pull: (controller) => controller.error(new Error("upstream reset")),
    });
    const { t, handle } = setup(async () => new Response(broken, { status: 200 }));
    const reply = await handle(new Request("http://x/v1beta/models/m:generateContent", { method: "POST" }));
    expect(reply.status).toBe(200);
    await expect(reply.text()).rejects.toThrow("upstream reset");
    expect(t.spans().map((span) => span.attributes["http.response.status_code"])).toEqual([200]);
  });

  test("ends the span when the client cancels a stream halfway", async () => {
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(new TextEncoder().encode("data: more\n\n"));
      },
    });
    const { t, handle } = setup(
      async () => new Response(body, { headers: { "content-type": "text/event-stream" } }),
    );
    const reply = await handle(
      new Request("http://x/v1beta/models/m:streamGenerateContent", { method: "POST" }),
    );
    const reader = reply.body?.getReader();
    await reader?.read();
    expect(t.spans()).toHaveLength(0);
    await reader?.cancel();
    expect(t.spans().map((span) => span.name)).toEqual(["POST /v1beta/models/{model}:streamGenerateContent"]);
  });

  test("a handler that throws is recorded as a 500 and the error still reaches the server", async () => {
    const { t, handle } = setup(async () => {
      throw new Error("boom");
    });
    await expect(handle(new Request("http://x/readyz"))).rejects.toThrow("boom");
    const [span] = t.spans();
    expect(span?.attributes["http.response.status_code"]).toBe(500);
    expect(span?.status.code).toBe(2);
  });

  test("an unknown path is named by its method only and gets no http.route", async () => {
    const { t, handle } = setup(async () => new Response(null, { status: 404 }));
    await handle(new Request("http://x/admin/accounts/alice@example.com?key=secret"));
    const [span] = t.spans();
    expect(span?.name).toBe("GET");
    expect(JSON.stringify(span?.attributes)).not.toContain("alice");
    expect(JSON.stringify(span?.attributes)).not.toContain("secret");
  });
});
