/**
 * The parent's handle on one replica child (kube-replica.ts): starts it against a server and
 * namespace, reads its JSON lines, sends commands, and stops it by its pid — gently with "quit",
 * then by signal if it does not go.
 */
import type { Subprocess } from "bun";
import type { ReadyReport } from "./kube-replica.ts";

const REPLICA = new URL("./kube-replica.ts", import.meta.url).pathname;

export interface ReplicaMessage {
  readonly type: string;
  readonly id?: string;
  readonly at?: number;
  readonly writeMs?: number;
  readonly outcome?: string;
}

export interface ReplicaProcess extends AsyncDisposable {
  readonly pid: number;
  /** The next message of `type` (earlier ones of that type first); rejects after `timeoutMs`. */
  next(type: string, timeoutMs: number): Promise<ReplicaMessage>;
  ready(timeoutMs: number): Promise<ReadyReport>;
  send(command: object): void;
}

export function startReplica(kubeconfig: string, namespace: string): ReplicaProcess {
  const child: Subprocess<"pipe", "pipe", "inherit"> = Bun.spawn([process.execPath, REPLICA, namespace], {
    env: { ...process.env, KUBECONFIG: kubeconfig },
    stdin: "pipe",
    stdout: "pipe",
    stderr: "inherit",
  });
  const queues = new Map<string, ReplicaMessage[]>();
  const waiters = new Map<string, { resolve: (m: ReplicaMessage) => void; reject: (e: Error) => void }>();
  let ended: string | undefined;

  const deliver = (message: ReplicaMessage): void => {
    const waiter = waiters.get(message.type);
    if (waiter !== undefined) {
      waiters.delete(message.type);
      waiter.resolve(message);
      return;
    }
    queues.set(message.type, [...(queues.get(message.type) ?? []), message]);
  };
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of child.stdout) {
      buffer += decoder.decode(chunk, { stream: true });
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (line !== "") deliver(JSON.parse(line) as ReplicaMessage);
    }
  })();
  void child.exited.then(async (code) => {
    await reading.catch(() => {});
    ended = `the replica (pid ${child.pid}) exited with ${code}`;
    for (const waiter of waiters.values()) waiter.reject(new Error(ended));
    waiters.clear();
  });

  const next = (type: string, timeoutMs: number): Promise<ReplicaMessage> => {
    const queued = queues.get(type)?.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (ended !== undefined) return Promise.reject(new Error(ended));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(type);
        reject(new Error(`No "${type}" from the replica (pid ${child.pid}) within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.set(type, {
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  };

  return {
    pid: child.pid,
    next,
    ready: async (timeoutMs) => (await next("ready", timeoutMs)) as unknown as ReadyReport,
    send(command) {
      child.stdin.write(`${JSON.stringify(command)}\n`);
      void child.stdin.flush();
    },
    async [Symbol.asyncDispose]() {
      if (ended === undefined) {
        try {
          child.stdin.write(`${JSON.stringify({ op: "quit" })}\n`);
          await child.stdin.end();
        } catch {
          // Its stdin is gone already: the signal below ends it.
        }
        const quit = await Promise.race([child.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
        if (!quit) child.kill("SIGKILL");
      }
      await child.exited;
      await reading.catch(() => {});
    },
  };
}
