/**
 * Client authentication (SPEC §6.2): which routes need a client key under each mode, and the
 * access rules the routes carry. Keys are compared in constant time and never forwarded upstream.
 */
import type { AccessRefusal, AccessRule } from "./access/access-rule.ts";
import { CLIENT_KEY_PLACES, createKeyChecker, keyRule } from "./access/key-check.ts";
import { errorReply, type Protocol } from "./protocol-errors.ts";

export type AuthMode = "off" | "strict" | "all_except_health" | "auto";
export type EffectiveAuthMode = Exclude<AuthMode, "auto">;

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare);
}

/** `auto` protects everything but health when the proxy is reachable from other machines. */
export function effectiveAuthMode(mode: AuthMode, host: string): EffectiveAuthMode {
  if (mode !== "auto") return mode;
  return isLoopbackHost(host) ? "off" : "all_except_health";
}

export interface ClientAccess {
  readonly mode: EffectiveAuthMode;
  /** `/healthz`, `/readyz` and `/metrics`: open unless strict (probes and scrapers rarely send keys). */
  readonly probes: AccessRule;
  /** The API routes of one client protocol; refusals in that protocol's error format. */
  api(protocol: Protocol): AccessRule;
}

const MISSING_KEY = "missing API key: send it as Authorization: Bearer, x-api-key, x-goog-api-key or ?key=";

function refusal(protocol: Protocol): (why: AccessRefusal) => Response {
  return (why) =>
    errorReply(protocol, {
      kind: "unauthenticated",
      message: why === "invalid_key" ? "invalid API key" : MISSING_KEY,
    });
}

export function createClientAccess(mode: AuthMode, host: string, keys: readonly string[]): ClientAccess {
  const effective = effectiveAuthMode(mode, host);
  // One checker for every protocol: the configured keys are hashed once.
  const matches = effective === "off" ? undefined : createKeyChecker(keys);
  const ruleFor = (protocol: Protocol): AccessRule =>
    matches === undefined ? { kind: "open" } : keyRule(matches, CLIENT_KEY_PLACES, refusal(protocol));
  const rules: Record<Protocol, AccessRule> = {
    gemini: ruleFor("gemini"),
    openai: ruleFor("openai"),
    anthropic: ruleFor("anthropic"),
  };
  return {
    mode: effective,
    probes: effective === "strict" ? rules.gemini : { kind: "open" },
    api: (protocol) => rules[protocol],
  };
}
