/**
 * Runs the real Gemini CLI (scripts/ensure-gemini-cli.mjs installs it into a cache) once,
 * non-interactively (`gemini -p`), against a grantpool proxy: its own empty HOME (with a
 * `.gemini/settings.json` that turns off what would call Google itself: usage statistics, update
 * checks) and working directory, a bare environment where `GOOGLE_GEMINI_BASE_URL` and
 * `GEMINI_API_KEY` point it at grantpool, and every proxy variable pointed at a closed loopback
 * port (grantpool's own address excepted), so no test traffic leaves the machine whatever it
 * tries. It leads a process group of its own, killed when its deadline passes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureGeminiCli } from "../../scripts/ensure-gemini-cli.mjs";

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

export interface GeminiCliRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** Everything, for a failing assertion's message. */
  describe(): string;
}

/** A loopback port nothing listens on: a request sent there is refused at once. */
const NOWHERE = "http://127.0.0.1:9";

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

function prepareHome(): string {
  const home = mkdtempSync(join(tmpdir(), "grantpool-gemini-home-"));
  mkdirSync(join(home, ".gemini"));
  writeFileSync(join(home, ".gemini", "settings.json"), JSON.stringify(SETTINGS, null, 2));
  return home;
}

export async function runGeminiCli(options: GeminiCliOptions): Promise<GeminiCliRun> {
  const entry = ensureGeminiCli();
  const home = prepareHome();
  const workspace = mkdtempSync(join(tmpdir(), "grantpool-gemini-work-"));
  for (const [name, text] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), text);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: home,
    TERM: "dumb",
    NO_COLOR: "1",
    LANG: "C.UTF-8",
    GOOGLE_GEMINI_BASE_URL: options.baseUrl,
    GEMINI_API_KEY: options.apiKey,
    // Not in a sandbox, not in CI mode's special paths, no browser.
    GEMINI_CLI_NO_RELAUNCH: "true",
    HTTPS_PROXY: NOWHERE,
    HTTP_PROXY: NOWHERE,
    NO_PROXY: "127.0.0.1,localhost",
  };
  // setsid: the CLI leads a process group of its own, so that the tools it started are stopped
  // with it, and none of them holds its output open after it is gone.
  const child = Bun.spawn(["setsid", "node", entry, ...options.args], {
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
    return {
      exitCode,
      stdout,
      stderr,
      timedOut,
      describe: () =>
        `gemini ${options.args.join(" ")} exited ${exitCode}${timedOut ? " (killed at its deadline)" : ""}\nstdout:\n${stdout}\nstderr:\n${stderr}`,
    };
  } finally {
    clearTimeout(deadline);
    killGroup();
    rmSync(home, { recursive: true, force: true });
    rmSync(workspace, { recursive: true, force: true });
  }
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
