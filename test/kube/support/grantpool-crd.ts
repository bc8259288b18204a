/** Installs grantpool's Account CRD (crds/) into the test server, once per server, and waits until it is served. */
import { join } from "node:path";
import type { KubeFixture } from "./kube-fixture.ts";

export const CRD_FILE = join(import.meta.dir, "..", "..", "..", "crds", "accounts.grantpool.io.yaml");

export async function installAccountCrd(kube: KubeFixture): Promise<void> {
  const applied = await kube.kubectl(["apply", "--server-side", "--force-conflicts", "-f", CRD_FILE]);
  if (applied.code !== 0) throw new Error(`kube: cannot apply the Account CRD: ${applied.stderr}`);
  const established = await kube.kubectl([
    "wait",
    "--for=condition=Established",
    "--timeout=30s",
    "crd/accounts.grantpool.io",
  ]);
  if (established.code !== 0)
    throw new Error(`kube: the Account CRD is not established: ${established.stderr}`);
}
