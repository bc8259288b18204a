/**
 * Runs inside the node's network namespace (`nsenter --net=… bun netns-agent.ts`) and makes HTTP
 * calls for a test on the host, which cannot reach Service or pod addresses itself: these live
 * only inside that namespace. One JSON request per stdin line, one JSON reply per stdout line,
 * matched by id; calls run concurrently. A call that fails to connect is a reply too
 * (`status: 0` with the error), so the test can count failures.
 */
import { createInterface } from "node:readline";

export interface AgentRequest {
  readonly id: number;
  readonly url: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

export interface AgentReply {
  readonly id: number;
  /** 0 when no HTTP reply came (connection refused or reset, timeout). */
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly error?: string;
}

async function call(request: AgentRequest): Promise<AgentReply> {
  try {
    const reply = await fetch(request.url, {
      method: request.method ?? "GET",
      ...(request.headers === undefined ? {} : { headers: request.headers }),
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(request.timeoutMs ?? 10_000),
    });
    const body = await reply.text();
    return { id: request.id, status: reply.status, headers: Object.fromEntries(reply.headers), body };
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { id: request.id, status: 0, headers: {}, body: "", error: message };
  }
}

if (import.meta.main) {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === "") continue;
    void call(JSON.parse(line) as AgentRequest).then((reply) => {
      process.stdout.write(`${JSON.stringify(reply)}\n`);
    });
  }
}
