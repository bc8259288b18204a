/**
 * What an upstream profile cannot serve at all. Cloud Code Assist (`/v1internal`) has
 * generateContent, streamGenerateContent and countTokens but no embedding method (Gemini CLI 0.61.0's
 * own Code Assist client, CodeAssistServer, throws for embedContent), so on the code-assist profile
 * embeddings are refused with Google's 501 UNIMPLEMENTED before any account is leased: the
 * client learns why at once and no account is blamed for it.
 */
import type { GeminiAction } from "./upstream-profile.ts";

const CODE_ASSIST_UNSERVED: ReadonlySet<GeminiAction> = new Set(["embedContent", "batchEmbedContents"]);

/** Why `action` cannot be served on the profile, or undefined when it can. */
export function unservedAction(profile: "gemini" | "code-assist", action: GeminiAction): string | undefined {
  if (profile !== "code-assist" || !CODE_ASSIST_UNSERVED.has(action)) return undefined;
  return `${action} is not available on grantpool's code-assist upstream profile: Cloud Code Assist has no embedding method; run grantpool with --upstream-profile gemini for embeddings`;
}
