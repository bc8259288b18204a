/** Chooses the upstream profile from the settings (SPEC §6.3). */
import type { Settings } from "../../config/setting-table.ts";
import type { FetchLike } from "../../oauth/google-oauth-client.ts";
import type { AccountStore } from "../../stores/account-store.ts";
import { createCodeAssistProfile } from "./code-assist-profile.ts";
import { createGeminiProfile } from "./gemini-profile.ts";
import type { UpstreamProfile } from "./upstream-profile.ts";

export function createUpstreamProfile(
  settings: Settings,
  fetch: FetchLike,
  store: AccountStore,
): UpstreamProfile {
  if (settings.upstreamProfile === "gemini") return createGeminiProfile(settings.upstreamUrl);
  return createCodeAssistProfile({
    baseUrl: settings.upstreamUrl,
    fetch,
    // The project found by loadCodeAssist is kept in the account file, so the next start skips the lookup.
    rememberProject: async (accountId, projectId) => {
      await store.update(accountId, (account) =>
        account.token.projectId === undefined
          ? { ...account, token: { ...account.token, projectId } }
          : undefined,
      );
    },
  });
}
