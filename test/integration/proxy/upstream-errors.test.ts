/** Each upstream row of SPEC §5.4, through the proxy's routes against the Google emulator. */
import { describe, expect, test } from "bun:test";
import { startAppFixture } from "../../support/app-fixture.ts";

const A = "alice@example.com";
const B = "bob@example.com";
const C = "carol@example.com";
const CALL = "gemini-2.5-flash:generateContent";

const accountOf = (reply: Response) => reply.headers.get("x-grantpool-account");

describe("upstream errors", () => {
  test("a 401 refreshes the account's token once and retries on the same account", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    expect(accountOf(await f.gemini(CALL))).toBe("id-alice");
    expect(accountOf(await f.gemini(CALL))).toBe("id-bob");
    const refreshes = f.google.calls.refresh;
    const upstreamCalls = f.google.calls.upstream;
    f.google.expireAccessTokens();
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(200);
    expect(accountOf(reply)).toBe("id-alice");
    expect(f.google.calls.refresh).toBe(refreshes + 1);
    expect(f.google.calls.upstream).toBe(upstreamCalls + 2);
  });

  test("a 401 that persists after the refresh moves on to the next account", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    f.google.failUpstream({ kind: "unauthenticated" }, { forAccessTokenOf: A });
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(200);
    expect(accountOf(reply)).toBe("id-bob");
    expect(f.google.upstreamRequests.filter((r) => r.email === A)).toHaveLength(2);
  });

  test("a 429 with RetryInfo cools that account down for the model and the request moves on", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    f.google.failUpstream(
      { kind: "resource_exhausted", retryDelaySeconds: 43 },
      { forAccessTokenOf: A, times: 1 },
    );
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(200);
    expect(accountOf(reply)).toBe("id-bob");
    const alice = f.pool.view().find((v) => v.account.id === "id-alice");
    expect(alice?.health.blockAt(f.clock.now(), "gemini-2.5-flash")?.until).toBe(f.clock.now() + 43_000);
    expect(alice?.health.blockAt(f.clock.now(), "gemini-2.5-pro")).toBeUndefined();
    for (let i = 0; i < 3; i++) expect(accountOf(await f.gemini(CALL))).toBe("id-bob");
    f.clock.advanceSeconds(43);
    const ids = new Set([accountOf(await f.gemini(CALL)), accountOf(await f.gemini(CALL))]);
    expect(ids.has("id-alice")).toBe(true);
  });

  test("a 429 with Retry-After uses the header", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    f.google.failUpstream(
      { kind: "resource_exhausted", retryAfterHeader: 7, retryDelaySeconds: 43 },
      { forAccessTokenOf: A, times: 1 },
    );
    await f.gemini(CALL);
    const alice = f.pool.view().find((v) => v.account.id === "id-alice");
    expect(alice?.health.blockAt(f.clock.now(), "gemini-2.5-flash")?.until).toBe(f.clock.now() + 7_000);
  });

  test("a 403 VALIDATION_REQUIRED blocks the account for 10 minutes with the URL recorded", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    f.google.failUpstream(
      { kind: "validation_required", validationUrl: "https://accounts.google.com/signin/continue?x=1" },
      { forAccessTokenOf: A },
    );
    const reply = await f.gemini(CALL);
    expect(accountOf(reply)).toBe("id-bob");
    const block = f.pool
      .view()
      .find((v) => v.account.id === "id-alice")
      ?.health.blockAt(f.clock.now());
    expect(block).toMatchObject({
      reason: "validation_required",
      detail: "https://accounts.google.com/signin/continue?x=1",
    });
    expect(block?.until).toBe(f.clock.now() + 600_000);
  });

  test("three plain 403s in a row proxy-disable the account", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    f.google.failUpstream({ kind: "permission_denied" }, { forAccessTokenOf: A });
    for (let i = 0; i < 3; i++) {
      expect((await f.gemini(CALL)).status).toBe(200);
      f.clock.advanceSeconds(600);
    }
    const alice = await f.store.get("id-alice");
    expect(alice).toMatchObject({ proxyDisabled: true, disabled: false });
    expect(alice?.proxyDisabledReason).toStartWith("forbidden: ");
  });

  test("a 5xx or a reset connection before the first byte moves on to the next account", async () => {
    await using f = await startAppFixture({ emails: [A, B, C] });
    f.google.failUpstream({ kind: "server_error", status: 503 }, { forAccessTokenOf: A, times: 1 });
    f.google.failUpstream({ kind: "reset" }, { forAccessTokenOf: B, times: 1 });
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(200);
    expect(accountOf(reply)).toBe("id-carol");
  });

  test("tries at most max-attempts accounts, then passes the last upstream error on", async () => {
    await using f = await startAppFixture({ emails: [A, B, C], maxAttempts: 2 });
    f.google.failUpstream({ kind: "server_error", status: 500 });
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(500);
    expect(f.google.calls.upstream).toBe(2);
  });

  test("a client error (400) is passed through without blaming the account or retrying", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    const reply = await f.gemini(CALL, { contents: [] });
    expect(reply.status).toBe(400);
    expect(f.google.calls.upstream).toBe(1);
    expect(f.pool.summary().active).toBe(2);
  });

  test("a stream that breaks after its first byte reaches the client as an error, not a retried answer", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    f.google.setStreamChunks(["one ", "two"]);
    const hold = f.google.holdStream();
    const pending = f.gemini("m:streamGenerateContent?alt=sse");
    hold.releaseNext();
    const reply = await pending;
    const reader = reply.body?.getReader();
    await reader?.read();
    await f.google.close();
    const rest = await reader?.read().then(
      (chunk) => (chunk.done ? "ended" : new TextDecoder().decode(chunk.value)),
      () => "error",
    );
    expect(rest).toBe("error");
    expect(f.google.calls.upstream).toBe(1);
  });

  test("answers 503 no_available_account with Retry-After and the reason when no account can serve", async () => {
    await using f = await startAppFixture({ emails: [A, B, C] });
    f.google.revoke(f.account(A).token.refreshToken);
    f.google.failUpstream({ kind: "resource_exhausted", retryDelaySeconds: 20 }, { forAccessTokenOf: B });
    f.google.failUpstream({ kind: "resource_exhausted", retryDelaySeconds: 40 }, { forAccessTokenOf: C });
    await f.gemini(CALL);
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(503);
    expect(reply.headers.get("retry-after")).toBe("20");
    const body = (await reply.json()) as { error: { status: string; message: string; code: number } };
    expect(body.error.status).toBe("UNAVAILABLE");
    expect(body.error.message).toStartWith("no_available_account:");
    expect(body.error.message).toContain("1 disabled, 2 cooling down, 0 proxy-disabled");
  });

  test("an OAuth client error fails the request with 502 and disables nothing", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    f.google.failTokenEndpoint("invalid_client");
    const reply = await f.gemini(CALL);
    expect(reply.status).toBe(502);
    expect(((await reply.json()) as { error: { message: string } }).error.message).toContain(
      "invalid_client",
    );
    expect(f.pool.summary().disabled).toBe(0);
  });
});

describe("code-assist project lookup", () => {
  test("a failing loadCodeAssist moves the request on to the next account", async () => {
    await using f = await startAppFixture({ emails: [A, B], profile: "code-assist" });
    f.google.failUpstream({ kind: "reset" }, { forAccessTokenOf: A, times: 1 });
    const reply = await f.gemini("gemini-2.5-pro:generateContent");
    expect(reply.status).toBe(200);
    expect(accountOf(reply)).toBe("id-bob");
    expect(f.google.upstreamRequests[0]?.path).toBe("/v1internal:loadCodeAssist");
  });
});
