/**
 * A grantpool proxy for the real Claude Code CLI: the app over the Google emulator (app-fixture),
 * served on 127.0.0.1:0 with client keys required, and every request Claude Code sends recorded
 * on the way in — its path and query, headers (but its key), JSON body, the status it got, and the
 * reply of each count_tokens call — so a test can say what Claude Code asked for and what
 * grantpool answered.
 */
import type { SelectionStrategy } from "../../src/pool/strategies/selection-strategy.ts";
import { type AppFixture, startAppFixture } from "./app-fixture.ts";
import { listen } from "./listening-app.ts";

export interface ClientRequest {
  readonly method: string;
  /** Path and query, as Claude Code sent them: `/v1/messages?beta=true`. */
  readonly target: string;
  /** Lower-cased names; the key's headers left out. */
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
  readonly status: number;
  /** The JSON reply of a count_tokens call; undefined for other calls (streams are not read twice). */
  readonly counted?: { input_tokens?: number };
}

export interface ClaudeCodeProxy extends AsyncDisposable {
  readonly url: string;
  /** The client key grantpool requires (Claude Code's ANTHROPIC_API_KEY). */
  readonly apiKey: string;
  readonly fixture: AppFixture;
  readonly requests: readonly ClientRequest[];
  /** What Claude Code asked and got, and what is still unanswered: for a failing test's message. */
  describeTraffic(): string;
}

export const CLAUDE_CODE_ACCOUNT = "ada@example.com";
const CREDENTIAL_HEADERS = new Set(["authorization", "x-api-key", "x-goog-api-key"]);

function parsed(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export async function startClaudeCodeProxy(options: {
  readonly profile: "gemini" | "code-assist";
  /** The pool's accounts; default one, CLAUDE_CODE_ACCOUNT. */
  readonly emails?: readonly string[];
  readonly strategy?: SelectionStrategy;
  /** grantpool reaches the emulator without a socket (google.fetch): a stream fault is exact. */
  readonly upstreamInProcess?: boolean;
}): Promise<ClaudeCodeProxy> {
  const apiKey = `client-key-claude-${crypto.randomUUID()}`;
  const fixture = await startAppFixture({
    emails: options.emails ?? [CLAUDE_CODE_ACCOUNT],
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
    ...(options.upstreamInProcess === undefined ? {} : { upstreamInProcess: options.upstreamInProcess }),
    profile: options.profile,
    authMode: "strict",
    apiKeys: [apiKey],
  });
  const requests: ClientRequest[] = [];
  const unanswered = new Map<number, string>();
  let started = 0;
  const server = listen(async (request) => {
    const url = new URL(request.url);
    const number = started++;
    unanswered.set(number, `${request.method} ${url.pathname}${url.search}`);
    const body = parsed(request.method === "POST" ? await request.clone().text() : "");
    const reply = await fixture.handle(request).finally(() => unanswered.delete(number));
    const counted = url.pathname.endsWith("/count_tokens") ? parsed(await reply.clone().text()) : undefined;
    const headers = Object.fromEntries(
      [...request.headers].filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase())),
    );
    requests.push({
      method: request.method,
      target: `${url.pathname}${url.search}`,
      headers,
      body,
      status: reply.status,
      ...(counted === undefined ? {} : { counted }),
    });
    return reply;
  });
  return {
    url: server.url,
    apiKey,
    fixture,
    requests,
    describeTraffic() {
      const answered = requests.map((r) => `${r.status} ${r.method} ${r.target}`);
      const upstream = fixture.google.upstreamRequests.map((r) => r.path);
      return [
        `grantpool answered ${answered.length} of the client's ${started} requests: ${answered.join(", ")}`,
        `unanswered: ${[...unanswered.values()].join(", ") || "none"}`,
        `the emulator received ${upstream.length}: ${upstream.join(", ")}`,
        `grantpool's log:\n${fixture.log.lines.join("\n")}`,
      ].join("\n");
    },
    async [Symbol.asyncDispose]() {
      await server[Symbol.asyncDispose]();
      await fixture[Symbol.asyncDispose]();
    },
  };
}
