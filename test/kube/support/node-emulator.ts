/**
 * The Google emulator where pods can call it: started inside the node's network namespace
 * (`npm run emulator -- --host 0.0.0.0`), so pods reach it at the node's address, while the test
 * on the host drives its control routes (/emulator/tokens, /emulator/revoke) over the veth pair.
 */
import { join } from "node:path";
import { waitFor } from "../../support/wait-for.ts";
import type { NodeNetwork } from "./node-network.ts";
import { type StreamingTool, streamProcess } from "./run-tool.ts";

const MAIN = join(import.meta.dir, "..", "..", "support", "google-emulator-main.ts");

export interface NodeEmulator extends AsyncDisposable {
  /** The settings that point grantpool in a pod at it, by flag name (Helm chart `settings`). */
  readonly podSettings: Record<string, string>;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A new refresh token for `email`. */
  mintToken(email: string): Promise<string>;
  /** Revokes one refresh token and expires every access token (as an hour passing would). */
  revoke(token: string): Promise<void>;
}

function exported(lines: readonly string[], name: string): string {
  const line = lines.find((entry) => entry.startsWith(`export ${name}=`));
  if (line === undefined) throw new Error(`the emulator printed no ${name}`);
  return line.slice(`export ${name}=`.length).replace(/^'(.*)'$/, "$1");
}

export async function startNodeEmulator(network: NodeNetwork): Promise<NodeEmulator> {
  const child: StreamingTool = streamProcess([
    "nsenter",
    `--net=${network.netnsPath}`,
    "--",
    process.execPath,
    MAIN,
    "--host",
    "0.0.0.0",
    "--port",
    "0",
  ]);
  await waitFor(() => child.lines.some((line) => line.startsWith("export GRANTPOOL_UPSTREAM_URL=")), {
    timeoutMs: 15_000,
    message: () => `the emulator to start; it printed:\n${child.lines.join("\n")}`,
  });
  const inPods = (url: string) => url.replace("//0.0.0.0:", `//${network.nodeIp}:`);
  const upstream = exported(child.lines, "GRANTPOOL_UPSTREAM_URL");
  // The host reaches the namespace's end of the veth pair; the emulator listens there too.
  const control = `http://${network.publicAddress}:${new URL(upstream).port}/emulator`;
  const post = async (path: string, params: Record<string, string>): Promise<string> => {
    const reply = await fetch(`${control}/${path}?${new URLSearchParams(params)}`, { method: "POST" });
    const body = (await reply.text()).trim();
    if (!reply.ok) throw new Error(`emulator ${path}: ${reply.status} ${body}`);
    return body;
  };
  return {
    podSettings: {
      "oauth-token-url": inPods(exported(child.lines, "GRANTPOOL_OAUTH_TOKEN_URL")),
      "oauth-userinfo-url": inPods(exported(child.lines, "GRANTPOOL_OAUTH_USERINFO_URL")),
      "upstream-url": inPods(upstream),
    },
    clientId: exported(child.lines, "GRANTPOOL_OAUTH_CLIENT_ID"),
    clientSecret: exported(child.lines, "GRANTPOOL_OAUTH_CLIENT_SECRET"),
    mintToken: (email) => post("tokens", { email }),
    async revoke(token) {
      await post("revoke", { token });
    },
    [Symbol.asyncDispose]: () => child[Symbol.asyncDispose](),
  };
}
