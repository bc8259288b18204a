/**
 * Finds the Cloud Code Assist project of an account that has none on file, with one
 * `loadCodeAssist` call per account (concurrent callers share it), and remembers it.
 */
import * as v from "valibot";
import type { FetchLike } from "../../oauth/google-oauth-client.ts";
import type { Lease } from "../../pool/lease.ts";
import { err, ok, type Result } from "../../result.ts";
import { errorReply } from "../protocol-errors.ts";
import { type ProfileFailure, upstreamHeaders } from "./upstream-profile.ts";

const Tier = v.optional(v.looseObject({ id: v.optional(v.pipe(v.string(), v.maxLength(200))) }));
const LoadCodeAssistReply = v.looseObject({
  cloudaicompanionProject: v.optional(v.union([v.string(), v.looseObject({ id: v.string() })])),
  currentTier: Tier,
  paidTier: Tier,
});

export interface ProjectResolverDeps {
  readonly fetch: FetchLike;
  readonly baseUrl: string;
  /** Persists the project found, so the next start needs no lookup. */
  readonly remember: (accountId: string, projectId: string) => Promise<void>;
}

export type ProjectLookup = Result<string, ProfileFailure>;

const LOAD_BODY = JSON.stringify({
  metadata: { ideType: "IDE_UNSPECIFIED", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" },
});

export function createProjectResolver(deps: ProjectResolverDeps) {
  const known = new Map<string, Promise<ProjectLookup>>();
  /** Each account's Code Assist tier, as its last loadCodeAssist said (the paid one first; undefined: none). */
  const tiers = new Map<string, string | undefined>();

  const load = async (lease: Lease, signal: AbortSignal) => {
    let reply: Response;
    try {
      reply = await deps.fetch(`${deps.baseUrl}/v1internal:loadCodeAssist`, {
        method: "POST",
        headers: upstreamHeaders(lease),
        body: LOAD_BODY,
        signal,
      });
    } catch (cause) {
      return err({ kind: "unreachable", cause } as const);
    }
    if (!reply.ok) return err({ kind: "reply", reply } as const);
    const parsed = v.safeParse(LoadCodeAssistReply, await reply.json().catch(() => undefined));
    if (!parsed.success) return ok(undefined);
    const tier = parsed.output.paidTier?.id || parsed.output.currentTier?.id || undefined;
    tiers.set(lease.accountId, tier);
    return ok(parsed.output);
  };

  const lookup = async (lease: Lease, signal: AbortSignal): Promise<ProjectLookup> => {
    const loaded = await load(lease, signal);
    if (!loaded.ok) return loaded;
    const project = loaded.value?.cloudaicompanionProject;
    const id = typeof project === "string" ? project : project?.id;
    if (id === undefined || id === "") {
      // Answered as Google would, so each client protocol translates it like Google's own refusals.
      const reply = errorReply("gemini", {
        kind: "permission_denied",
        message: "Cloud Code Assist has no project for this account; sign in once with Gemini Code Assist",
      });
      return err({ kind: "reply", reply });
    }
    await deps.remember(lease.accountId, id).catch(() => {});
    return ok(id);
  };

  return {
    /**
     * The account's Code Assist tier (loadCodeAssist's `paidTier.id`, else `currentTier.id`), asked
     * once per account and process; undefined when Google does not say.
     */
    async tierFor(lease: Lease, signal: AbortSignal): Promise<string | undefined> {
      if (!tiers.has(lease.accountId)) await load(lease, signal);
      return tiers.get(lease.accountId);
    },
    projectFor(lease: Lease, signal: AbortSignal): Promise<ProjectLookup> {
      if (lease.projectId !== undefined) return Promise.resolve(ok(lease.projectId));
      const cached = known.get(lease.accountId);
      if (cached !== undefined) return cached;
      const pending = lookup(lease, signal).then((result) => {
        if (!result.ok) known.delete(lease.accountId); // failures are retried next time
        return result;
      });
      known.set(lease.accountId, pending);
      return pending;
    },
  };
}
