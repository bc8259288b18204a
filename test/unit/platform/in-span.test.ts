import { describe, expect, test } from "bun:test";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { inSpan } from "../../../src/platform/in-span.ts";
import { createInMemoryTelemetry } from "../../support/in-memory-telemetry.ts";

describe("inSpan", () => {
  test("runs the work in an active span, writes what the result says, and ends the span", async () => {
    const memory = createInMemoryTelemetry();
    const tracer = memory.telemetry.tracer;
    const result = await inSpan(
      tracer,
      "outer",
      { kind: SpanKind.CLIENT, attributes: { "grantpool.account.id": "a1" } },
      async () => {
        tracer.startSpan("inner").end();
        return 7;
      },
      (value, span) => span.setAttribute("result", value),
    );
    expect(result).toBe(7);
    const outer = memory.spans().find((span) => span.name === "outer");
    const inner = memory.spans().find((span) => span.name === "inner");
    expect(outer?.attributes).toMatchObject({ "grantpool.account.id": "a1", result: 7 });
    expect(outer?.kind).toBe(SpanKind.CLIENT);
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
  });

  test("a thrown error ends the span failed, names only the error class, and is rethrown", async () => {
    const memory = createInMemoryTelemetry();
    const failing = inSpan(memory.telemetry.tracer, "failing", { kind: SpanKind.INTERNAL }, async () => {
      throw new TypeError("reply quoted ya29.secret-token");
    });
    await expect(failing).rejects.toThrow(TypeError);
    const span = memory.spans().find((each) => each.name === "failing");
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: "TypeError" });
    expect(span?.ended).toBe(true);
  });

  test("works with the no-op tracer of an API without an SDK", async () => {
    const tracer = trace.getTracer("none");
    expect(await inSpan(tracer, "noop", { kind: SpanKind.INTERNAL }, async () => "done")).toBe("done");
  });
});
