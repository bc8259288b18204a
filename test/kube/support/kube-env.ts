/**
 * What a running test server offers its clients, read from its directory: the admin kubeconfig,
 * the kubectl and helm binaries, and the identities (admin and the unprivileged ones) with tokens.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface KubeIdentity {
  /** The kubeconfig context and user entry of this identity. */
  readonly name: string;
  /** The user name the API server authenticates, as RBAC subjects name it. */
  readonly user: string;
  readonly groups: readonly string[];
  readonly token: string;
}

export interface KubeEnv {
  readonly dir: string;
  readonly server: string;
  readonly caFile: string;
  readonly kubeconfig: string;
  readonly kubectl: string;
  readonly helm: string;
  /** admin (group system:masters); alice, a plain user; robot, a ServiceAccount-shaped user. */
  readonly identities: Readonly<Record<"admin" | "alice" | "robot", KubeIdentity>>;
}

interface IdentitiesFile {
  readonly server: string;
  readonly caFile: string;
  readonly identities: readonly KubeIdentity[];
}

function identity(file: IdentitiesFile, name: string): KubeIdentity {
  const found = file.identities.find((entry) => entry.name === name);
  if (!found) throw new Error(`kube: identities.json has no identity "${name}"`);
  return found;
}

export function readKubeEnv(dir: string): KubeEnv {
  const file = JSON.parse(readFileSync(join(dir, "identities.json"), "utf8")) as IdentitiesFile;
  return {
    dir,
    server: file.server,
    caFile: file.caFile,
    kubeconfig: join(dir, "kubeconfig"),
    kubectl: join(dir, "bin", "kubectl"),
    helm: join(dir, "bin", "helm"),
    identities: {
      admin: identity(file, "admin"),
      alice: identity(file, "alice"),
      robot: identity(file, "robot"),
    },
  };
}
