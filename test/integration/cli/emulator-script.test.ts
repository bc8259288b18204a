/**
 * `npm run emulator` (scripts/run.mjs --emulator): the Google emulator on its own, as the README's
 * tour drives it from a shell — export lines to eval, tokens minted and revoked by command.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { collectLines } from "../../support/collect-lines.ts";
import { runCommand } from "../../support/run-cli.ts";
import { waitFor } from "../../support/wait-for.ts";

const ROOT = join(import.meta.dir, "..", "..", "..");
const EMULATOR = ["node", join(ROOT, "scripts", "run.mjs"), "--emulator"];

let child: Subprocess<"ignore", "pipe", "pipe">;
let lines: string[];
let env: Record<string, string>;
let port: string;

/** Runs an emulator command (env, token, revoke) against the running emulator. */
function command(...args: string[]) {
  return runCommand(EMULATOR, [...args, "--port", port]);
}

async function refresh(refreshToken: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await fetch(env.GRANTPOOL_OAUTH_TOKEN_URL ?? "", {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      refresh_token: refreshToken,
      client_id: env.GRANTPOOL_OAUTH_CLIENT_ID ?? "",
      client_secret: env.GRANTPOOL_OAUTH_CLIENT_SECRET ?? "",
    }),
  });
  return { status: reply.status, body: (await reply.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  lines = [];
  child = Bun.spawn([...EMULATOR, "--port", "0", "--accounts", "ada@example.com"], {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  void collectLines(child.stdout, lines);
  await waitFor(() => lines.some((line) => line.startsWith("# refresh token of ada@example.com: ")), {
    timeoutMs: 15_000,
    message: () => `the emulator's start-up lines; got:\n${lines.join("\n")}`,
  });
  env = Object.fromEntries(
    lines.flatMap((line) => {
      const match = /^export (GRANTPOOL_\w+)=(\S+)$/.exec(line);
      return match === null ? [] : [[match[1], match[2]]];
    }),
  );
  port = new URL(env.GRANTPOOL_OAUTH_TOKEN_URL ?? "").port;
});

afterAll(async () => {
  child.kill("SIGTERM");
  await child.exited;
});

describe("npm run emulator", () => {
  test("prints the export lines that point grantpool at it, and the minted account's token", () => {
    expect(Object.keys(env).sort()).toEqual([
      "GRANTPOOL_OAUTH_AUTH_URL",
      "GRANTPOOL_OAUTH_CLIENT_ID",
      "GRANTPOOL_OAUTH_CLIENT_SECRET",
      "GRANTPOOL_OAUTH_TOKEN_URL",
      "GRANTPOOL_OAUTH_USERINFO_URL",
      "GRANTPOOL_UPSTREAM_URL",
    ]);
    expect(env.GRANTPOOL_OAUTH_TOKEN_URL).toBe(`http://127.0.0.1:${port}/token`);
    expect(env.GRANTPOOL_UPSTREAM_URL).toBe(`http://127.0.0.1:${port}`);
  });

  test("env prints the same lines, and a shell can eval them", async () => {
    const printed = await command("env");
    expect(printed.code).toBe(0);
    expect(printed.stdout.trim().split("\n")).toEqual(lines.filter((line) => line.startsWith("export ")));
    const script = `eval "$(${EMULATOR.join(" ")} env --port ${port})"; echo "$GRANTPOOL_OAUTH_CLIENT_ID"`;
    const shell = await runCommand(["sh", "-c", script], []);
    expect(shell.stdout.trim()).toBe(env.GRANTPOOL_OAUTH_CLIENT_ID ?? "missing");
  });

  test("token mints a working refresh token per email, one a line", async () => {
    const minted = await command("token", "grace@example.com", "alan@example.com");
    expect(minted.code).toBe(0);
    const tokens = minted.stdout.trim().split("\n");
    expect(tokens).toHaveLength(2);
    for (const token of tokens) expect((await refresh(token)).status).toBe(200);
  });

  test("revoke EMAIL makes that identity's tokens answer invalid_grant, and only theirs", async () => {
    const started = lines.find((line) => line.startsWith("# refresh token of ada@example.com: ")) ?? "";
    const first = started.slice(started.lastIndexOf(" ") + 1);
    const second = (await command("token", "ada@example.com")).stdout.trim();
    const other = (await command("token", "lin@example.com")).stdout.trim();
    const revoked = await command("revoke", "ada@example.com");
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toStartWith("Revoked 2 refresh token(s) of ada@example.com");
    for (const token of [first, second]) {
      expect(await refresh(token)).toEqual({
        status: 400,
        body: { error: "invalid_grant", error_description: "Token has been expired or revoked." },
      });
    }
    expect((await refresh(other)).status).toBe(200);
  });

  test("revoke TOKEN revokes that token; an unknown email is an error", async () => {
    const token = (await command("token", "mae@example.com")).stdout.trim();
    expect((await command("revoke", token)).code).toBe(0);
    expect((await refresh(token)).body.error).toBe("invalid_grant");
    const unknown = await command("revoke", "nobody@example.com");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No refresh token of "nobody@example.com"');
  });

  test("revoking an email also revokes the tokens its sign-ins were given", async () => {
    await command("token", "sue@example.com");
    const base = `http://127.0.0.1:${port}`;
    const redirectUri = "http://127.0.0.1:9/oauth2callback";
    const consent = await fetch(
      `${base}/o/oauth2/v2/auth?${new URLSearchParams({
        client_id: env.GRANTPOOL_OAUTH_CLIENT_ID ?? "",
        redirect_uri: redirectUri,
        response_type: "code",
        scope: "openid email",
        code_challenge: "verifier-of-the-test-verifier-of-the-test-0123",
        code_challenge_method: "plain",
        login_hint: "sue@example.com",
      })}`,
      { redirect: "manual" },
    );
    const code = new URL(consent.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const exchanged = await fetch(`${base}/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: redirectUri,
        code_verifier: "verifier-of-the-test-verifier-of-the-test-0123",
        client_id: env.GRANTPOOL_OAUTH_CLIENT_ID ?? "",
        client_secret: env.GRANTPOOL_OAUTH_CLIENT_SECRET ?? "",
      }),
    });
    const { refresh_token: signedIn } = (await exchanged.json()) as { refresh_token: string };
    expect((await command("revoke", "sue@example.com")).stdout).toStartWith("Revoked 2 refresh token(s)");
    expect((await refresh(signedIn)).body.error).toBe("invalid_grant");
  });

  test("a second emulator on a taken port says so and exits 1", async () => {
    const second = await runCommand(EMULATOR, ["--port", port]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Cannot listen on 127.0.0.1:${port}`);
  });

  test("stops on SIGTERM with exit 0", async () => {
    child.kill("SIGTERM");
    expect(await child.exited).toBe(0);
  });
});
