/**
 * The pieces of the story on a real node (node-story.kube.test.ts): the release installed with
 * `helm install` of the real chart and image into a namespace that enforces the restricted Pod
 * Security Standard, Accounts applied with `kubectl apply`, and calls to the proxy through its
 * Service or straight to a pod, made from inside the node's network namespace.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../support/run-cli.ts";
import { CHART_DIR, valuesFile } from "./grantpool-chart.ts";
import type { KubeNodeFixture } from "./kube-node-fixture.ts";
import type { AgentReply } from "./netns-client.ts";
import type { NodeEmulator } from "./node-emulator.ts";

export const RELEASE = "gp";
export const PROXY = `${RELEASE}-grantpool-proxy`;
export const OPERATOR = `${RELEASE}-grantpool-operator`;
export const CLIENT_KEY = "node-story-client-key";

export interface PodView {
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: { readonly serviceAccountName: string };
  readonly status: {
    readonly podIP?: string;
    readonly phase: string;
    readonly conditions?: { type: string; status: string }[];
    readonly containerStatuses?: { ready: boolean; restartCount: number }[];
  };
}

/** The values of the story: the chart's defaults, pointed at the emulator, with a known client key. */
export function storyValues(emulator: NodeEmulator): object {
  const { "upstream-url": upstreamUrl, ...oauthUrls } = emulator.podSettings;
  return {
    oauth: { clientId: emulator.clientId, clientSecret: emulator.clientSecret },
    keys: { apiKeys: [CLIENT_KEY] },
    settings: oauthUrls,
    proxy: {
      settings: { "upstream-url": upstreamUrl },
      // Keeps a proxy serving through voluntary disruptions (and the roll of `helm upgrade`).
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
    },
  };
}

/** kubectl that fails the test when kubectl fails; returns its output. */
export async function kubectlOk(
  node: KubeNodeFixture,
  args: readonly string[],
  stdin?: string,
): Promise<string> {
  const run = await node.kubectl(args, stdin === undefined ? {} : { stdin });
  if (run.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

export async function helmOk(node: KubeNodeFixture, args: readonly string[]): Promise<string> {
  const run = await node.helm(args, { timeoutMs: 180_000 });
  if (run.code !== 0) throw new Error(`helm ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

/** A namespace that enforces the restricted Pod Security Standard. */
export async function restrictedNamespace(node: KubeNodeFixture, prefix: string): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 7)}`;
  await kubectlOk(node, ["create", "namespace", name]);
  await kubectlOk(node, ["label", "namespace", name, "pod-security.kubernetes.io/enforce=restricted"]);
  return name;
}

export async function installRelease(node: KubeNodeFixture, ns: string, values: object): Promise<void> {
  await helmOk(node, [
    "install",
    RELEASE,
    CHART_DIR,
    "-n",
    ns,
    "-f",
    valuesFile(values),
    "--wait",
    "--timeout",
    "150s",
  ]);
}

/** Applies Secret + Account for each name, as `grantpool accounts manifest | kubectl apply -f -`. */
export async function applyAccounts(
  node: KubeNodeFixture,
  ns: string,
  tokens: Map<string, string>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "grantpool-node-story-"));
  try {
    for (const [name, token] of tokens) {
      const file = join(dir, `${name}.token`);
      writeFileSync(file, `${token}\n`);
      const args = ["accounts", "manifest", "--name", name, "--namespace", ns, "--refresh-token-file", file];
      const manifest = await runCli(args);
      if (manifest.code !== 0) throw new Error(`accounts manifest failed: ${manifest.stderr}`);
      await kubectlOk(node, ["apply", "-f", "-"], manifest.stdout);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function pods(node: KubeNodeFixture, ns: string, component: string): Promise<PodView[]> {
  const json = await kubectlOk(node, [
    "get",
    "pods",
    "-n",
    ns,
    "-l",
    `app.kubernetes.io/component=${component}`,
    "-o",
    "json",
  ]);
  return (JSON.parse(json) as { items: PodView[] }).items;
}

export function isReady(pod: PodView): boolean {
  return pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") === true;
}

/** One Gemini call to `base` (the Service's or a pod's address), from inside the node's namespace. */
export function ask(node: KubeNodeFixture, base: string): Promise<AgentReply> {
  return node.client.fetch(`${base}/v1beta/models/gemini-2.5-flash:generateContent`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": CLIENT_KEY },
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
  });
}

export function accountOf(reply: AgentReply): string | undefined {
  return reply.headers["x-grantpool-account"];
}

/** The proxy Service's address, as a client in the cluster calls it. */
export async function serviceUrl(node: KubeNodeFixture, ns: string): Promise<string> {
  const ip = await kubectlOk(node, ["get", "service", PROXY, "-n", ns, "-o", "jsonpath={.spec.clusterIP}"]);
  const port = await kubectlOk(node, [
    "get",
    "service",
    PROXY,
    "-n",
    ns,
    "-o",
    "jsonpath={.spec.ports[0].port}",
  ]);
  return `http://${ip}:${port}`;
}
