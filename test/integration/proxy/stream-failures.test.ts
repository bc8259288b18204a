/**
 * SPEC §5.4's last row on the Gemini-native streaming route, on both upstream profiles: what goes
 * wrong after the first byte of a streamed reply reaches the client as it is and is never
 * retried — a connection that breaks off fails the client's read after the events it had, and
 * Google's error event is passed on as the stream's last event (SSE, or the JSON array's last
 * element). The account that answered keeps its health; a break is logged with its cause.
 */
import { describe, expect, test } from "bun:test";
import { type AppFixture, startAppFixture } from "../../support/app-fixture.ts";
import { waitFor } from "../../support/wait-for.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const STREAM = "gemini-2.5-flash:streamGenerateContent";
const OVERLOADED = {
  error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" },
};

const sseData = (text: string) =>
  text
    .split(/\r?\n\r?\n/)
    .filter((event) => event.startsWith("data: "))
    .map((event) => JSON.parse(event.slice(6)) as Record<string, unknown>);

const textOf = (event: Record<string, unknown> | undefined) =>
  (event as { candidates?: { content: { parts: { text: string }[] } }[] } | undefined)?.candidates?.[0]
    ?.content.parts[0]?.text;

function expectHealthyPool(f: AppFixture): void {
  expect(f.pool.summary()).toMatchObject({
    total: 2,
    active: 2,
    coolingDown: 0,
    disabled: 0,
    proxyDisabled: 0,
  });
}

describe.each(["gemini", "code-assist"] as const)(
  "a Gemini stream that fails after it began (%s profile)",
  (profile) => {
    test("a connection that breaks off fails the client's read after the events it had; not retried, logged", async () => {
      await using f = await startAppFixture({ emails: [A, B], profile });
      f.google.setStreamChunks(["one ", "two ", "three"]);
      f.google.failStreams({ kind: "break", afterEvents: 2 }, { times: 1 });
      const hold = f.google.holdStream();
      hold.releaseNext();
      hold.releaseNext();
      const reply = await f.gemini(`${STREAM}?alt=sse`);
      expect(reply.status).toBe(200);
      const reader = reply.body?.getReader();
      if (reader === undefined) throw new Error("no body");
      const decoder = new TextDecoder();
      let text = "";
      while (sseData(text).length < 2) {
        const next = await reader.read();
        if (next.done) throw new Error(`ended early after ${JSON.stringify(text)}`);
        text += decoder.decode(next.value, { stream: true });
      }
      expect(sseData(text).map(textOf)).toEqual(["one ", "two "]);
      await waitFor(() => hold.waiting() === 1, { message: "the break to wait for its release" });
      hold.releaseAll();
      await expect(reader.read()).rejects.toMatchObject({ code: "ECONNRESET" });

      expect(f.google.upstreamStreams.map((s) => s.state)).toEqual(["broken"]);
      expect(f.google.upstreamRequests.filter((r) => r.path.includes("streamGenerateContent"))).toHaveLength(
        1,
      );
      expectHealthyPool(f);
      const warning = f.log.records.find((r) => r.level === "warn");
      expect(warning?.msg).toMatch(
        /^Upstream stream with alice@example\.com broke off after the reply began \(.*ECONNRESET/,
      );
      expect(warning?.fields).toMatchObject({
        account: reply.headers.get("x-grantpool-account"),
        model: "gemini-2.5-flash",
      });
    });

    test("Google's error event is passed on as the last SSE event and the stream ends there; not retried", async () => {
      await using f = await startAppFixture({ emails: [A, B], profile });
      f.google.setStreamChunks(["one ", "two ", "three"]);
      f.google.failStreams({ kind: "error_event", afterEvents: 1 }, { times: 1 });
      const reply = await f.gemini(`${STREAM}?alt=sse`);
      expect(reply.status).toBe(200);
      const events = sseData(await reply.text());
      expect(events).toHaveLength(2);
      // Unwrapped from Cloud Code's {response} like every event; the error event was never wrapped.
      expect(textOf(events[0])).toBe("one ");
      expect(events[1]).toEqual(OVERLOADED);
      expect(f.google.calls.upstream).toBe(profile === "gemini" ? 1 : 2);
      expectHealthyPool(f);
      expect(f.log.records.filter((r) => r.level === "warn")).toEqual([]);
    });

    test("without alt=sse, Google's error event is the JSON array's last element", async () => {
      await using f = await startAppFixture({ emails: [A, B], profile });
      f.google.failStreams({ kind: "error_event", afterEvents: 1 }, { times: 1 });
      const reply = await f.gemini(STREAM);
      expect(reply.status).toBe(200);
      const array = JSON.parse(await reply.text()) as Record<string, unknown>[];
      expect(array.map((element) => textOf(element) ?? element)).toEqual(["answered ", OVERLOADED]);
      expectHealthyPool(f);
    });
  },
);
