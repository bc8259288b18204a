/**
 * The request gate and the server's last resort (issue 10, items 2 and 6): unusable Hosts,
 * CONNECT and TRACE, broken percent-encoding get a 4xx in the client protocol's format; no
 * request ever gets the runtime's development error page; keys in queries never reach the log.
 */
import { describe, expect, test } from "bun:test";
import { admitRequest, CANONICAL_ORIGIN, plainRefusal } from "../../../src/platform/request-gate.ts";
import { startAppFixture } from "../../support/app-fixture.ts";
import { listen } from "../../support/listening-app.ts";
import { rawRequest, requestText } from "../../support/raw-http.ts";

const KEY = "gate-client-key-0123456789";
const ADMIN_KEY = "gate-admin-key-0123456789";
const BODY = JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] });

describe("the request gate", () => {
  test("answers a Host that is not host[:port] with a 400 in Gemini's format, logging nothing", async () => {
    await using f = await startAppFixture({ emails: ["a@example.com"], authMode: "strict", apiKeys: [KEY] });
    await using server = listen(f.handle);
    for (const host of ["", "[::1", "x/y", "x?y", "127.0.0.1:99999", "é", "a b", "x#y"]) {
      const reply = await rawRequest(server.port, requestText("GET", `/healthz?key=${KEY}`, { Host: host }));
      expect({ host, status: reply.status }).toEqual({ host, status: 400 });
      expect(JSON.parse(reply.body)).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
      expect(reply.body).not.toContain(KEY);
    }
    expect(f.log.lines.filter((line) => !line.includes("Loaded"))).toEqual([]);
  });

  test("refuses CONNECT with a 400 and TRACE with a 405", async () => {
    await using f = await startAppFixture({ emails: ["a@example.com"] });
    await using server = listen(f.handle);
    const connect = await rawRequest(
      server.port,
      requestText("CONNECT", "example.com:443", { Host: "example.com:443" }),
    );
    expect(connect.status).toBe(400);
    expect(JSON.parse(connect.body).error.message).toContain("not a forward proxy");
    const trace = await rawRequest(server.port, requestText("TRACE", "/healthz", { Host: "localhost" }));
    expect(trace.status).toBe(405);
  });

  test("routes exactly the path it was given, whatever the Host, and drops the fragment", () => {
    const path = "/admin/v1beta/models/m:generateContent?alt=sse";
    for (const host of ["a", "ab", "abc", "localhost:8045", "[::1]:80", "127.0.0.1:41234"]) {
      for (const target of [path, `${path}#x`]) {
        const request = new Request(`http://${host}${target}`, { headers: { host } });
        const admitted = admitRequest(request, plainRefusal);
        if (!admitted.ok) throw new Error(`refused http://${host}${target}`);
        // What Elysia's router cuts out (from the first "/" at or after index 11) is the path.
        const url = admitted.request.url;
        expect(url.slice(url.indexOf("/", 11))).toBe(path);
        const parsed = new URL(url);
        expect(`${parsed.pathname}${parsed.search}`).toBe(path);
      }
    }
  });

  test("keeps a request whose URL already routes as it parses (its body stays the runtime's), rewrites others", () => {
    const kept = new Request("http://127.0.0.1:8045/v1beta/models", { headers: { host: "127.0.0.1:8045" } });
    const admittedKept = admitRequest(kept, plainRefusal);
    expect(admittedKept.ok && admittedKept.request).toBe(kept);
    const short = new Request("http://a/v1beta/models", { headers: { host: "a" } });
    const admittedShort = admitRequest(short, plainRefusal);
    expect(admittedShort.ok && admittedShort.request.url).toBe(`${CANONICAL_ORIGIN}/v1beta/models`);
  });

  test("keeps the body and the abort signal of a request it rewrites", async () => {
    const controller = new AbortController();
    const request = new Request("http://a/x", {
      method: "POST",
      body: "payload",
      headers: { host: "a" },
      signal: controller.signal,
    });
    const admitted = admitRequest(request, plainRefusal);
    if (!admitted.ok) throw new Error("refused");
    expect(await admitted.request.text()).toBe("payload");
    controller.abort();
    expect(admitted.request.signal.aborted).toBe(true);
  });
});

describe("broken percent-encoding", () => {
  test("in a model name or an admin id is a 400, not a 500, and logs no error", async () => {
    await using f = await startAppFixture({ emails: ["a@example.com"], adminKey: ADMIN_KEY });
    await using server = listen(f.handle);
    const statuses: string[] = [];
    for (const bad of ["%", "%zz", "%C0%AF", "%E2%82", "a%00b"]) {
      const model = await rawRequest(
        server.port,
        requestText("POST", `/v1beta/models/${bad}:generateContent`, { Host: "localhost" }, BODY),
      );
      const admin = await rawRequest(
        server.port,
        requestText(
          "POST",
          `/admin/accounts/${bad}/disable`,
          { Host: "localhost", "x-api-key": ADMIN_KEY },
          "{}",
        ),
      );
      statuses.push(`${bad} model ${model.status} admin ${admin.status}`);
    }
    expect(statuses).toEqual([
      "% model 400 admin 400",
      "%zz model 400 admin 400",
      "%C0%AF model 400 admin 400",
      "%E2%82 model 400 admin 400",
      "a%00b model 400 admin 404",
    ]);
    expect(f.log.records.filter((record) => record.level === "error")).toEqual([]);
    expect(f.google.calls.upstream).toBe(0);
  });
});

describe("the server's last resort", () => {
  test("a handler that throws or rejects gets a short JSON 500, never the development page", async () => {
    const thrower = (request: Request): Promise<Response> => {
      if (new URL(request.url).pathname === "/throw") throw new Error(`thrown near ?key=${KEY}`);
      return Promise.reject(new Error(`rejected near ?key=${KEY}`));
    };
    await using server = listen(thrower);
    for (const path of ["/throw", "/reject"]) {
      const reply = await rawRequest(server.port, requestText("GET", path, { Host: "localhost" }));
      expect(reply.status).toBe(500);
      expect(JSON.parse(reply.body)).toEqual({
        error: { code: 500, message: "internal error", status: "INTERNAL" },
      });
    }
    expect(server.unexpectedErrors).toHaveLength(2);
  });

  test("a key in the query of a failing request never reaches the log", async () => {
    await using f = await startAppFixture({ emails: ["a@example.com"], authMode: "strict", apiKeys: [KEY] });
    await using server = listen(f.handle);
    for (const target of [`/nowhere?key=${KEY}`, `/v1beta/models/%zz:generateContent?key=${KEY}`]) {
      await rawRequest(server.port, requestText("POST", target, { Host: "localhost" }, BODY));
    }
    expect(f.log.lines.join("\n")).not.toContain(KEY);
  });
});
