/**
 * The suite-wide secret scan: every log line any test produces (in-process captured loggers, the
 * proxy's and the CLI's standard error) is checked, as it arrives, for anything shaped like a
 * token the Google emulator minted and for the keys and client secrets the tests configured. The
 * preload (secret-scan-preload.ts) fails the run after the last test when anything leaked.
 */

/** The emulator marks every token it mints with `emu-`: refresh `1//emu-…`, access `ya29.emu-…`, code `4/emu-…`. */
export const EMULATOR_TOKEN_SHAPE = /(?:1\/\/|ya29\.|4\/)emu-[A-Za-z0-9_-]{6,}/;

/** Shorter values ("k") are not scanned for: they occur in ordinary words. */
const MIN_SCANNED_LENGTH = 8;
/** The settings whose values are secrets, when tests pass them to child processes. */
const SECRET_VARIABLES = ["GRANTPOOL_API_KEYS", "GRANTPOOL_ADMIN_KEY", "GRANTPOOL_OAUTH_CLIENT_SECRET"];

const secrets = new Set<string>();
const leaks: string[] = [];

/** Registers a key or secret a test configured; later log lines must never contain it. */
export function rememberSecret(value: string | undefined): void {
  if (value !== undefined && value.length >= MIN_SCANNED_LENGTH) secrets.add(value);
}

/** Registers the secret values among a child process's environment. */
export function rememberSecretsOf(env: Readonly<Record<string, string | undefined>>): void {
  for (const name of SECRET_VARIABLES) {
    for (const value of (env[name] ?? "").split(",")) rememberSecret(value.trim());
  }
}

/** Checks log text (one line or many) from `source`; a leak is remembered with a cut of the secret. */
export function scanLog(source: string, text: string): void {
  const shaped = EMULATOR_TOKEN_SHAPE.exec(text);
  if (shaped !== null) leaks.push(`${source}: emulator token ${shaped[0].slice(0, 12)}…`);
  for (const secret of secrets) {
    if (text.includes(secret)) leaks.push(`${source}: configured secret ${secret.slice(0, 4)}…`);
  }
}

export function leakedSecrets(): readonly string[] {
  return leaks;
}
