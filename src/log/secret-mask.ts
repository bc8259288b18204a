/**
 * Masks the process's own configured secrets (client keys, the admin key, the OAuth client
 * secret) wherever they appear in a log line, whatever shape they have. Secrets shorter than
 * MIN_MASKED_LENGTH are left alone: masking every "k" would garble the log, and such a value
 * is no secret anyway.
 */
export const MIN_MASKED_LENGTH = 6;

export type SecretMask = (text: string) => string;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export function createSecretMask(secrets: readonly string[]): SecretMask {
  const maskable = [...new Set(secrets)]
    .filter((secret) => secret.length >= MIN_MASKED_LENGTH)
    .sort((a, b) => b.length - a.length);
  if (maskable.length === 0) return (text) => text;
  const pattern = new RegExp(maskable.map(escapeRegExp).join("|"), "g");
  return (text) => text.replace(pattern, "[redacted]");
}
