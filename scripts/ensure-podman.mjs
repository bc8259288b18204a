// Provides the container runtime the image tests run the image under: Debian's `podman`, `runc`
// and `slirp4netns`, installed with apt-get when missing (no recommends: no crun, which refuses
// this machine's hybrid cgroups, and no extra network plugins). Run directly, it prints podman's path.
import { fileURLToPath } from "node:url";
import { ensureDebianPackages, run } from "./ensure-debian-packages.mjs";

const PACKAGES = ["podman", "runc", "slirp4netns"];

/**
 * Installs whatever of podman, runc and slirp4netns is missing and returns podman's path.
 * @param {{ log?: (line: string) => void }} [options] where progress goes; default stderr
 * @returns {string}
 */
export function ensurePodman(options = {}) {
  ensureDebianPackages(PACKAGES, { purpose: "the image tests", ...options });
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
