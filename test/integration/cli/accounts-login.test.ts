/** `grantpool accounts login`: authorization code with PKCE and a checked `state`, over a loopback redirect. */
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { type CliFixture, startCliFixture } from "../../support/cli-fixture.ts";
import type { GoogleEmulator } from "../../support/google-emulator.ts";
import { cliEnv, MAIN } from "../../support/run-cli.ts";
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

function startLogin() {
  const child = Bun.spawn([process.execPath, MAIN, "accounts", "login", "--no-browser"], {
    env: cliEnv(env),
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let stdout = "";
  const reading = (async () => {
    for await (const chunk of child.stdout) stdout += new TextDecoder().decode(chunk);
  })();
  const stderr = new Response(child.stderr).text();
  return {
    child,
    output: () => stdout,
    async consentUrl(): Promise<string> {
      return waitFor(() => /^(http:\/\/\S+\/o\/oauth2\/v2\/auth\S*)$/m.exec(stdout)?.[1], {
        message: "the sign-in URL",
      });
    },
    async finish() {
      const code = await child.exited;
      await reading;
      return { code, stdout, stderr: await stderr };
    },
  };
}

describe("grantpool accounts login", () => {
  test("adds the account that consents, after checking state and PKCE", async () => {
    google.addIdentity({ email: "carol@example.com" });
    const login = startLogin();
    const consent = new URL(await login.consentUrl());
    expect(consent.searchParams.get("code_challenge_method")).toBe("S256");
    expect(consent.searchParams.get("state")?.length).toBeGreaterThanOrEqual(32);
    const redirect = await fetch(consent, { redirect: "manual" });
    expect(redirect.status).toBe(302);
    const callback = new URL(redirect.headers.get("location") ?? "");
    expect(callback.hostname).toBe("127.0.0.1");

    const forged = new URL(callback);
    forged.searchParams.set("state", "forged-state");
    expect((await fetch(forged)).status).toBe(400);

    expect((await fetch(callback)).status).toBe(200);
    const done = await login.finish();
    expect(done.code).toBe(0);
    expect(done.stdout).toContain("Added carol@example.com");
    expect(readdirSync(join(dataDir, "accounts")).filter((f) => f.endsWith(".json"))).toHaveLength(1);
  });

  test("fails with exit 1 when the user declines consent", async () => {
    google.addIdentity({ email: "carol@example.com" });
    google.denyConsent(true);
    const login = startLogin();
    const redirect = await fetch(await login.consentUrl(), { redirect: "manual" });
    await fetch(redirect.headers.get("location") ?? "");
    const done = await login.finish();
    expect(done.code).toBe(1);
    expect(done.stderr).toContain("access_denied");
  });
});
