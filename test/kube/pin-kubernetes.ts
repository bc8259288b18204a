/**
 * Moves test/kube/go.mod to another Kubernetes release: `bun test/kube/pin-kubernetes.ts v1.37.2`.
 *
 * k8s.io/kubernetes requires its staging modules (k8s.io/api, k8s.io/client-go, …) at v0.0.0 and
 * replaces them with local paths, which do not apply to a module that depends on it. So each one
 * is replaced here by its published tag v0.Y.Z. The list changes between minors, so it is read from
 * that release's own go.mod rather than kept by hand. Then `go mod tidy` and the cache key (a hash
 * of go.mod and go.sum) make the next `up` build the new release.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { MODULE_DIR } from "./support/kube-binaries.ts";

function go(args: readonly string[]): string {
  const run = spawnSync("go", args, {
    cwd: MODULE_DIR,
    env: { ...process.env, GOTOOLCHAIN: "local" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (run.status !== 0) throw new Error(`go ${args.join(" ")} failed (exit ${run.status ?? run.signal})`);
  return run.stdout;
}

/** The modules that release replaces with `./staging/src/k8s.io/<name>`. */
export function stagingModules(kubernetesGoMod: string): string[] {
  return [...kubernetesGoMod.matchAll(/^\s*(k8s\.io\/\S+)\s+=>\s+\.\/staging\//gm)]
    .map((m) => m[1] ?? "")
    .sort();
}

function main(version: string | undefined): void {
  const minor = /^v1\.(\d+)\.(\d+)$/.exec(version ?? "");
  if (version === undefined || !minor) throw new Error("usage: bun test/kube/pin-kubernetes.ts v1.Y.Z");
  const stagingTag = `v0.${minor[1]}.${minor[2]}`;
  const info = JSON.parse(go(["mod", "download", "-json", `k8s.io/kubernetes@${version}`])) as {
    GoMod: string;
  };
  const modules = stagingModules(readFileSync(info.GoMod, "utf8"));

  const current = JSON.parse(go(["mod", "edit", "-json"])) as { Replace?: Array<{ Old: { Path: string } }> };
  const stale = (current.Replace ?? []).map((r) => r.Old.Path).filter((path) => path.startsWith("k8s.io/"));
  go([
    "mod",
    "edit",
    ...stale.map((path) => `-dropreplace=${path}`),
    `-require=k8s.io/kubernetes@${version}`,
    ...modules.map((path) => `-replace=${path}=${path}@${stagingTag}`),
  ]);
  go(["mod", "tidy"]);
  console.log(
    `test/kube/go.mod: k8s.io/kubernetes ${version}, ${modules.length} staging modules at ${stagingTag}`,
  );
}

if (import.meta.main) {
  try {
    main(process.argv[2]);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
