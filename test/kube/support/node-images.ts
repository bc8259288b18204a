/**
 * Puts the node's images into its containerd (namespace k8s.io, where the CRI plugin looks):
 * imported from oci-archives, never pulled. The grantpool image is also tagged with the reference
 * the Helm chart's defaults resolve to (image.repository + appVersion, as the CRI normalizes it:
 * `grantpool:0.1.0` → `docker.io/library/grantpool:0.1.0`), so `helm install` with default image
 * values runs it.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const CHART_DIR = join(import.meta.dir, "..", "..", "..", "charts", "grantpool");

function ctr(socket: string, args: readonly string[]): string {
  const result = spawnSync("ctr", ["--address", socket, "--namespace", "k8s.io", ...args], {
    encoding: "utf8",
  });
  if (result.error) throw new Error(`kube node: cannot run ctr (containerd): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`kube node: ctr ${args.join(" ")} failed: ${result.stderr}`);
  return result.stdout;
}

/** A Docker-style reference in full: registry and, for Docker Hub, the library/ path. */
export function normalizedReference(reference: string): string {
  const [first = "", ...rest] = reference.split("/");
  const hasRegistry =
    rest.length > 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  if (hasRegistry) return reference;
  return `docker.io/${rest.length === 0 ? `library/${reference}` : reference}`;
}

/** The image reference `helm install` with the chart's default values puts in the pods. */
export function chartDefaultImage(): string {
  const values = parse(readFileSync(join(CHART_DIR, "values.yaml"), "utf8")) as {
    image: { repository: string; tag: string };
  };
  const chart = parse(readFileSync(join(CHART_DIR, "Chart.yaml"), "utf8")) as { appVersion: string };
  return normalizedReference(`${values.image.repository}:${values.image.tag || chart.appVersion}`);
}

/** The name an oci-archive's index gives its image (io.containerd.image.name). */
function archiveImageName(archive: string): string {
  const list = spawnSync("tar", ["-xOf", archive, "index.json"], { encoding: "utf8" });
  if (list.status !== 0) throw new Error(`kube node: ${archive} has no index.json: ${list.stderr}`);
  const index = JSON.parse(list.stdout) as { manifests: { annotations?: Record<string, string> }[] };
  const name = index.manifests[0]?.annotations?.["io.containerd.image.name"];
  if (name === undefined) throw new Error(`kube node: ${archive} names no image`);
  return name;
}

/** Imports the pause image and the grantpool image; tags the latter as the chart expects it. */
export function importImages(socket: string, pauseArchive: string, grantpoolArchive: string): void {
  ctr(socket, ["images", "import", pauseArchive]);
  ctr(socket, ["images", "import", grantpoolArchive]);
  ctr(socket, ["images", "tag", "--force", archiveImageName(grantpoolArchive), chartDefaultImage()]);
}
