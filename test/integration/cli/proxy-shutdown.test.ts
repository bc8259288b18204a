/**
 * A stopping proxy drains for --shutdown-delay seconds: a Kubernetes Service keeps sending calls
 * for a moment after the kubelet's SIGTERM, and a kept-alive connection cut under a call fails it.
 */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import { startProxyProcess } from "../../support/proxy-process.ts";
import { waitFor } from "../../support/wait-for.ts";

let fixture: CliFixture;

beforeEach(async () => {
  fixture = await startCliFixture();
});

afterEach(async () => {
  await fixture[Symbol.asyncDispose]();
});

describe("the proxy on SIGTERM", () => {
  test("with --shutdown-delay it keeps answering, unready and closing each connection, then stops", async () => {
    const proxy = await startProxyProcess(fixture.env, { args: ["--shutdown-delay", "1"] });
    const keptAlive = await fetch(`${proxy.url}/healthz`);
    expect(keptAlive.headers.get("connection")).not.toBe("close");
    await keptAlive.arrayBuffer();

    const signalled = Date.now();
    proxy.child.kill("SIGTERM");
    await waitFor(() => proxy.logLines.some((line) => line.includes("Draining for 1 s")), {
      message: "the drain to start",
    });
    const ready = await fetch(`${proxy.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("connection")).toBe("close");
    await ready.arrayBuffer();
    const health = await fetch(`${proxy.url}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get("connection")).toBe("close");
    await health.arrayBuffer();

    expect(await proxy.stop()).toBe(0);
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(1000);
  });

  test("without it (the default) it stops listening at once", async () => {
    const proxy = await startProxyProcess(fixture.env);
    const signalled = Date.now();
    expect(await proxy.stop()).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(1000);
    expect(proxy.logLines.some((line) => line.includes("Draining"))).toBe(false);
  });
});
