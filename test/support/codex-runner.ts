/**
 * Runs the real Codex CLI (scripts/ensure-codex.mjs installs it into a cache) once,
 * non-interactively (`codex exec`), against a Responses API at `baseUrl`, isolated as
 * agent-process.ts describes; what is its own here: a CODEX_HOME inside its HOME with a
 * test-written `config.toml` whose only provider is that URL (the key in an env var, `wire_api =
 * "responses"`), the lower-case proxy variables, and its final answer read back from a file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureCodex } from "../../scripts/ensure-codex.mjs";
import { type AgentRun, agentDirs, bareEnv, NOWHERE, runAgentProcess } from "./agent-process.ts";

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

export interface CodexRun extends AgentRun {
  /** What Codex wrote with `--output-last-message`: its final answer, or "" if none. */
  readonly lastMessage: string;
}

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
  using dirs = agentDirs("codex");
  const codexHome = join(dirs.home, ".codex");
  mkdirSync(codexHome);
  writeFileSync(
    join(codexHome, "config.toml"),
    codexConfig({
      baseUrl: options.baseUrl,
      ...(options.model === undefined ? {} : { model: options.model }),
    }),
  );
  const lastMessageFile = join(dirs.home, "last-message.txt");
  const env = bareEnv(dirs.home, {
    CODEX_HOME: codexHome,
    [CODEX_KEY_VARIABLE]: options.apiKey,
    RUST_LOG: "error",
    // Codex's HTTP client also honours the lower-case and ALL_PROXY spellings.
    ALL_PROXY: NOWHERE,
    https_proxy: NOWHERE,
    http_proxy: NOWHERE,
    all_proxy: NOWHERE,
    no_proxy: "127.0.0.1,localhost",
  });
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
  const run = await runAgentProcess({
    name: "codex",
    command: [binary],
    args,
    cwd: dirs.workspace,
    env,
    timeoutMs: options.timeoutMs,
  });
  const lastMessage = await Bun.file(lastMessageFile)
    .text()
    .catch(() => "");
  return { ...run, lastMessage };
}
