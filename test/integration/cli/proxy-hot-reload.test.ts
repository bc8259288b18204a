/** A running proxy follows the file store: `accounts add` brings an account (back) within a second. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import type { GoogleEmulator } from "../../support/google-emulator.ts";
import { startProxyProcess } from "../../support/proxy-process.ts";
import { runCli } from "../../support/run-cli.ts";
import { waitFor } from "../../support/wait-for.ts";

let fixture: CliFixture;
let google: GoogleEmulator;
let dataDir: string;
let env: Record<string, string>;

beforeEach(async () => {
  fixture = await startCliFixture();
  ({ google, dataDir, env } = fixture);
});

afterEach(async () => {
  await fixture[Symbol.asyncDispose]();
});

interface Summary {
  total: number;
  active: number;
  disabled: number;
}

async function summary(url: string): Promise<Summary> {
  const body = (await (await fetch(`${url}/readyz`)).json()) as { accounts: Summary };
  return body.accounts;
}

describe("the proxy on the file store", () => {
  test("serves an account added with the CLI while it runs, within a second", async () => {
    await using proxy = await startProxyProcess(env);
    expect(await summary(proxy.url)).toMatchObject({ total: 0 });
    const token = google.addIdentity({ email: "alice@example.com" });
    expect((await runCli(["accounts", "add", "--refresh-token", token], { env })).code).toBe(0);
    const added = Date.now();
    await waitFor(async () => (await summary(proxy.url)).active === 1, {
      timeoutMs: 1_000,
      message: "the new account",
    });
    expect(Date.now() - added).toBeLessThan(1_000);
  });

  test("skips a disabled account at start and takes it back when its token is replaced", async () => {
    const dead = google.addIdentity({ email: "alice@example.com" });
    expect((await runCli(["accounts", "add", "--refresh-token", dead], { env })).code).toBe(0);
    const ids = JSON.parse((await runCli(["accounts", "list", "--json"], { env })).stdout) as {
      id: string;
    }[];
    expect(ids).toHaveLength(1);
    // Mark it dead in the file the way a disabling proxy writes it, then start the proxy.
    google.revoke(dead);
    const file = join(dataDir, "accounts", `${ids[0]?.id}.json`);
    const stored = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    writeFileSync(
      file,
      JSON.stringify({
        ...stored,
        disabled: true,
        disabled_at: 1,
        disabled_reason: "invalid_grant: Token has been expired or revoked.",
      }),
    );
    await using proxy = await startProxyProcess(env);
    expect(await summary(proxy.url)).toMatchObject({ total: 1, active: 0, disabled: 1 });
    expect(
      proxy.logLines.some((l) => l.includes("Skipping disabled account (alice@example.com): invalid_grant")),
    ).toBe(true);
    const fresh = google.mintRefreshToken("alice@example.com");
    expect((await runCli(["accounts", "add", "--refresh-token", fresh], { env })).code).toBe(0);
    await waitFor(async () => (await summary(proxy.url)).active === 1, {
      timeoutMs: 1_000,
      message: "the recovery",
    });
    await waitFor(() => proxy.logLines.some((l) => l.includes("Account recovered (alice@example.com)")));
    for (const line of proxy.logLines) {
      expect(line).not.toContain(dead);
      expect(line).not.toContain(fresh);
    }
  });
});
