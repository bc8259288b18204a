/**
 * Slow and vanishing clients (issue 10, item 8): a body that does not arrive within the body
 * timeout gets a 408 and the connection is closed; a client that half-closes its side before the
 * reply is treated as gone — its call is abandoned and no account is charged. Timers are fired by
 * the test, never waited out.
 */
import { describe, expect, test } from "bun:test";
import { startAppFixture } from "../../support/app-fixture.ts";
import { listen } from "../../support/listening-app.ts";
import { manualTimers } from "../../support/manual-timers.ts";
import { rawRequest } from "../../support/raw-http.ts";
import { waitFor } from "../../support/wait-for.ts";

const CALL = "/v1beta/models/gemini-2.5-flash:generateContent";
const BODY = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });

function head(contentLength: number): string {
  return `POST ${CALL} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\nConnection: close\r\n\r\n`;
}

describe("slow clients", () => {
  test("a body that stops arriving gets a 408 naming the setting, and the connection closes", async () => {
    const timers = manualTimers();
    await using f = await startAppFixture({
      emails: ["a@example.com"],
      bodyTimeoutMs: 30_000,
      startTimer: timers.start,
    });
    await using server = listen(f.handle);
    const before = JSON.stringify(f.pool.summary());
    const reply = rawRequest(server.port, `${head(BODY.length)}${BODY.slice(0, 10)}`, {
      afterWrite: () => {
        void waitFor(() => timers.pending() === 1, { message: "the body timer to start" }).then(() =>
          timers.fireAll(),
        );
      },
    });
    const answered = await reply;
    expect(answered.status).toBe(408);
    expect(JSON.parse(answered.body)).toMatchObject({
      error: {
        code: 408,
        status: "DEADLINE_EXCEEDED",
        message: expect.stringContaining("GRANTPOOL_BODY_TIMEOUT"),
      },
    });
    expect(answered.head.toLowerCase()).toContain("connection: close");
    expect(f.google.calls.upstream).toBe(0);
    expect(JSON.stringify(f.pool.summary())).toBe(before);
  });

  test("a body that trickles in within the timeout is served, and the timer is cancelled", async () => {
    const timers = manualTimers();
    await using f = await startAppFixture({ emails: ["a@example.com"], startTimer: timers.start });
    await using server = listen(f.handle);
    const reply = await rawRequest(server.port, `${head(BODY.length)}${BODY.slice(0, 5)}`, {
      afterWrite: (socket) => {
        void waitFor(() => timers.pending() === 1).then(() => socket.write(`${BODY.slice(5)}`));
      },
      timeoutMs: 5_000,
    });
    expect(reply.status).toBe(200);
    expect(timers.pending()).toBe(0);
  });

  test("a client that half-closes before the reply is treated as gone, and no account is charged", async () => {
    await using f = await startAppFixture({ emails: ["a@example.com", "b@example.com"] });
    await using server = listen(f.handle);
    const gate = f.google.holdRefreshes();
    const before = JSON.stringify(f.pool.summary());
    const reply = rawRequest(server.port, `${head(BODY.length)}${BODY}`, {
      afterWrite: (socket) => {
        void gate.waitFor(1).then(() => socket.end());
      },
      timeoutMs: 5_000,
    });
    expect((await reply).status).toBe(0);
    gate.release();
    await waitFor(() => f.google.calls.refresh === 1 && f.pool.summary().active === 2, {
      message: "the held refresh to finish",
    });
    expect(JSON.stringify(f.pool.summary())).toBe(before);
    expect(f.google.calls.upstream).toBe(0);
    const next = await f.gemini("gemini-2.5-flash:generateContent");
    expect(next.status).toBe(200);
  });
});
