// Provides Google's Python SDK (`google-genai` from PyPI, pinned) for the SDK tests
// (test/integration/sdks): a virtual environment made with `python3 -m venv` in a per-user cache
// keyed by the version (`~/.cache/grantpool/python/google-genai-<version>`), never inside the
// project. Run directly, it prints the environment's python.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The version the tests were written against (see the README's SDKs section). */
export const GOOGLE_GENAI_PYTHON_VERSION = "3.6.1";

/** `$GRANTPOOL_PYTHON_CACHE`, else `$XDG_CACHE_HOME/grantpool/python`, else `~/.cache/…`. */
function pythonCacheRoot() {
  const explicit = process.env.GRANTPOOL_PYTHON_CACHE;
  if (explicit) return explicit;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "grantpool", "python");
}

function pythonIn(dir) {
  return join(dir, "bin", "python");
}

function run(command, args, what) {
  const result = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  if (result.status !== 0) {
    throw new Error(`${what} failed (${command} ${args.join(" ")}):\n${result.stdout}${result.stderr}`);
  }
  return result.stdout.trim();
}

/** Makes the environment in a scratch directory, checks the import, then renames it in. */
function install(version, log) {
  const root = pythonCacheRoot();
  const final = join(root, `google-genai-${version}`);
  mkdirSync(root, { recursive: true });
  const work = mkdtempSync(join(root, ".install-"));
  try {
    log(`grantpool: installing google-genai==${version} into a virtual environment at ${final} (first run)…`);
    run("python3", ["-m", "venv", work], "python3 -m venv");
    run(
      pythonIn(work),
      ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", `google-genai==${version}`],
      "pip install",
    );
    const found = run(
      pythonIn(work),
      ["-c", "import google.genai; print(google.genai.__version__)"],
      "import google.genai",
    );
    if (found !== version) throw new Error(`pip installed google-genai ${found}, expected ${version}`);
    // Only bin/python is used (`python -m …`): it finds the environment from where it lies, so the
    // directory can be renamed into place.
    try {
      renameSync(work, final);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (!existsSync(pythonIn(final))) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return pythonIn(final);
}

/**
 * The python of a virtual environment holding the pinned google-genai, made on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureGoogleGenaiPython(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const version = options.version ?? GOOGLE_GENAI_PYTHON_VERSION;
  const dir = join(pythonCacheRoot(), `google-genai-${version}`);
  return existsSync(pythonIn(dir)) ? pythonIn(dir) : install(version, log);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureGoogleGenaiPython());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
