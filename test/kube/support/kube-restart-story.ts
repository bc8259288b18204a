/**
 * Helpers of the API-server restart story (apiserver-restart.kube.test.ts) on top of kube-story.ts:
 * asking several replicas in turn, waiting until no replica picks an account, and the log lines
 * a failure message needs to say what the proxies did.
 */
import type { ProxyProcess } from "../../support/proxy-process.ts";
import { waitFor } from "../../support/wait-for.ts";
import { ask } from "./kube-story.ts";

export interface Reply {
  readonly status: number;
  readonly account: string | null;
}

/** `count` Gemini calls, concurrently, spread over `replicas` in turn. */
export function askInTurn(replicas: readonly ProxyProcess[], count: number): Promise<Reply[]> {
  return Promise.all(
    Array.from({ length: count }, (_, i) => ask(replicas[i % replicas.length] as ProxyProcess)),
  );
}

/**
 * Waits until a round of `rounds` calls per replica (round-robin walks every active account within
 * a few) succeeds without `accountId` answering, i.e. every replica has left it out of its pool.
 */
export async function waitUntilUnusedBy(
  replicas: readonly ProxyProcess[],
  accountId: string,
  timeoutMs: number,
  rounds = 6,
): Promise<void> {
  await waitFor(
    async () => {
      const replies = await askInTurn(replicas, rounds * replicas.length);
      return replies.every((reply) => reply.status === 200 && reply.account !== accountId);
    },
    { timeoutMs, message: `${accountId} to be left out by every replica` },
  );
}

/** The log lines of each process that mention `needle`, labelled by process, for failure messages. */
export function logsMentioning(processes: readonly ProxyProcess[], needle: string): string {
  return processes
    .map((process, i) => {
      const lines = process.logLines.filter((line) => line.includes(needle));
      return `--- process ${i} (${process.url}):\n${lines.join("\n") || "(nothing)"}`;
    })
    .join("\n");
}
