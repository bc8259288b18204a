/**
 * Runs the real Gemini CLI (scripts/ensure-gemini-cli.mjs installs it into a cache) once,
 * non-interactively (`gemini -p`), against a grantpool proxy, isolated as agent-process.ts
 * describes; what is its own here: a `.gemini/settings.json` in its HOME that turns off what would
 * call Google itself (usage statistics, update checks), `GOOGLE_GEMINI_BASE_URL` and
 * `GEMINI_API_KEY` pointing it at grantpool, and the files a test puts in its working directory.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureGeminiCli } from "../../scripts/ensure-gemini-cli.mjs";
import { type AgentRun, agentDirs, bareEnv, runAgentProcess } from "./agent-process.ts";

export interface GeminiCliOptions {
  /** The proxy's URL (GOOGLE_GEMINI_BASE_URL). */
  readonly baseUrl: string;
  /** A client key of the proxy (GEMINI_API_KEY). */
  readonly apiKey: string;
  /** The arguments after `gemini`: `-p "say hi" --output-format json`, … */
  readonly args: readonly string[];
  /** Files to put in the working directory first, by relative name. */
  readonly files?: Record<string, string>;
  /** Default 60 s. */
  readonly timeoutMs?: number;
}

export type GeminiCliRun = AgentRun;

/**
 * The API key auth type (an environment with only GOOGLE_GEMINI_BASE_URL would choose "gateway",
 * which `-p` refuses as "Invalid auth method selected."), and off what the CLI would otherwise do
 * on its own: report usage, look for updates, ask to trust the folder.
 */
const SETTINGS = {
  security: { auth: { selectedType: "gemini-api-key" }, folderTrust: { enabled: false } },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
  general: { disableAutoUpdate: true, disableUpdateNag: true },
};

export async function runGeminiCli(options: GeminiCliOptions): Promise<GeminiCliRun> {
  const entry = ensureGeminiCli();
  using dirs = agentDirs("gemini");
  mkdirSync(join(dirs.home, ".gemini"));
  writeFileSync(join(dirs.home, ".gemini", "settings.json"), JSON.stringify(SETTINGS, null, 2));
  for (const [name, text] of Object.entries(options.files ?? {})) {
    writeFileSync(join(dirs.workspace, name), text);
  }
  const env = bareEnv(dirs.home, {
    NO_COLOR: "1",
    GOOGLE_GEMINI_BASE_URL: options.baseUrl,
    GEMINI_API_KEY: options.apiKey,
    // Not in a sandbox, not in CI mode's special paths, no browser.
    GEMINI_CLI_NO_RELAUNCH: "true",
  });
  return await runAgentProcess({
    name: "gemini",
    command: ["node", entry],
    args: options.args,
    cwd: dirs.workspace,
    env,
    timeoutMs: options.timeoutMs,
  });
}

/** The `--output-format json` document the CLI prints: `{response, stats, …}`. */
export function responseOf(run: GeminiCliRun): { response?: string } & Record<string, unknown> {
  const start = run.stdout.indexOf("{");
  try {
    return JSON.parse(run.stdout.slice(start)) as { response?: string };
  } catch {
    throw new Error(`Gemini CLI printed no JSON result; ${run.describe()}`);
  }
}
