// Types for oci-layout.mjs, which stays plain JavaScript so `npm run image` runs it with Node alone;
// the kube node harness (test/kube/support/pause-image.ts) packs the pause image with it too.
import type { TarEntry } from "./tar-writer.d.mts";

export interface ImageInput {
  readonly architecture: string;
  readonly os: string;
  readonly created: string;
  /** The OCI config's own "config" member (User, Env, Entrypoint, Cmd, …). */
  readonly config: Record<string, unknown>;
  readonly annotations: Record<string, string>;
  readonly refName: string;
  readonly entries: readonly TarEntry[];
}

export interface OciImage {
  /** The layout's files by path inside the layout. */
  readonly files: Map<string, Buffer>;
  readonly digest: string;
  readonly diffId: string;
  readonly layerSize: number;
  readonly tarSize: number;
}

export function ociImage(input: ImageInput): OciImage;
export function ociArchive(files: Map<string, Buffer>, mtime: number): Buffer[];
