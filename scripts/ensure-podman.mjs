// Provides the container runtime the image tests run the image under: Debian's `podman`, `runc`
// and `slirp4netns`, installed with apt-get when missing (`--no-install-recommends`: no crun, which
// refuses this machine's hybrid cgroups, and no extra network plugins). `apt-get install -s` asks
// first whether the package lists know them; `apt-get update` runs only when they do not. Needs
// root to install; an installed set costs one `dpkg-query`. Run directly, it prints podman's path.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const PACKAGES = ["podman", "runc", "slirp4netns"];

function run(command, args) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C", DEBIAN_FRONTEND: "noninteractive" },
  });
  if (result.error)
    throw new Error(`Cannot run ${command}: ${result.error.message}`, { cause: result.error });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The packages of PACKAGES that dpkg does not list as installed. */
function missingPackages() {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
  const { output } = run("dpkg-query", ["-W", "-f=${Package} ${db:Status-Abbrev}\\n", ...PACKAGES]);
  // One line per package dpkg knows: "podman ii " once installed ("un", "rc"… otherwise).
  const installed = new Set(
    output
      .split("\n")
      .map((line) => line.split(" "))
      .filter(([, status]) => status === "ii")
      .map(([name]) => name),
  );
  return PACKAGES.filter((name) => !installed.has(name));
}

function installArgs(packages, { simulate }) {
  return ["install", simulate ? "-s" : "-y", "-q", "--no-install-recommends", ...packages];
}

/**
 * Installs whatever of podman, runc and slirp4netns is missing and returns podman's path.
 * @param {{ log?: (line: string) => void }} [options] where progress goes; default stderr
 * @returns {string}
 */
export function ensurePodman(options = {}) {
  const log = options.log ?? ((line) => console.error(line));
  const missing = missingPackages();
  if (missing.length > 0) {
    if (process.getuid?.() !== 0)
      throw new Error(`The image tests need ${missing.join(", ")} (apt-get install needs root)`);
    log(`grantpool: installing Debian's ${missing.join(" ")} for the image tests (first run)…`);
    if (!run("apt-get", installArgs(missing, { simulate: true })).ok) {
      const update = run("apt-get", ["update", "-q"]);
      if (!update.ok) throw new Error(`apt-get update failed:\n${update.output}`);
    }
    const install = run("apt-get", installArgs(missing, { simulate: false }));
    if (!install.ok) throw new Error(`apt-get install ${missing.join(" ")} failed:\n${install.output}`);
    const still = missingPackages();
    if (still.length > 0) throw new Error(`apt-get install left ${still.join(", ")} uninstalled`);
  }
  const where = run("sh", ["-c", "command -v podman"]);
  if (!where.ok) throw new Error("podman is installed but not on PATH");
  return where.output;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensurePodman());
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
