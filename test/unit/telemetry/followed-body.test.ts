import { describe, expect, test } from "bun:test";
import { followBody, whenBodyEnds } from "../../../src/telemetry/followed-body.ts";

const encoder = new TextEncoder();

/** A source that makes a chunk only when it is read. */
function chunkSource(chunks: readonly string[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const chunk = chunks[next++];
        if (chunk === undefined) controller.close();
        else controller.enqueue(encoder.encode(chunk));
      },
    },
    { highWaterMark: 0 },
  );
}

/** Lets pending promise jobs run (reads of in-memory streams settle within a few). */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

describe("followBody", () => {
  test("passes every chunk on in order and tells its listeners once when the body ends", async () => {
    const stream = chunkSource(["data: 1\n\n", "data: 2\n\n"]);
    const followed = followBody(new Response(stream, { status: 201, headers: { "x-kept": "yes" } }));
    let ends = 0;
    expect(whenBodyEnds(followed, () => ends++)).toBe(true);
    expect(followed.status).toBe(201);
    expect(followed.headers.get("x-kept")).toBe("yes");
    expect(await followed.text()).toBe("data: 1\n\ndata: 2\n\n");
    expect(ends).toBe(1);
    let late = 0;
    whenBodyEnds(followed, () => late++);
    expect(late).toBe(1);
  });

  test("a source that fails at its first read fails the client's stream and is told as broken", async () => {
    const failure = new Error("upstream reset");
    const source = new ReadableStream<Uint8Array>({ pull: (controller) => controller.error(failure) });
    const broken: unknown[] = [];
    const followed = followBody(new Response(source), (cause) => broken.push(cause));
    let ended = false;
    whenBodyEnds(followed, () => {
      ended = true;
    });
    await settle();
    await expect(followed.text()).rejects.toThrow("upstream reset");
    await settle();
    expect(broken).toEqual([failure]);
    expect(ended).toBe(true);
  });

  test("a client that goes away before reading cancels the source and ends the body", async () => {
    let cancelled: unknown;
    const source = new ReadableStream<Uint8Array>(
      {
        pull: () => new Promise<void>(() => {}),
        cancel: (reason) => {
          cancelled = reason;
        },
      },
      { highWaterMark: 0 },
    );
    const followed = followBody(new Response(source));
    let ended = false;
    whenBodyEnds(followed, () => {
      ended = true;
    });
    await (followed.body as ReadableStream<Uint8Array>).cancel("client gone");
    expect(cancelled).toBe("client gone");
    expect(ended).toBe(true);
  });

  test("a client that goes away after its source failed settles quietly, with no unhandled failure", async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      const source = new ReadableStream<Uint8Array>({
        pull: (controller) => controller.error(new Error("reset")),
      });
      const followed = followBody(new Response(source));
      await settle();
      await (followed.body as ReadableStream<Uint8Array>).cancel("client gone");
      await new Promise((resolve) => setImmediate(resolve));
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
    }
  });

  test("a reply it did not follow has no end to join", () => {
    expect(whenBodyEnds(new Response("whole"), () => {})).toBe(false);
  });
});
