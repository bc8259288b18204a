/**
 * The host side of netns-agent.ts: `fetch`-like calls made from inside the node's network
 * namespace, where Service ClusterIPs and pod IPs are reachable. One agent process serves every
 * call of a test file.
 */
import { type Subprocess, spawn } from "bun";
import type { AgentReply, AgentRequest } from "./netns-agent.ts";

export type { AgentReply } from "./netns-agent.ts";

export interface NetnsClient extends AsyncDisposable {
  fetch(url: string, init?: Omit<AgentRequest, "id" | "url">): Promise<AgentReply>;
}

export function startNetnsClient(netnsPath: string): NetnsClient {
  const child: Subprocess<"pipe", "pipe", "inherit"> = spawn(
    ["nsenter", `--net=${netnsPath}`, "--", process.execPath, `${import.meta.dir}/netns-agent.ts`],
    { stdin: "pipe", stdout: "pipe", stderr: "inherit" },
  );
  const waiting = new Map<number, (reply: AgentReply) => void>();
  let next = 0;
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of child.stdout) {
      buffered += decoder.decode(chunk, { stream: true });
      for (let end = buffered.indexOf("\n"); end !== -1; end = buffered.indexOf("\n")) {
        const reply = JSON.parse(buffered.slice(0, end)) as AgentReply;
        buffered = buffered.slice(end + 1);
        waiting.get(reply.id)?.(reply);
        waiting.delete(reply.id);
      }
    }
  })();
  return {
    fetch(url, init = {}) {
      next += 1;
      const request: AgentRequest = { ...init, id: next, url };
      const reply = new Promise<AgentReply>((resolve) => waiting.set(request.id, resolve));
      child.stdin.write(`${JSON.stringify(request)}\n`);
      child.stdin.flush();
      return reply;
    },
    async [Symbol.asyncDispose]() {
      await child.stdin.end();
      child.kill();
      await child.exited;
      await reading;
    },
  };
}
