/**
 * forwardCall over a pool fixture, without the HTTP routes: the Google emulator as upstream (or
 * any profile and fetch a test hands in), a memory store, a fake clock and a captured log. For
 * tests of what one client call does to the accounts.
 */
import type { FetchLike } from "../../src/oauth/google-oauth-client.ts";
import { type ForwardDeps, forwardCall } from "../../src/proxy/forward-call.ts";
import type { Protocol } from "../../src/proxy/protocol-errors.ts";
import { createCodeAssistProfile } from "../../src/proxy/upstream/code-assist-profile.ts";
import { createGeminiProfile } from "../../src/proxy/upstream/gemini-profile.ts";
import type { GeminiCall, UpstreamProfile } from "../../src/proxy/upstream/upstream-profile.ts";
import { type PoolFixture, type PoolFixtureOptions, startPoolFixture } from "./pool-fixture.ts";

const HELLO = { contents: [{ role: "user", parts: [{ text: "hello" }] }] };

export interface ForwardFixture extends PoolFixture {
  readonly deps: ForwardDeps;
  /** One client call: generateContent on gemini-2.5-flash saying hello, unless `call` says otherwise. */
  forward(options?: ForwardOptions): Promise<Response>;
}

export interface ForwardOptions {
  readonly call?: Partial<GeminiCall>;
  readonly protocol?: Protocol;
  readonly signal?: AbortSignal;
}

export interface ForwardFixtureOptions extends PoolFixtureOptions {
  /** The upstream profile: a name (pointed at the emulator) or a double built from the emulator's URL. */
  readonly profile?: "gemini" | "code-assist" | ((upstreamUrl: string, fetch: FetchLike) => UpstreamProfile);
  /** The fetch upstream calls go through; the real one by default. */
  readonly upstreamFetch?: FetchLike;
  readonly maxAttempts?: number;
}

function profileFor(options: ForwardFixtureOptions, pool: PoolFixture, fetch: FetchLike): UpstreamProfile {
  const url = pool.google.upstreamUrl;
  if (typeof options.profile === "function") return options.profile(url, fetch);
  if (options.profile !== "code-assist") return createGeminiProfile(url);
  return createCodeAssistProfile({
    baseUrl: url,
    fetch,
    rememberProject: async (id, projectId) => {
      await pool.store.update(id, (a) => ({ ...a, token: { ...a.token, projectId } }));
    },
  });
}

export async function startForwardFixture(options: ForwardFixtureOptions): Promise<ForwardFixture> {
  const pool = await startPoolFixture(options);
  const upstreamFetch = options.upstreamFetch ?? ((input, init) => fetch(input, init));
  const deps: ForwardDeps = {
    pool: pool.pool,
    profile: profileFor(options, pool, upstreamFetch),
    fetch: upstreamFetch,
    clock: pool.clock,
    log: pool.log.logger,
    maxAttempts: options.maxAttempts ?? 3,
  };
  return {
    ...pool,
    [Symbol.asyncDispose]: pool[Symbol.asyncDispose],
    deps,
    forward: (call = {}) =>
      forwardCall(deps, {
        call: {
          model: "gemini-2.5-flash",
          action: "generateContent",
          body: HELLO,
          query: new URLSearchParams(),
          ...call.call,
        },
        protocol: call.protocol ?? "gemini",
        signal: call.signal ?? new AbortController().signal,
      }),
  };
}
