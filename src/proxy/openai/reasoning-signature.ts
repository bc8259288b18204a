/**
 * Gemini's thought signatures carried in the Responses API's `reasoning.encrypted_content`, so a
 * client that keeps no state on the server (`store: false`, as Codex runs) brings them back with
 * the reasoning item and multi-turn tool use keeps working on Gemini 3. The value is Gemini's
 * signature behind a prefix: only what grantpool handed out is ever sent back to Gemini (an
 * OpenAI-encrypted value from another provider's history is not a Gemini signature).
 */
const PREFIX = "gp.gemini.v1:";

export function encryptedContentOf(signature: string): string {
  return `${PREFIX}${signature}`;
}

/** The Gemini signature inside an `encrypted_content`, if grantpool made it. */
export function signatureOf(encryptedContent: unknown): string | undefined {
  if (typeof encryptedContent !== "string" || !encryptedContent.startsWith(PREFIX)) return undefined;
  const signature = encryptedContent.slice(PREFIX.length);
  return signature === "" ? undefined : signature;
}
