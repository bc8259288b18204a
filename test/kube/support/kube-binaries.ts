/**
 * Builds the Kubernetes test tools (kube-testenv, kube-node, kubectl, helm) from the Go module in test/kube
 * into a cache shared by every clone on this machine, keyed by the Kubernetes version and a hash
 * of the module's files, so a second run, or another clone, builds nothing.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The Go module: go.mod, go.sum and the sources of our own commands. */
export const MODULE_DIR = join(import.meta.dir, "..");
/** The control plane (etcd + kube-apiserver) and the node components (kubelet, kube-proxy, …). */
const OWN_COMMANDS = ["kube-testenv", "kube-node"];
const TOOL_PACKAGES = ["k8s.io/kubernetes/cmd/kubectl", "helm.sh/helm/v4/cmd/helm"];
const EXECUTABLES = [...OWN_COMMANDS, "kubectl", "helm"] as const;

export interface KubeBinaries {
  readonly binDir: string;
  readonly server: string;
  /** kubelet, kube-proxy, kube-controller-manager and kube-scheduler as sub-commands. */
  readonly node: string;
  readonly kubectl: string;
  readonly helm: string;
  readonly kubernetesVersion: string;
}

export interface BuildOptions {
  /** Where build progress goes; default: this process's stderr. */
  readonly log?: (line: string) => void;
}

/** `$GRANTPOOL_KUBE_CACHE`, else `$XDG_CACHE_HOME/grantpool/kube`, else `~/.cache/grantpool/kube`. */
export function cacheRoot(): string {
  const explicit = process.env.GRANTPOOL_KUBE_CACHE;
  if (explicit) return explicit;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "grantpool", "kube");
}

/** The version go.mod requires for `module`, e.g. `v1.37.2` for k8s.io/kubernetes. */
export function requiredVersion(goMod: string, module: string): string {
  const escaped = module.replaceAll(".", "\\.");
  const match = new RegExp(`^\\s*(?:require\\s+)?${escaped}\\s+(v\\S+)`, "m").exec(goMod);
  if (!match?.[1]) throw new Error(`test/kube/go.mod requires no version of ${module}`);
  return match[1];
}

/** Version stamps a release build would carry: helm compares the server's version with charts'. */
function linkerFlags(kubernetes: string, helm: string): string {
  const [major, minor] = kubernetes.replace(/^v/, "").split(".");
  const k8s = "k8s.io/component-base/version";
  return [
    "-s",
    "-w",
    `-X ${k8s}.gitVersion=${kubernetes}`,
    `-X ${k8s}.gitMajor=${major}`,
    `-X ${k8s}.gitMinor=${minor}`,
    `-X ${k8s}.gitTreeState=clean`,
    `-X helm.sh/helm/v4/internal/version.version=${helm}`,
  ].join(" ");
}

function sourceFiles(): string[] {
  const goFiles = OWN_COMMANDS.flatMap((command) => {
    const dir = join(MODULE_DIR, "cmd", command);
    return readdirSync(dir)
      .filter((name) => name.endsWith(".go"))
      .sort()
      .map((name) => join(dir, name));
  });
  return [join(MODULE_DIR, "go.mod"), join(MODULE_DIR, "go.sum"), ...goFiles];
}

function cacheKey(kubernetes: string, ldflags: string): string {
  const hash = createHash("sha256").update(ldflags);
  for (const file of sourceFiles()) hash.update(file.slice(MODULE_DIR.length)).update(readFileSync(file));
  return `${kubernetes}-${hash.digest("hex").slice(0, 12)}`;
}

function binariesIn(binDir: string, kubernetesVersion: string): KubeBinaries {
  return {
    binDir,
    server: join(binDir, "kube-testenv"),
    node: join(binDir, "kube-node"),
    kubectl: join(binDir, "kubectl"),
    helm: join(binDir, "helm"),
    kubernetesVersion,
  };
}

function complete(binDir: string): boolean {
  return EXECUTABLES.every((name) => existsSync(join(binDir, name)));
}

/** Returns the cached tools, building them first when this version has not been built here yet. */
export function ensureKubeBinaries(options: BuildOptions = {}): KubeBinaries {
  const log = options.log ?? ((line: string) => console.error(line));
  const goMod = readFileSync(join(MODULE_DIR, "go.mod"), "utf8");
  const kubernetes = requiredVersion(goMod, "k8s.io/kubernetes");
  const ldflags = linkerFlags(kubernetes, requiredVersion(goMod, "helm.sh/helm/v4"));
  const target = join(cacheRoot(), cacheKey(kubernetes, ldflags));
  const binDir = join(target, "bin");
  if (complete(binDir)) return binariesIn(binDir, kubernetes);

  mkdirSync(cacheRoot(), { recursive: true });
  // An entry someone emptied by hand would block the rename below.
  rmSync(target, { recursive: true, force: true });
  // Built beside the target and renamed into place: a concurrent build or an interrupted one never
  // leaves a half-filled cache entry behind.
  const work = mkdtempSync(join(cacheRoot(), ".build-"));
  try {
    log(
      `kube: building kube-testenv, kube-node, kubectl and helm for Kubernetes ${kubernetes} into ${target}`,
    );
    log("kube: the first build on a machine also downloads the Go modules: about 10 minutes on 2 cores");
    const started = Date.now();
    const args = ["build", "-trimpath", `-ldflags=${ldflags}`, "-o", `${join(work, "bin")}/`];
    const own = OWN_COMMANDS.map((command) => `./cmd/${command}`);
    const result = spawnSync("go", [...args, ...own, ...TOOL_PACKAGES], {
      cwd: MODULE_DIR,
      // A local toolchain only (no download), go.mod/go.sum exactly as committed, and no VCS stamp
      // (the binaries must not depend on the state of the work tree).
      env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false" },
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (result.error) throw new Error(`kube: cannot run go (is Go installed?): ${result.error.message}`);
    if (result.status !== 0)
      throw new Error(`kube: go build failed (exit ${result.status ?? result.signal})`);
    try {
      renameSync(work, target);
    } catch (error) {
      // Another build finished first; its binaries are the same.
      if (!complete(binDir)) throw error;
    }
    log(`kube: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binariesIn(binDir, kubernetes);
}
