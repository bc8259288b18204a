/**
 * A streamed message whose upstream stream goes wrong after it began, on both upstream profiles,
 * with the official SDK as the client: the connection breaks off, or Google sends its error object
 * as an event. The reply is already 200 and its first events delivered, so nothing is retried
 * (SPEC §5.4): the SDK gets Anthropic's `error` event after what it had, the stream ends there,
 * and the account that answered keeps its health.
 */
import { describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import {
  type AnthropicFixture,
  generateCalls,
  PROFILES,
  startAnthropicFixture,
} from "../../support/anthropic-sdk-fixture.ts";
import { waitFor } from "../../support/wait-for.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const HI = {
  model: "claude-sonnet-4-6",
  max_tokens: 50,
  messages: [{ role: "user" as const, content: "hi" }],
  stream: true as const,
};

/** The SDK's events until its iteration throws; the error is returned beside them. */
async function eventsUntilError(
  stream: AsyncIterable<{ type: string }>,
): Promise<{ types: string[]; error: unknown }> {
  const types: string[] = [];
  try {
    for await (const event of stream) types.push(event.type);
  } catch (error) {
    return { types, error };
  }
  return { types, error: undefined };
}

/** Every account answers and none is blamed: all active, none cooling down or disabled. */
function expectHealthyPool(f: AnthropicFixture, accounts: number): void {
  expect(f.app.pool.summary()).toMatchObject({
    total: accounts,
    active: accounts,
    coolingDown: 0,
    disabled: 0,
    proxyDisabled: 0,
  });
}

/** The event names of a raw Anthropic SSE body, in order. */
function eventNames(body: string): string[] {
  return [...body.matchAll(/^event: (\S+)$/gm)].map((m) => m[1] ?? "");
}

describe.each(PROFILES)("a streamed message that fails after it began (%s profile)", (profile) => {
  test("a broken upstream stream reaches the SDK as an api_error event after the events it had, and nothing is retried", async () => {
    await using f = await startAnthropicFixture({ emails: [A, B], profile });
    const google = f.app.google;
    google.setStreamChunks(["one ", "two ", "three"]);
    google.failStreams({ kind: "break", afterEvents: 2 }, { times: 1 });
    const hold = google.holdStream();
    hold.releaseNext();
    hold.releaseNext();
    const { data: stream, response } = await f.client().messages.create(HI).withResponse();
    expect(response.status).toBe(200);
    const events = stream[Symbol.asyncIterator]();
    const types: string[] = [];
    while (types.filter((t) => t === "content_block_delta").length < 2) {
      types.push((await events.next()).value?.type ?? "end");
    }
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
    ]);
    // Both events went through before the connection drops.
    await waitFor(() => hold.waiting() === 1, { message: "the break to wait for its release" });
    hold.releaseAll();
    const error = await events.next().then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.status).toBeUndefined();
    expect(apiError.type).toBe("api_error");
    expect(apiError.apiMessage).toMatch(/^the upstream's stream broke off: .*ECONNRESET/);

    expect(google.upstreamStreams.map((s) => s.state)).toEqual(["broken"]);
    expect(generateCalls(f.app)).toHaveLength(1);
    expectHealthyPool(f, 2);
    const warnings = f.app.log.records.filter((r) => r.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(
      /^Upstream stream with alice@example\.com broke off after the reply began \(.*ECONNRESET/,
    );
    expect(warnings[0]?.fields).toMatchObject({ account: response.headers.get("x-grantpool-account") });
    expect(f.app.log.lines.join("\n")).not.toContain("ya29.");

    // The same account serves the next stream whole.
    const next = await f.client().messages.stream(HI).finalMessage();
    expect(next.content as unknown[]).toEqual([{ type: "text", text: "one two three" }]);
  });

  test("Google's error event mid-stream reaches the SDK as overloaded_error, and the stream ends there", async () => {
    await using f = await startAnthropicFixture({ emails: [A, B], profile });
    const google = f.app.google;
    google.setStreamChunks(["one ", "two ", "three"]);
    google.failStreams({ kind: "error_event", afterEvents: 1 }, { times: 2 });
    const { types, error } = await eventsUntilError(await f.client().messages.create(HI));
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta"]);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    const apiError = error as InstanceType<typeof Anthropic.APIError>;
    expect(apiError.type).toBe("overloaded_error");
    expect(apiError.apiMessage).toBe("The model is overloaded. Please try again later. (UNAVAILABLE)");

    // Read raw: the error event is the last thing sent, and the stream then ends.
    const raw = await fetch(`${f.server.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(HI),
    });
    expect(raw.status).toBe(200);
    const names = eventNames(await raw.text());
    expect(names).toEqual(["message_start", "ping", "content_block_start", "content_block_delta", "error"]);

    expect(generateCalls(f.app)).toHaveLength(2);
    expect(google.upstreamStreams.map((s) => s.state)).toEqual(["complete", "complete"]);
    expectHealthyPool(f, 2);
  });

  test("Google's error event as the very first event reaches the MessageStream helper as overloaded_error", async () => {
    await using f = await startAnthropicFixture({ emails: [A], profile });
    f.app.google.failStreams({ kind: "error_event", afterEvents: 0 }, { times: 1 });
    const stream = f.client().messages.stream(HI);
    await expect(stream.finalMessage()).rejects.toMatchObject({ type: "overloaded_error" });
    expect(generateCalls(f.app)).toHaveLength(1);
    expectHealthyPool(f, 1);
  });
});
