/**
 * A real kube-apiserver + etcd for a benchmark: the test environment of test/kube (built from Go
 * modules on first use, cached afterwards), started in a temporary directory for this process
 * alone (it exits by itself if this process dies), with grantpool's Account CRD installed.
 * Stopping it removes its directory. A machine that cannot build or start it gets an error that
 * says so (KubeUnavailableError), never a bench without a server.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CRD_FILE } from "../../test/kube/support/grantpool-crd.ts";
import type { KubeEnv } from "../../test/kube/support/kube-env.ts";
import { startKubeServer, stopKubeServer } from "../../test/kube/support/kube-server.ts";
import { runTool } from "../../test/kube/support/run-tool.ts";

export class KubeUnavailableError extends Error {
  readonly code = "KUBE_UNAVAILABLE";

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "KubeUnavailableError";
  }
}

export interface BenchKubeServer extends AsyncDisposable {
  readonly env: KubeEnv;
  kubectl(args: readonly string[]): Promise<string>;
  createNamespace(name: string): Promise<void>;
}

export async function startBenchKubeServer(log: (line: string) => void): Promise<BenchKubeServer> {
  const dir = mkdtempSync(join(tmpdir(), "grantpool-kube-bench-"));
  let env: KubeEnv;
  try {
    env = await startKubeServer(dir, { ownerPid: process.pid, log });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const why = error instanceof Error ? error.message : String(error);
    throw new KubeUnavailableError(
      `Cannot build or start the Kubernetes test environment (test/kube, needs Go): ${why}`,
      { cause: error },
    );
  }
  const kubectl = async (args: readonly string[]): Promise<string> => {
    const run = await runTool(env, env.kubectl, args, { timeoutMs: 120_000 });
    if (run.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${run.stderr.trim()}`);
    return run.stdout;
  };
  const server: BenchKubeServer = {
    env,
    kubectl,
    async createNamespace(name) {
      await kubectl(["create", "namespace", name]);
    },
    async [Symbol.asyncDispose]() {
      await stopKubeServer(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await kubectl(["apply", "--server-side", "--force-conflicts", "-f", CRD_FILE]);
    await kubectl(["wait", "--for=condition=Established", "--timeout=60s", "crd/accounts.grantpool.io"]);
  } catch (error) {
    await server[Symbol.asyncDispose]();
    throw error;
  }
  return server;
}
