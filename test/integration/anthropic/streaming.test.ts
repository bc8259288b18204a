/**
 * How a streamed message moves through grantpool, on both upstream profiles: each Gemini event
 * reaches the SDK as it comes, a reader that stops reading stops grantpool reading the upstream
 * (nothing buffers the whole reply), and a client that goes away ends the upstream call without
 * blaming the account.
 */
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { PROFILES, startAnthropicFixture } from "../../support/anthropic-sdk-fixture.ts";
import { startAppFixture } from "../../support/app-fixture.ts";
import { waitFor } from "../../support/wait-for.ts";

const A = "alice@example.com";
const ASK = {
  model: "claude-sonnet-4-6",
  max_tokens: 50,
  messages: [{ role: "user" as const, content: "hi" }],
};
const HI = { ...ASK, stream: true as const };

describe.each(PROFILES)("streaming on the %s profile", (profile) => {
  test("each upstream event reaches the SDK while the upstream still holds the rest", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.setStreamChunks(["one ", "two ", "three"]);
    const hold = f.app.google.holdStream();
    hold.releaseNext();
    const stream = await f.client().messages.create(HI);
    const events = stream[Symbol.asyncIterator]();
    const types: string[] = [];
    while (types.at(-1) !== "content_block_delta") types.push((await events.next()).value?.type ?? "end");
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    expect(f.app.google.upstreamStreams[0]).toMatchObject({ events: 3, sent: 1, state: "open" });
    await waitFor(() => hold.waiting() === 1, { message: "the upstream waiting to send its second event" });
    hold.releaseAll();
    const rest: string[] = [];
    for (let next = await events.next(); next.done !== true; next = await events.next())
      rest.push(next.value.type);
    expect(rest).toEqual([
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  test("a reader that stops reading stops grantpool reading the upstream", async () => {
    // Bun's fetch client and server buffer a socket's stream without limit, so back-pressure is
    // measured without sockets: the SDK calls the app, and the app the emulator, in-process.
    await using f = await startAppFixture({ emails: [A], profile, upstreamInProcess: true });
    const client = new Anthropic({
      apiKey: "sk-ant-unchecked",
      baseURL: "http://grantpool.test",
      maxRetries: 0,
      fetch: (url: string | URL | Request, init?: RequestInit) =>
        f.handle(url instanceof Request ? url : new Request(String(url), init)),
    });
    f.google.setStreamChunks(Array.from({ length: 400 }, (_, i) => `${i}:${"x".repeat(4_000)} `));
    const paused = await client.messages.create(HI);
    const events = paused[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) await events.next();
    const slow = f.google.upstreamStreams[0];
    expect(slow?.state).toBe("open");

    // Meanwhile another client reads a whole reply of the same size through the same pipeline.
    let deltas = 0;
    for await (const event of await client.messages.create(HI)) {
      if (event.type === "content_block_delta") deltas += 1;
    }
    expect(deltas).toBe(400);
    expect(f.google.upstreamStreams[1]?.state).toBe("complete");
    expect(slow?.sent).toBeLessThan(20);
    expect(slow?.state).toBe("open");
    paused.controller.abort();
    await events.return?.();
  });

  test("a client that goes away mid-stream ends the upstream call, and the account stays healthy", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.setStreamChunks(["one ", "two ", "three"]);
    const hold = f.app.google.holdStream();
    hold.releaseNext();
    const stream = f.client().messages.stream(ASK);
    const first = new Promise<string>((resolve) => stream.on("text", resolve));
    expect(await first).toBe("one ");
    stream.abort();
    await expect(stream.done()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    await waitFor(() => f.app.google.upstreamStreams[0]?.state === "cancelled", {
      message: () => `the upstream stream to be cancelled (${JSON.stringify(f.app.google.upstreamStreams)})`,
    });
    expect(f.app.google.upstreamStreams[0]?.sent).toBe(1);
    expect(f.app.pool.summary()).toMatchObject({ active: 1, coolingDown: 0 });
    // The same account serves the next request at once.
    hold.releaseAll();
    const next = await f.client().messages.stream(ASK).finalMessage();
    expect(next.content as unknown[]).toEqual([{ type: "text", text: "one two three" }]);
  });
});
