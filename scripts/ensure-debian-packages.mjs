// Installs Debian packages the tests need with apt-get when dpkg does not list them as installed
// (`--no-install-recommends`: only what is asked for). `apt-get install -s` asks first whether the
// package lists know them; `apt-get update` runs only when they do not. Needs root to install; an
// installed set costs one `dpkg-query`. Shared by ensure-podman.mjs and ensure-node-runtime.mjs.
import { spawnSync } from "node:child_process";

/**
 * Runs a command with a fixed locale and no prompts; `ok` is its exit status.
 * @param {string} command
 * @param {readonly string[]} args
 */
export function run(command, args) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C", DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error)
    throw new Error(`Cannot run ${command}: ${result.error.message}`, { cause: result.error });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/**
 * The packages that dpkg does not list as installed.
 * @param {readonly string[]} packages
 */
export function missingPackages(packages) {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const { output } = run("dpkg-query", ["-W", "-f=${Package} ${db:Status-Abbrev}\\n", ...packages]);
  // One line per package dpkg knows: "podman ii " once installed ("un", "rc"… otherwise).
  const installed = new Set(
    output
      .split("\n")
      .map((line) => line.split(" "))
      .filter(([, status]) => status === "ii")
      .map(([name]) => name),
  );
  return packages.filter((name) => !installed.has(name));
}

function installArgs(packages, { simulate }) {
  return ["install", simulate ? "-s" : "-y", "-q", "--no-install-recommends", ...packages];
}

/**
 * Installs whatever of `packages` is missing.
 * @param {readonly string[]} packages
 * @param {{ purpose: string, log?: (line: string) => void }} options `purpose` names who needs them
 */
export function ensureDebianPackages(packages, options) {
  const log = options.log ?? ((line) => console.error(line));
  const missing = missingPackages(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0)
    throw new Error(
      `${options.purpose[0]?.toUpperCase()}${options.purpose.slice(1)} need ${missing.join(", ")} (apt-get install needs root)`,
    );
  log(`grantpool: installing Debian's ${missing.join(" ")} for ${options.purpose} (first run)…`);
  if (!run("apt-get", installArgs(missing, { simulate: true })).ok) {
    const update = run("apt-get", ["update", "-q"]);
    if (!update.ok) throw new Error(`apt-get update failed:\n${update.output}`);
  }
  const install = run("apt-get", installArgs(missing, { simulate: false }));
  if (!install.ok) throw new Error(`apt-get install ${missing.join(" ")} failed:\n${install.output}`);
  const still = missingPackages(packages);
  if (still.length > 0) throw new Error(`apt-get install left ${still.join(", ")} uninstalled`);
}
