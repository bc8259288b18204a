/**
 * `npm run image` (scripts/build-image.mjs): the OCI layout and oci-archive it writes, built three
 * times from the current commit (twice as is, once with another SOURCE_DATE_EPOCH) into temporary
 * directories, so dist/ stays as `npm run image` left it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { BINARY, type BuiltBinary, buildBinary, ROOT } from "../support/binary.ts";
import { type BuiltImage, buildImage, type ImageLayout, readImageLayout } from "../support/oci-image.ts";
import { readTarEntries, type TarEntry } from "../support/tar-entries.ts";

const OTHER_EPOCH = 1_000_000_000; // 2001-09-09T01:46:40Z

let workDir: string;
let binary: BuiltBinary;
let first: BuiltImage;
let second: BuiltImage;
let otherEpoch: BuiltImage;
let layout: ImageLayout;
let layer: TarEntry[];

function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

function git(...args: string[]): string {
  return spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout.trim();
}

function entry(name: string): TarEntry {
  const found = layer.find((e) => e.name === name);
  if (found === undefined) throw new Error(`The layer has no ${name}`);
  return found;
}

beforeAll(async () => {
  binary = await buildBinary();
  workDir = mkdtempSync(join(tmpdir(), "grantpool-image-build-"));
  [first, second, otherEpoch] = await Promise.all([
    buildImage(join(workDir, "first")),
    buildImage(join(workDir, "second")),
    buildImage(join(workDir, "other-epoch"), { SOURCE_DATE_EPOCH: String(OTHER_EPOCH) }),
  ]);
  layout = readImageLayout(first.layoutDir);
  const layerDigest = layout.manifest.layers[0]?.digest ?? "";
  layer = readTarEntries(gunzipSync(layout.blob(layerDigest)));
}, 120_000);

afterAll(() => {
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe("the image build", () => {
  test("gives the same manifest digest and the same archive bytes when run twice on one commit", () => {
    expect(second.digest).toBe(first.digest);
    expect(layout.index.manifests[0]?.digest).toBe(first.digest);
    expect(sha256(readFileSync(second.archive))).toBe(sha256(readFileSync(first.archive)));
  });

  test("takes every time in the image from SOURCE_DATE_EPOCH when it is set", () => {
    const other = readImageLayout(otherEpoch.layoutDir);
    expect(other.config.created).toBe("2001-09-09T01:46:40Z");
    expect(other.manifest.annotations["org.opencontainers.image.created"]).toBe("2001-09-09T01:46:40Z");
    const otherLayer = readTarEntries(gunzipSync(other.blob(other.manifest.layers[0]?.digest ?? "")));
    expect(new Set(otherLayer.map((e) => e.mtime))).toEqual(new Set([OTHER_EPOCH]));
    expect(otherEpoch.digest).not.toBe(first.digest);
  });

  test("writes an OCI layout whose blobs are named by their sha256 and described by size and media type", () => {
    expect(layout.ociLayout).toEqual({ imageLayoutVersion: "1.0.0" });
    expect(layout.index.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(layout.index.manifests).toHaveLength(1);
    const [manifest] = layout.index.manifests;
    expect(manifest?.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    const architecture = { x64: "amd64", arm64: "arm64" }[process.arch as "x64" | "arm64"];
    expect(manifest?.platform).toEqual({ architecture, os: "linux" });
    expect(layout.config.architecture).toBe(architecture);
    const name = `localhost/grantpool:${binary.version.split("+")[0]}`;
    expect(manifest?.annotations).toEqual({
      "io.containerd.image.name": name,
      "org.opencontainers.image.ref.name": name,
    });
    expect(layout.manifest.schemaVersion).toBe(2);
    expect(layout.manifest.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
    expect(layout.manifest.layers.map((l) => l.mediaType)).toEqual([
      "application/vnd.oci.image.layer.v1.tar+gzip",
    ]);
    const descriptors = [manifest, layout.manifest.config, ...layout.manifest.layers];
    for (const descriptor of descriptors) {
      const bytes = layout.blob(descriptor?.digest ?? "");
      expect({ digest: sha256(bytes), size: bytes.length }).toEqual({
        digest: descriptor?.digest ?? "",
        size: descriptor?.size ?? -1,
      });
    }
    const blobs = readdirSync(join(first.layoutDir, "blobs", "sha256")).map((name) => `sha256:${name}`);
    expect(blobs.sort()).toEqual(descriptors.map((d) => d?.digest ?? "").sort());
  });

  test("records the uncompressed layer's sha256 as its diff_id", () => {
    const compressed = layout.blob(layout.manifest.layers[0]?.digest ?? "");
    expect(layout.config.rootfs).toEqual({ type: "layers", diff_ids: [sha256(gunzipSync(compressed))] });
  });

  test("runs /usr/local/bin/grantpool proxy as 65532:65532, listening beyond loopback, data in /data", () => {
    const { config } = layout.config;
    expect(layout.config.os).toBe("linux");
    expect(config.User).toBe("65532:65532");
    expect(config.Entrypoint).toEqual(["/usr/local/bin/grantpool"]);
    expect(config.Cmd).toEqual(["proxy"]);
    expect(config.Env).toContain("GRANTPOOL_HOST=0.0.0.0");
    expect(config.Env).toContain("GRANTPOOL_DATA_DIR=/data");
    expect(Object.keys(config.ExposedPorts).sort()).toEqual(["8045/tcp", "9090/tcp"]);
  });

  test("labels the image with the package's version, license and source, the commit and its time", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const commitTime = new Date(Number(git("log", "-1", "--format=%ct")) * 1000);
    const expected = {
      "org.opencontainers.image.title": "grantpool",
      "org.opencontainers.image.description": pkg.description,
      "org.opencontainers.image.version": pkg.version,
      "org.opencontainers.image.revision": git("rev-parse", "HEAD"),
      "org.opencontainers.image.source": pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""),
      "org.opencontainers.image.licenses": pkg.license,
      "org.opencontainers.image.created": commitTime.toISOString().replace(".000Z", "Z"),
    };
    expect(layout.manifest.annotations).toEqual(expected);
    expect(layout.config.config.Labels).toEqual(expected);
    expect(layout.config.created).toBe(expected["org.opencontainers.image.created"]);
    expect(binary.version).toBe(`${pkg.version}+${git("rev-parse", "--short", "HEAD")}`);
  });

  test("packs the compiled binary, owned by root, at the entrypoint", () => {
    const grantpool = entry("usr/local/bin/grantpool");
    expect({ type: grantpool.type, mode: grantpool.mode, uid: grantpool.uid }).toEqual({
      type: "file",
      mode: 0o755,
      uid: 0,
    });
    expect(sha256(grantpool.data)).toBe(sha256(readFileSync(BINARY)));
  });

  test("packs every library ldd names for the binary, byte for byte as installed", () => {
    const ldd = spawnSync("ldd", [BINARY], { encoding: "utf8" }).stdout;
    const paths = [...ldd.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1] ?? "");
    expect(paths.length).toBeGreaterThanOrEqual(2);
    for (const path of paths) {
      // Follow links inside the layer, as the loader would inside the container.
      let name = path.slice(1);
      for (let hops = 0; entry(name).type === "symlink" && hops < 8; hops += 1) {
        name = entry(name).linkTarget.replace(/^\//, "");
      }
      expect(sha256(entry(name).data)).toBe(sha256(readFileSync(realpathSync(path))));
    }
  });

  test("has the nonroot user and group 65532, a private home and data dir of theirs, and /tmp 1777", () => {
    const passwd = new TextDecoder().decode(entry("etc/passwd").data);
    const group = new TextDecoder().decode(entry("etc/group").data);
    expect(passwd).toContain("nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
    expect(group).toContain("nonroot:x:65532:\n");
    const owned = (name: string) => {
      const e = entry(name);
      return { type: e.type, mode: e.mode, uid: e.uid, gid: e.gid };
    };
    expect(owned("home/nonroot/")).toEqual({ type: "dir", mode: 0o700, uid: 65532, gid: 65532 });
    expect(owned("data/")).toEqual({ type: "dir", mode: 0o700, uid: 65532, gid: 65532 });
    expect(owned("tmp/")).toEqual({ type: "dir", mode: 0o1777, uid: 0, gid: 0 });
  });

  test("writes the layer's entries sorted, each parent first, all at the commit time, root-owned but two", () => {
    const names = layer.map((e) => e.name.replace(/\/$/, ""));
    for (const [i, name] of names.entries()) {
      const parent = name.split("/").slice(0, -1).join("/");
      if (parent !== "") expect(names.slice(0, i)).toContain(parent);
    }
    expect(new Set(names).size).toBe(names.length);
    const created = Date.parse(layout.config.created) / 1000;
    expect(new Set(layer.map((e) => e.mtime))).toEqual(new Set([created]));
    const notRoot = layer.filter((e) => e.uid !== 0 || e.gid !== 0).map((e) => e.name);
    expect(notRoot.sort()).toEqual(["data/", "home/nonroot/"]);
  });

  test("writes Docker's manifest.json beside the layout, naming the same config, layer and name", () => {
    const [docker] = JSON.parse(readFileSync(join(first.layoutDir, "manifest.json"), "utf8"));
    const path = (digest: string) => `blobs/sha256/${digest.slice("sha256:".length)}`;
    expect(docker).toEqual({
      Config: path(layout.manifest.config.digest),
      RepoTags: [layout.index.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"]],
      Layers: layout.manifest.layers.map((l) => path(l.digest)),
    });
  });

  test("writes the oci-archive as a tar of exactly the layout's files", () => {
    const archived = readTarEntries(readFileSync(first.archive));
    const files = archived.filter((e) => e.type === "file");
    expect(files.map((e) => e.name).sort()).toEqual(
      [
        "oci-layout",
        "index.json",
        "manifest.json",
        ...readdirSync(join(first.layoutDir, "blobs", "sha256")).map((n) => `blobs/sha256/${n}`),
      ].sort(),
    );
    for (const file of files) {
      expect(sha256(file.data)).toBe(sha256(readFileSync(join(first.layoutDir, file.name))));
    }
    expect(new Set(archived.map((e) => `${e.uid}:${e.gid}`))).toEqual(new Set(["0:0"]));
  });
});
