// Provides Google's Python SDK (`google-genai` from PyPI, pinned) for the SDK tests
// (test/integration/sdks): a virtual environment made with `python3 -m venv` in a per-user cache
// keyed by the version (`~/.cache/grantpool/python/google-genai-<version>`), never inside the
// project. Run directly, it prints the environment's python.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { cacheRoot, ensureCached, runAsScript } from "./package-cache.mjs";

/** The version the tests were written against (see the README's SDKs section). */
export const GOOGLE_GENAI_PYTHON_VERSION = "3.6.1";

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

/** Makes the environment in `work` and checks that it imports the pinned version. */
function makeEnvironment(work, version) {
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
}

/**
 * The python of a virtual environment holding the pinned google-genai, made on first use.
 * @param {{ log?: (line: string) => void, version?: string }} [options]
 * @returns {string}
 */
export function ensureGoogleGenaiPython(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const version = options.version ?? GOOGLE_GENAI_PYTHON_VERSION;
  return ensureCached({
    // `$GRANTPOOL_PYTHON_CACHE`, else `$XDG_CACHE_HOME/grantpool/python`, else `~/.cache/…`.
    root: cacheRoot("GRANTPOOL_PYTHON_CACHE", "python"),
    name: `google-genai-${version}`,
    what: "python",
    // Only bin/python is used (`python -m …`): it finds the environment from where it lies, so the
    // directory can be renamed into place.
    find: pythonIn,
    install(work, final) {
      log(
        `grantpool: installing google-genai==${version} into a virtual environment at ${final} (first run)…`,
      );
      makeEnvironment(work, version);
    },
  });
}

runAsScript(import.meta.url, ensureGoogleGenaiPython);
