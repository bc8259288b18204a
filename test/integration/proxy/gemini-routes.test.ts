/** The Gemini-native routes through the pool, against the Google emulator (SPEC §6.1, §6.3). */
import { describe, expect, test } from "bun:test";
import { HELLO, startAppFixture } from "../../support/app-fixture.ts";

const A = "alice@example.com";
const B = "bob@example.com";

describe("Gemini routes", () => {
  test("generateContent answers from a pool account and names it by id, never by email", async () => {
    await using f = await startAppFixture({ emails: [A] });
    const reply = await f.gemini("gemini-2.5-flash:generateContent");
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-grantpool-account")).toBe("id-alice");
    const text = await reply.text();
    expect(text).toContain("answered by alice@example.com");
    expect([...reply.headers.values()].join(" ")).not.toContain(A);
  });

  test("round-robin spreads requests over the accounts", async () => {
    await using f = await startAppFixture({ emails: [A, B] });
    const ids = [];
    for (let i = 0; i < 4; i++)
      ids.push((await f.gemini("m:generateContent")).headers.get("x-grantpool-account"));
    expect(ids).toEqual(["id-alice", "id-bob", "id-alice", "id-bob"]);
  });

  test("countTokens and the model list go through", async () => {
    await using f = await startAppFixture({ emails: [A] });
    const count = await f.gemini("gemini-2.5-flash:countTokens");
    expect(count.status).toBe(200);
    expect(((await count.json()) as { totalTokens: number }).totalTokens).toBeGreaterThan(0);
    const models = await f.app.handle(new Request("http://localhost/v1beta/models"));
    expect(models.status).toBe(200);
    expect(((await models.json()) as { models: unknown[] }).models.length).toBeGreaterThan(0);
  });

  test("streams SSE events to the client as the upstream sends them", async () => {
    await using f = await startAppFixture({ emails: [A] });
    f.google.setStreamChunks(["one ", "two ", "three"]);
    const hold = f.google.holdStream();
    const pending = f.gemini("gemini-2.5-flash:streamGenerateContent?alt=sse");
    hold.releaseNext();
    const reply = await pending;
    expect(reply.headers.get("content-type")).toContain("text/event-stream");
    const reader = reply.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain("one ");
    expect(first).not.toContain("three");
    expect(hold.waiting()).toBeGreaterThan(0);
    hold.releaseAll();
    let rest = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain("three");
  });

  test("the code-assist profile wraps requests, finds the project, and unwraps replies and every SSE event", async () => {
    await using f = await startAppFixture({ emails: [A], profile: "code-assist" });
    const reply = await f.gemini("gemini-2.5-pro:generateContent");
    expect(reply.status).toBe(200);
    const json = (await reply.json()) as { candidates?: unknown[]; response?: unknown };
    expect(json.response).toBeUndefined();
    expect(json.candidates).toBeDefined();
    const sent = f.google.upstreamRequests.find((r) => r.path === "/v1internal:generateContent");
    expect(sent?.body).toMatchObject({ model: "gemini-2.5-pro", request: HELLO });
    expect(typeof (sent?.body as { project?: unknown } | undefined)?.project).toBe("string");
    expect((await f.store.get("id-alice"))?.token.projectId).toBeDefined();

    const stream = await f.gemini("gemini-2.5-pro:streamGenerateContent?alt=sse");
    const events = (await stream.text()).split(/\r?\n\r?\n/).filter((e) => e.startsWith("data:"));
    expect(events.length).toBeGreaterThan(1);
    for (const event of events) {
      const data = JSON.parse(event.slice("data:".length)) as Record<string, unknown>;
      expect(data.response).toBeUndefined();
      expect(data.candidates).toBeDefined();
    }
    expect(f.google.upstreamRequests.filter((r) => r.path === "/v1internal:loadCodeAssist")).toHaveLength(1);
  });

  test("a client's body goes upstream byte for byte, on its own or inside code-assist's wrapper", async () => {
    // Spacing, key order, an escape and a duplicate key: what serializing again would change.
    const body =
      '{ "generationConfig":{"temperature":0.5},\n "contents": [{"role":"user","parts":[{"text":"caf\\u00e9 é"}]}], "x":1, "x":2 }';
    await using gemini = await startAppFixture({ emails: [A] });
    expect((await gemini.gemini("gemini-2.5-flash:generateContent", body)).status).toBe(200);
    expect(gemini.google.upstreamRequests.at(-1)?.text).toBe(body);

    await using codeAssist = await startAppFixture({ emails: [A], profile: "code-assist" });
    expect((await codeAssist.gemini("gemini-2.5-pro:generateContent", body)).status).toBe(200);
    const sent = codeAssist.google.upstreamRequests.find((r) => r.path === "/v1internal:generateContent");
    const project = (sent?.body as { project?: unknown } | undefined)?.project;
    expect(typeof project).toBe("string");
    expect(sent?.text).toBe(
      `{"model":"gemini-2.5-pro","project":${JSON.stringify(project)},"request":${body}}`,
    );
  });

  test("rejects an unknown method, a body that is not a JSON object, and an oversized body", async () => {
    await using f = await startAppFixture({ emails: [A], maxBodyBytes: 100 });
    expect((await f.gemini("m:fly")).status).toBe(404);
    const bad = await f.gemini("m:generateContent", "[1,2]");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toBe(
      "request body must be a JSON object",
    );
    const big = await f.gemini("m:generateContent", { contents: [{ parts: [{ text: "x".repeat(500) }] }] });
    expect(big.status).toBe(413);
    expect(f.google.calls.upstream).toBe(0);
  });

  test("refuses an oversized chunked body by counting, without a Content-Length", async () => {
    await using f = await startAppFixture({ emails: [A], maxBodyBytes: 1000 });
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1;
        if (sent > 100) controller.close();
        else controller.enqueue(new TextEncoder().encode("x".repeat(100)));
      },
    });
    const reply = await f.app.handle(
      new Request("http://localhost/v1beta/models/m:generateContent", {
        method: "POST",
        body,
        duplex: "half",
      } as RequestInit),
    );
    expect(reply.status).toBe(413);
    expect(sent).toBeLessThan(100);
  });
});

describe("code-assist streaming without alt=sse", () => {
  test("answers Gemini's JSON-array stream form, each element unwrapped", async () => {
    await using f = await startAppFixture({ emails: [A], profile: "code-assist" });
    const reply = await f.gemini("gemini-2.5-pro:streamGenerateContent");
    expect(reply.status).toBe(200);
    const elements = JSON.parse(await reply.text()) as Record<string, unknown>[];
    expect(elements.length).toBeGreaterThan(1);
    for (const element of elements) expect(element.candidates).toBeDefined();
    expect(f.google.upstreamRequests.at(-1)?.query.alt).toBe("sse");
  });

  test("sends the model the model map names, and the client's name when nothing matches", async () => {
    await using f = await startAppFixture({ emails: [A], modelMap: ["house-model=gemini-2.5-flash"] });
    expect((await f.gemini("house-model:generateContent")).status).toBe(200);
    expect(f.google.upstreamRequests.at(-1)?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect((await f.gemini("claude-haiku-4-5:generateContent")).status).toBe(200);
    expect(f.google.upstreamRequests.at(-1)?.path).toBe("/v1beta/models/gemini-2.5-flash:generateContent");
    expect((await f.gemini("other-model:countTokens")).status).toBe(200);
    expect(f.google.upstreamRequests.at(-1)?.path).toBe("/v1beta/models/other-model:countTokens");
  });
});
