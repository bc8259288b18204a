/**
 * The pause image every pod's sandbox runs, built here instead of pulled: Kubernetes' own
 * build/pause/linux/pause.c (from the k8s.io/kubernetes module in Go's module cache), compiled
 * with `gcc -static` and packed as a one-file OCI image by the image writer of `npm run image`
 * (scripts/image/oci-layout.mjs). Cached beside the Go builds, keyed by the Kubernetes version and
 * the source's hash.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ociArchive, ociImage } from "../../../scripts/image/oci-layout.mjs";
import { cacheRoot, MODULE_DIR, requiredVersion } from "./kube-binaries.ts";

export interface PauseImage {
  /** The oci-archive to `ctr images import`. */
  readonly archive: string;
  /** The name containerd's sandbox_image setting gives it. */
  readonly name: string;
}

/** uid/gid 65535, as the upstream pause image runs. */
const NOBODY = 65535;
/** A fixed time: the image is a function of pause.c alone. */
const EPOCH = 0;
const ARCHITECTURES: Readonly<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

function goModCache(): string {
  const result = spawnSync("go", ["env", "GOMODCACHE"], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`kube: cannot ask go for its module cache: ${result.stderr}`);
  return result.stdout.trim();
}

function pauseSource(kubernetes: string): string {
  const source = join(
    goModCache(),
    "k8s.io",
    `kubernetes@${kubernetes}`,
    "build",
    "pause",
    "linux",
    "pause.c",
  );
  if (!existsSync(source))
    throw new Error(`kube: ${source} is missing (the Go build of test/kube downloads the module)`);
  return source;
}

function compile(source: string, output: string, version: string): void {
  const result = spawnSync("gcc", ["-Os", "-static", `-DVERSION=${version}`, "-o", output, source], {
    encoding: "utf8",
  });
  if (result.error) throw new Error(`kube: the pause image needs gcc: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kube: gcc -static pause.c failed:\n${result.stderr}`);
}

function pack(binary: Buffer, name: string): Buffer {
  const architecture = ARCHITECTURES[process.arch];
  if (architecture === undefined) throw new Error(`kube: no pause image for ${process.arch}`);
  const created = new Date(EPOCH * 1000).toISOString();
  const image = ociImage({
    architecture,
    os: "linux",
    created,
    config: { User: `${NOBODY}:${NOBODY}`, Entrypoint: ["/pause"] },
    annotations: { "org.opencontainers.image.title": "pause (built from Kubernetes' pause.c)" },
    refName: name,
    entries: [{ path: "pause", type: "file", mode: 0o755, uid: 0, gid: 0, mtime: EPOCH, data: binary }],
  });
  return Buffer.concat(ociArchive(image.files, EPOCH));
}

/** Returns the cached pause image, building it first when this version has none yet. */
export function ensurePauseImage(): PauseImage {
  const kubernetes = requiredVersion(readFileSync(join(MODULE_DIR, "go.mod"), "utf8"), "k8s.io/kubernetes");
  const name = `localhost/grantpool-pause:${kubernetes}`;
  const source = pauseSource(kubernetes);
  const hash = createHash("sha256").update(readFileSync(source)).update(name).digest("hex").slice(0, 12);
  const target = join(cacheRoot(), `pause-${kubernetes}-${hash}`);
  const archive = join(target, "pause.tar");
  if (existsSync(archive)) return { archive, name };

  mkdirSync(cacheRoot(), { recursive: true });
  rmSync(target, { recursive: true, force: true });
  // Built beside the target and renamed into place, as the Go builds are.
  const work = mkdtempSync(join(cacheRoot(), ".pause-"));
  try {
    compile(source, join(work, "pause"), kubernetes);
    writeFileSync(join(work, "pause.tar"), pack(readFileSync(join(work, "pause")), name));
    rmSync(join(work, "pause"));
    try {
      renameSync(work, target);
    } catch (error) {
      if (!existsSync(archive)) throw error; // else another build finished first
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { archive, name };
}
