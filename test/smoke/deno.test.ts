/**
 * grantpool runs under Deno too (SPEC §2): the CLI's `accounts` commands and the file store,
 * driven by the Deno that npm installed, against the same Google emulator, and the proxy serving
 * a generateContent request. Every run goes through `npm run deno` (scripts/run.mjs --deno): the
 * command the README gives, with its narrow permissions, so a permission it lacks fails here.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../support/cli-fixture.ts";
import type { GoogleEmulator } from "../support/google-emulator.ts";
import { startProxyProcess } from "../support/proxy-process.ts";
import { runCli, runCommand } from "../support/run-cli.ts";

const ROOT = join(import.meta.dir, "..", "..");
/** `npm run deno --` without npm: what the package.json script runs. */
const NPM_RUN_DENO = ["node", join(ROOT, "scripts", "run.mjs"), "--deno"];

function deno(args: readonly string[]) {
  return runCommand(NPM_RUN_DENO, args, { env });
}

let fixture: CliFixture;
let google: GoogleEmulator;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  fixture = await startCliFixture();
  ({ google, dataDir, env } = fixture);
});

afterAll(async () => {
  await fixture[Symbol.asyncDispose]();
});

describe("under Deno", () => {
  test("reports the Deno runtime in version", async () => {
    const run = await deno(["version"]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/^grantpool \S+ \(deno \d/);
  });

  test("adds an account, lists it and writes the store", async () => {
    const token = google.addIdentity({ email: "dana@example.com" });
    const added = await deno(["accounts", "add", "--refresh-token", token]);
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    const listed = await deno(["accounts", "list", "--json"]);
    expect(listed.code).toBe(0);
    const accounts = JSON.parse(listed.stdout) as { id: string; email: string; state: string }[];
    expect(accounts).toMatchObject([{ email: "dana@example.com", state: "active" }]);
    const disabled = await deno(["accounts", "disable", "dana@example.com"]);
    expect(disabled.code).toBe(0);
    const file = JSON.parse(readFileSync(join(dataDir, "accounts", `${accounts[0]?.id}.json`), "utf8"));
    expect(file).toMatchObject({ proxy_disabled: true, proxy_disabled_reason: "manual" });
  });

  test("the proxy serves a generateContent request, and its log stream is JSON lines only", async () => {
    const token = google.addIdentity({ email: "erin@example.com" });
    expect((await runCli(["accounts", "add", "--refresh-token", token], { env })).code).toBe(0);
    const proxy = await startProxyProcess(env, { command: NPM_RUN_DENO });
    try {
      const call = (path: string) =>
        fetch(`${proxy.url}/v1beta/models/gemini-2.5-flash:${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
        });
      const reply = await call("generateContent");
      expect(reply.status).toBe(200);
      expect(reply.headers.get("x-grantpool-account")).toBeTruthy();
      expect(await reply.text()).toContain("answered by");
      // A streamed answer too: request signals are where Deno's legacy-abort warning came from.
      expect(await (await call("streamGenerateContent?alt=sse")).text()).toContain("answered ");
    } finally {
      expect(await proxy.stop()).toBe(0);
    }
    expect(proxy.logLines.length).toBeGreaterThanOrEqual(3);
    for (const line of proxy.logLines) {
      expect(() => JSON.parse(line), `a log line that is not JSON: ${line}`).not.toThrow();
    }
  });

  test("a file outside the permitted paths is refused in one line, not a stack trace", async () => {
    const run = await deno(["accounts", "import", "/etc"]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('Requires read access to "/etc"');
  });
});
