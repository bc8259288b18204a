// Turns a layer's entries and the image settings into the files of an OCI image layout
// (oci-layout, index.json, blobs/sha256/…, and Docker's manifest.json) and packs them into an
// oci-archive tar. JSON is
// written compactly with keys in a fixed order and the layer is gzipped by Node's zlib at a fixed
// level (its header carries no time or name), so equal inputs give equal digests under the same
// Node (another zlib, e.g. Bun's, compresses differently: the uncompressed diff_id would agree,
// the layer digest would not).
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { tarChunks } from "./tar-writer.mjs";

export const MEDIA_TYPES = {
  index: "application/vnd.oci.image.index.v1+json",
  manifest: "application/vnd.oci.image.manifest.v1+json",
  config: "application/vnd.oci.image.config.v1+json",
  layer: "application/vnd.oci.image.layer.v1.tar+gzip",
};
const GZIP_LEVEL = 6;

function sha256(data) {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function json(value) {
  return Buffer.from(JSON.stringify(value));
}

function blob(mediaType, data) {
  return { descriptor: { mediaType, digest: sha256(data), size: data.length }, data };
}

/**
 * @typedef {{ architecture: string, os: string, created: string,
 *   config: Record<string, unknown>, annotations: Record<string, string>, refName: string,
 *   entries: readonly import("./tar-writer.mjs").TarEntry[] }} ImageInput
 * `config` is the OCI config's own "config" member (User, Env, Entrypoint, Cmd, …).
 */

/**
 * The image's layout files, by path inside the layout, and what to report about it.
 * @param {ImageInput} input
 */
export function ociImage({ architecture, os, created, config, annotations, refName, entries }) {
  const tar = Buffer.concat(tarChunks(entries));
  const layer = blob(MEDIA_TYPES.layer, gzipSync(tar, { level: GZIP_LEVEL }));
  const diffId = sha256(tar);
  const imageConfig = blob(
    MEDIA_TYPES.config,
    json({
      created,
      architecture,
      os,
      config,
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created, created_by: "npm run image (scripts/build-image.mjs)" }],
    }),
  );
  const manifest = blob(
    MEDIA_TYPES.manifest,
    json({
      schemaVersion: 2,
      mediaType: MEDIA_TYPES.manifest,
      config: imageConfig.descriptor,
      layers: [layer.descriptor],
      annotations,
    }),
  );
  const index = json({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.index,
    manifests: [
      {
        ...manifest.descriptor,
        platform: { architecture, os },
        annotations: { "io.containerd.image.name": refName, "org.opencontainers.image.ref.name": refName },
      },
    ],
  });
  const blobPath = ({ descriptor }) => `blobs/sha256/${descriptor.digest.slice("sha256:".length)}`;
  const files = new Map([
    ["oci-layout", json({ imageLayoutVersion: "1.0.0" })],
    ["index.json", index],
    // What `docker save` writes beside the layout since Docker 25: Docker's own loader reads only
    // this file (pointing into the layout's blobs); podman, skopeo and containerd ignore it.
    [
      "manifest.json",
      json([{ Config: blobPath(imageConfig), RepoTags: [refName], Layers: [blobPath(layer)] }]),
    ],
  ]);
  for (const item of [layer, imageConfig, manifest]) files.set(blobPath(item), item.data);
  return {
    files,
    digest: manifest.descriptor.digest,
    diffId,
    layerSize: layer.data.length,
    tarSize: tar.length,
  };
}

/**
 * The layout packed as an oci-archive: a plain tar of the layout directory, root-owned, every
 * entry at `mtime`, in sorted order.
 * @param {Map<string, Buffer>} files from ociImage
 * @param {number} mtime seconds
 * @returns {Buffer[]}
 */
export function ociArchive(files, mtime) {
  const owner = { uid: 0, gid: 0, mtime };
  const dirs = ["blobs", "blobs/sha256"].map((path) => ({ ...owner, path, type: "dir", mode: 0o755 }));
  const blobs = [...files.keys()].filter((path) => path.startsWith("blobs/")).sort();
  const others = [...files.keys()].filter((path) => !path.startsWith("blobs/")).sort();
  const entry = (path) => ({ ...owner, path, type: "file", mode: 0o644, data: files.get(path) });
  return tarChunks([...dirs, ...blobs.map(entry), ...others.map(entry)]);
}
