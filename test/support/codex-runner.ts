/**
 * Runs the real Codex CLI (scripts/ensure-codex.mjs installs it into a cache) once,
 * non-interactively (`codex exec`), against a Responses API at `baseUrl`: its own empty HOME,
 * CODEX_HOME and working directory, a test-written `config.toml` whose only provider is that URL
 * (the key in an env var, `wire_api = "responses"`), a bare environment, and every proxy variable
 * pointed at a closed loopback port, so no test traffic leaves the machine whatever it tries. It
 * leads a process group of its own, stopped by its id when its deadline passes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCodex } from "../../scripts/ensure-codex.mjs";

export interface CodexOptions {
  /** The Responses API's base, ending in `/v1`: Codex posts to `${baseUrl}/responses`. */
  readonly baseUrl: string;
  /** Sent by Codex as `Authorization: Bearer …`, read from the env var the provider names. */
  readonly apiKey: string;
  /** The prompt of `codex exec`. */
  readonly prompt: string;
  /** The config's `model`; Codex's own default when left out. */
  readonly model?: string;
  /** Arguments added after `exec`'s own. */
  readonly args?: readonly string[];
  /** Default 60 s. */
  readonly timeoutMs?: number;
}

export interface CodexRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** What Codex wrote with `--output-last-message`: its final answer, or "" if none. */
  readonly lastMessage: string;
  /** Everything, for a failing assertion's message. */
  describe(): string;
}

/** A loopback port nothing listens on: a request sent there is refused at once. */
const NOWHERE = "http://127.0.0.1:9";
/** The env var the provider reads its key from (the README's example uses the same name). */
export const CODEX_KEY_VARIABLE = "GRANTPOOL_KEY";

/** The config.toml of the README's Codex section, with the test's URL, and nothing else enabled. */
export function codexConfig(options: { readonly baseUrl: string; readonly model?: string }): string {
  return [
    ...(options.model === undefined ? [] : [`model = ${JSON.stringify(options.model)}`]),
    `model_provider = "grantpool"`,
    // Nothing but the provider: no update check, no analytics, no feedback uploads.
    "check_for_update_on_startup = false",
    "",
    "[model_providers.grantpool]",
    `name = "grantpool"`,
    `base_url = ${JSON.stringify(options.baseUrl)}`,
    `env_key = ${JSON.stringify(CODEX_KEY_VARIABLE)}`,
    `wire_api = "responses"`,
    // A failing call fails the test at once instead of after retries with backoff.
    "request_max_retries = 0",
    "stream_max_retries = 0",
    "",
    "[analytics]",
    "enabled = false",
    "",
    "[feedback]",
    "enabled = false",
    "",
    // Plugins would sync a catalogue from GitHub at startup (refused by the proxy variables anyway).
    "[features]",
    "plugins = false",
    "",
  ].join("\n");
}

export async function runCodex(options: CodexOptions): Promise<CodexRun> {
  const binary = ensureCodex();
  const home = mkdtempSync(join(tmpdir(), "grantpool-codex-home-"));
  const workspace = mkdtempSync(join(tmpdir(), "grantpool-codex-work-"));
  const codexHome = join(home, ".codex");
  mkdirSync(codexHome);
  writeFileSync(
    join(codexHome, "config.toml"),
    codexConfig({
      baseUrl: options.baseUrl,
      ...(options.model === undefined ? {} : { model: options.model }),
    }),
  );
  const lastMessageFile = join(home, "last-message.txt");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    CODEX_HOME: codexHome,
    TERM: "dumb",
    LANG: "C.UTF-8",
    [CODEX_KEY_VARIABLE]: options.apiKey,
    RUST_LOG: "error",
    HTTPS_PROXY: NOWHERE,
    HTTP_PROXY: NOWHERE,
    ALL_PROXY: NOWHERE,
    https_proxy: NOWHERE,
    http_proxy: NOWHERE,
    all_proxy: NOWHERE,
    NO_PROXY: "127.0.0.1,localhost",
    no_proxy: "127.0.0.1,localhost",
  };
  const args = [
    "exec",
    "--skip-git-repo-check",
    "--ephemeral",
    "--color",
    "never",
    // The test's own scratch directory is the sandbox: the shell command runs without asking.
    "--dangerously-bypass-approvals-and-sandbox",
    "--output-last-message",
    lastMessageFile,
    ...(options.args ?? []),
    options.prompt,
  ];
  // setsid: Codex leads a process group of its own, so that the commands it started are stopped
  // with it, and none of them holds its output open after it is gone.
  const child = Bun.spawn(["setsid", binary, ...args], {
    cwd: workspace,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let timedOut = false;
  const killGroup = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // The group is gone already.
    }
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, options.timeoutMs ?? 60_000);
  try {
    const [stdout, stderr, exitCode] = await Promise.all([
      new Response(child.stdout).text(),
      new Response(child.stderr).text(),
      child.exited,
    ]);
    const lastMessage = await Bun.file(lastMessageFile)
      .text()
      .catch(() => "");
    return {
      exitCode,
      stdout,
      stderr,
      timedOut,
      lastMessage,
      describe: () =>
        `codex ${args.join(" ")} exited ${exitCode}${timedOut ? " (killed at its deadline)" : ""}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    };
  } finally {
    clearTimeout(deadline);
    killGroup();
    rmSync(home, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
}
