/**
 * The container image for the image tests: builds it with scripts/build-image.mjs (under Node, as
 * `npm run image` does: the layer's gzip bytes are Node's zlib's) into a directory of the test's
 * own, and reads the OCI layout it wrote back into its documents.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./binary.ts";

export interface BuiltImage {
  /** The OCI image layout directory. */
  readonly layoutDir: string;
  /** The same layout as an oci-archive tar. */
  readonly archive: string;
  /** The manifest digest the build printed. */
  readonly digest: string;
  readonly output: string;
}

/** Builds the image into `outDir`; `env` adds variables (SOURCE_DATE_EPOCH). Fails with the output. */
export async function buildImage(outDir: string, env: Record<string, string> = {}): Promise<BuiltImage> {
  const node = Bun.which("node");
  if (node === null) throw new Error("The image build needs Node.js on PATH");
  const child = Bun.spawn([node, join(ROOT, "scripts", "build-image.mjs"), "--out-dir", outDir], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  const output = `${stdout}${stderr}`;
  const digest = /^manifest (sha256:[0-9a-f]{64})$/m.exec(stdout)?.[1];
  if (code !== 0 || digest === undefined) {
    throw new Error(`scripts/build-image.mjs failed (exit ${code}):\n${output}`);
  }
  return { layoutDir: join(outDir, "image"), archive: join(outDir, "grantpool-image.tar"), digest, output };
}

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly platform?: { readonly architecture: string; readonly os: string };
  readonly annotations?: Record<string, string>;
}

export interface ImageConfig {
  readonly created: string;
  readonly architecture: string;
  readonly os: string;
  readonly config: {
    readonly User: string;
    readonly Entrypoint: string[];
    readonly Cmd: string[];
    readonly Env: string[];
    readonly ExposedPorts: Record<string, unknown>;
    readonly WorkingDir: string;
    readonly Labels: Record<string, string>;
  };
  readonly rootfs: { readonly type: string; readonly diff_ids: string[] };
}

export interface ImageLayout {
  readonly ociLayout: { readonly imageLayoutVersion: string };
  readonly index: {
    readonly schemaVersion: number;
    readonly mediaType: string;
    readonly manifests: Descriptor[];
  };
  readonly manifest: {
    readonly schemaVersion: number;
    readonly mediaType: string;
    readonly config: Descriptor;
    readonly layers: Descriptor[];
    readonly annotations: Record<string, string>;
  };
  readonly config: ImageConfig;
  /** The bytes of a blob, by digest. */
  blob(digest: string): Buffer;
}

/** Reads a layout's index, its one manifest, and the manifest's config. */
export function readImageLayout(layoutDir: string): ImageLayout {
  const blob = (digest: string) => readFileSync(join(layoutDir, "blobs", ...digest.split(":")));
  const json = (bytes: Buffer) => JSON.parse(bytes.toString("utf8"));
  const index = json(readFileSync(join(layoutDir, "index.json")));
  const manifestDigest = index.manifests?.[0]?.digest;
  if (typeof manifestDigest !== "string") throw new Error(`${layoutDir}/index.json names no manifest`);
  const manifest = json(blob(manifestDigest));
  return {
    ociLayout: json(readFileSync(join(layoutDir, "oci-layout"))),
    index,
    manifest,
    config: json(blob(manifest.config.digest)),
    blob,
  };
}
