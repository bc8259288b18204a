/**
 * Shared set-up of the Kubernetes-mode tests: a namespace with the Account CRD, the Google
 * emulator, Accounts created the way a user creates them (`grantpool accounts manifest | kubectl
 * apply -f -`), and grantpool proxies and operators running as child processes against it all.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GoogleEmulator, startGoogleEmulator } from "../../support/google-emulator.ts";
import { type ProxyProcess, startProxyProcess } from "../../support/proxy-process.ts";
import { emulatorEnv, runCli } from "../../support/run-cli.ts";
import { waitFor } from "../../support/wait-for.ts";
import { installAccountCrd } from "./grantpool-crd.ts";
import type { KubeFixture } from "./kube-fixture.ts";

export interface AccountStatusView {
  disabled?: boolean;
  disabledAt?: string;
  disabledReason?: string;
  disabledTokenHash?: string;
  email?: string;
  quota?: {
    models?: { name: string; remainingPercent: number; resetTime?: string }[];
    lowestRemainingPercent?: number;
    lastUpdated?: string;
    forbidden?: boolean;
    subscriptionTier?: string;
  };
  conditions?: { type: string; status: string; reason: string; message: string }[];
}

export interface KubeStory extends AsyncDisposable {
  readonly ns: string;
  readonly google: GoogleEmulator;
  readonly env: Record<string, string>;
  readonly processes: ProxyProcess[];
  /** Creates Secret + Account named `name` holding `token`. */
  addAccount(name: string, token: string): Promise<void>;
  /** Replaces the token in the Account's Secret, as `kubectl` would. */
  rotateSecret(name: string, token: string): Promise<void>;
  status(name: string): Promise<AccountStatusView>;
  ready(name: string): Promise<{ status: string; reason: string } | undefined>;
  events(reason: string): Promise<{ involvedObject: { name: string }; message: string }[]>;
  startProxy(extraEnv?: Record<string, string>): Promise<ProxyProcess>;
  startOperator(extraEnv?: Record<string, string>, args?: readonly string[]): Promise<ProxyProcess>;
}

export async function startKubeStory(kube: KubeFixture, prefix: string): Promise<KubeStory> {
  await installAccountCrd(kube);
  const ns = await kube.createNamespace(prefix);
  const google = await startGoogleEmulator();
  const dataDir = mkdtempSync(join(tmpdir(), "grantpool-kube-story-"));
  const env = { ...emulatorEnv(google, dataDir), ...kube.toolEnv() };
  const processes: ProxyProcess[] = [];
  const kubectl = async (args: readonly string[], stdin?: string) => {
    const run = await kube.kubectl(args, stdin === undefined ? {} : { stdin });
    if (run.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${run.stderr}`);
    return run.stdout;
  };
  const story: KubeStory = {
    ns,
    google,
    env,
    processes,
    async addAccount(name, token) {
      const file = join(dataDir, `${name}.token`);
      writeFileSync(file, `${token}\n`);
      const manifest = await runCli([
        "accounts",
        "manifest",
        "--name",
        name,
        "--namespace",
        ns,
        "--refresh-token-file",
        file,
      ]);
      if (manifest.code !== 0) throw new Error(`accounts manifest failed: ${manifest.stderr}`);
      await kubectl(["apply", "-f", "-"], manifest.stdout);
    },
    async rotateSecret(name, token) {
      const patch = JSON.stringify({ data: { refresh_token: Buffer.from(token).toString("base64") } });
      await kubectl(["patch", "secret", `${name}-token`, "-n", ns, "--type=merge", "-p", patch]);
    },
    async status(name) {
      const json = await kubectl(["get", "account", name, "-n", ns, "-o", "json"]);
      return ((JSON.parse(json) as { status?: AccountStatusView }).status ?? {}) as AccountStatusView;
    },
    async ready(name) {
      return (await story.status(name)).conditions?.find((c) => c.type === "Ready");
    },
    async events(reason) {
      const json = await kubectl([
        "get",
        "events",
        "-n",
        ns,
        "--field-selector",
        `reason=${reason}`,
        "-o",
        "json",
      ]);
      return (JSON.parse(json) as { items: { involvedObject: { name: string }; message: string }[] }).items;
    },
    async startProxy(extraEnv = {}) {
      // As the Downward API sets them in the chart: the pod's name and namespace.
      const pod = { POD_NAMESPACE: ns, POD_NAME: `grantpool-proxy-${processes.length}` };
      const proxy = await startProxyProcess(
        { ...env, ...pod, ...extraEnv },
        { args: ["--store", "kubernetes", "--namespace", ns] },
      );
      processes.push(proxy);
      return proxy;
    },
    async startOperator(extraEnv = {}, args = []) {
      // No POD_NAME: the Lease identity then ends in the pid, which the leader tests read.
      const pod = { POD_NAMESPACE: ns };
      const operator = await startProxyProcess(
        { ...env, ...pod, ...extraEnv },
        { subcommand: ["operator", "--metrics-port", "0", "--namespace", ns, ...args] },
      );
      processes.push(operator);
      return operator;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(processes.map((p) => p.stop().catch(() => 0)));
      await google.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return story;
}

/** Sends one Gemini call to a proxy and says which account answered. */
export async function ask(
  proxy: ProxyProcess,
  model = "gemini-2.5-flash",
): Promise<{ status: number; account: string | null }> {
  const reply = await fetch(`${proxy.url}/v1beta/models/${model}:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
  });
  await reply.arrayBuffer();
  return { status: reply.status, account: reply.headers.get("x-grantpool-account") };
}

/** Waits until `proxy` has served from `accountId` (round-robin reaches it within a few calls). */
export async function waitUntilServedBy(
  proxy: ProxyProcess,
  accountId: string,
  timeoutMs: number,
): Promise<void> {
  await waitFor(async () => (await ask(proxy)).account === accountId, {
    timeoutMs,
    intervalMs: 0,
    message: `${accountId} to serve`,
  });
}

/**
 * The usual cast: one Account per name (each with its own emulated identity), the operator, every
 * Account Ready, then two proxy replicas. Returns each name's refresh token, the replicas and the
 * operator.
 */
export async function startCast(
  story: KubeStory,
  names: readonly string[],
  /** Extra environment for every process of the cast (OTEL_* for instance). */
  env: Record<string, string> = {},
): Promise<{ tokens: Map<string, string>; replicas: ProxyProcess[]; operator: ProxyProcess }> {
  const tokens = new Map<string, string>();
  for (const name of names) {
    const token = story.google.addIdentity({ email: `${name}@example.com` });
    tokens.set(name, token);
    await story.addAccount(name, token);
  }
  const operator = await story.startOperator(env);
  for (const name of names) {
    await waitFor(async () => (await story.ready(name))?.status === "True", {
      timeoutMs: 15_000,
      message: `${name} Ready`,
    });
  }
  return { tokens, replicas: [await story.startProxy(env), await story.startProxy(env)], operator };
}
